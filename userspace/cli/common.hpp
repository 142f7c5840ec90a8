// SPDX-License-Identifier: GPL-2.0
//
// Pieces shared by the subcommands.
#pragma once

#include <memory>

#include "cli.hpp"
#include "memplug/format.hpp"
#include "memplug/progress.hpp"
#include "signals.hpp"

namespace memplug::cli {

inline void add_json_flag(CLI::App &sub, bool &json)
{
	sub.add_flag("--json", json, "Print JSON instead of text");
}

inline std::unique_ptr<Formatter> formatter(bool json, Context &ctx)
{
	return make_formatter(json ? OutputFormat::Json : OutputFormat::Text, ctx.out);
}

// Connects or throws the Error (exit 3 when the module is absent).
inline std::unique_ptr<Backend> connect(Context &ctx)
{
	return ctx.connect().value();
}

// What plug and unplug ask while they run: whether a signal caught by
// StopSignals asks to cancel them, and where their progress goes.
inline OpHooks operation_hooks(ProgressLine &line)
{
	return OpHooks{[] { return StopSignals::which(); },
		       [&line](const Progress &progress) {
			       line.update(progress);
		       }};
}

// A warning on err, the progress line out of its way.
inline Warn warning(Context &ctx, ProgressLine &line)
{
	return [&ctx, &line](const std::string &text) {
		line.clear();
		ctx.err << "memplugctl: WARNING: " << text << std::endl;
	};
}

} // namespace memplug::cli
