// SPDX-License-Identifier: GPL-2.0
//
// What memplugctl's help adds to CLI11's: the examples that end each
// subcommand's --help, and "did you mean" for a mistyped subcommand or
// option.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "command.hpp"

namespace CLI {
class App;
}

namespace memplug::cli {

// The "Examples:" section of a subcommand's --help; empty without examples.
std::string examples_text(std::span<const Example> examples);

// The candidate @word most likely meant: the only one it is a prefix of,
// else the only one closest to it within two edits (insertion, deletion,
// substitution or swap of neighbours), not counting a candidate closer
// than that to nothing (an edit distance below the word's length).
std::optional<std::string> closest(std::string_view word,
				   const std::vector<std::string> &candidates);

// After a failed parse of @app, the whole command line: a line saying
// which subcommand or option of the chosen subcommand the first word
// nothing took probably meant, or "" when none is close.
std::string did_you_mean(const CLI::App &app);

} // namespace memplug::cli
