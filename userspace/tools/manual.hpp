// SPDX-License-Identifier: GPL-2.0
//
// memplugctl's manual pages and bash completion, made from the command line
// memplugctl parses (cli::Cli: the table of commands.cpp and each
// subcommand's options, help and footer), so that none of them can say
// something else than --help. mkman writes them at build time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"

namespace memplug::manual {

// Text as roff: backslashes, hyphens as \-, a leading dot or quote.
std::string roff(std::string_view text);

// memplugctl(8).
std::string memplugctl_8(const cli::Cli &cli, std::string_view version);

// memplug.conf(5): the files of memplugctl apply; its keys are plug's
// long options.
std::string memplug_conf_5(const cli::Cli &cli, std::string_view version);

// The bash completion script: complete -F _memplugctl memplugctl.
std::string bash_completion(const cli::Cli &cli);

// The words the completion offers as the value of an option of type
// @type_name (CLI11's type name, as --help shows it), or none.
std::vector<std::string> fixed_values(std::string_view type_name);

} // namespace memplug::manual
