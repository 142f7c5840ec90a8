// SPDX-License-Identifier: GPL-2.0
//
// Pieces shared by the subcommands.
#pragma once

#include <memory>

#include "cli.hpp"
#include "memplug/format.hpp"

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

} // namespace memplug::cli
