// SPDX-License-Identifier: GPL-2.0
//
// Pieces shared by the subcommands.
#pragma once

#include <memory>

#include "cli.hpp"
#include "memplug/format.hpp"
#include "memplug/progress.hpp"
#include "memplug/tiers.hpp"
#include "signals.hpp"

namespace memplug::cli {

inline void add_json_flag(CLI::App &sub, bool &json)
{
	sub.add_flag("--json", json,
		     "Print one JSON document instead of text, on failure too: format 1, "
		     "schema " +
			     sub.get_name() + ".schema.json (docs/json.md)");
}

// The kernel's memory tiers. Where sysfs shows none, or cannot be read,
// every node's tier is unknown: nothing fails for it.
inline std::vector<MemoryTier> memory_tiers(const Context &ctx)
{
	auto tiers = read_memory_tiers(ctx.system.files.memory_tiering);
	return tiers ? std::move(*tiers) : std::vector<MemoryTier>();
}

// The ranges it prints show their node's memory tier from @tiers.
inline std::unique_ptr<Formatter> formatter(bool json, Context &ctx, std::vector<MemoryTier> tiers)
{
	return make_formatter(json ? OutputFormat::Json : OutputFormat::Text, ctx.out,
			      std::move(tiers), &ctx.warnings);
}

inline std::unique_ptr<Formatter> formatter(bool json, Context &ctx)
{
	return formatter(json, ctx, memory_tiers(ctx));
}

// Connects or throws the Error (exit 3 when the module is absent).
inline std::unique_ptr<Backend> connect(Context &ctx)
{
	return ctx.connect().value();
}

// With --verbose, each step of an operation on err as a line of its own,
// "memplugctl: step: committed: range 3", the progress line (if any) out
// of its way; otherwise nothing listens.
inline Step steps(Context &ctx, ProgressLine *line = nullptr)
{
	if (!ctx.verbose)
		return {};
	return [&ctx, line](const std::string &text) {
		if (line)
			line->clear();
		ctx.err << "memplugctl: step: " << text << std::endl;
	};
}

// What plug and unplug ask while they run: whether a signal caught by
// StopSignals asks to cancel them, where their progress goes, and their
// steps.
inline OpHooks operation_hooks(Context &ctx, ProgressLine &line)
{
	return OpHooks{[] { return StopSignals::which(); },
		       [&line](const Progress &progress) { line.update(progress); },
		       steps(ctx, &line)};
}

// A warning on err, the progress line out of its way; kept in ctx.warnings
// for the JSON document too.
inline Warn warning(Context &ctx, ProgressLine &line)
{
	return [&ctx, &line](const std::string &text) {
		ctx.warnings.push_back(text);
		line.clear();
		ctx.err << "memplugctl: WARNING: " << text << std::endl;
	};
}

} // namespace memplug::cli
