// SPDX-License-Identifier: GPL-2.0
//
// One subcommand of memplugctl as the dispatcher sees it: its name and
// description, how it binds its options, how it runs and its traits.
// commands.cpp holds the table of them all; a new subcommand is one entry
// there plus its file (setup_<cmd>() and run_<cmd>(), declared in cli.hpp).
#pragma once

#include <any>
#include <memory>
#include <span>
#include <utility>

namespace CLI {
class App;
}

namespace memplug::cli {

struct Context;

// One use of a command, shown at the end of its --help and in the manual.
struct Example {
	const char *command;     // a whole command line, starting with memplugctl
	const char *explanation; // one line: what it does
};

// What the dispatcher must know of a command besides running it.
struct CommandTraits {
	// Changes a range block by block: runs through Context::survive_kill,
	// where a kill of memplugctl cannot stop it half way.
	bool survive_kill = false;
};

struct Command {
	const char *name;
	const char *description;
	// One to three examples (examples in --help, EXAMPLES in memplugctl(8)).
	std::span<const Example> examples;
	// Binds the options to @sub, the subcommand; returns where parsing
	// puts their values (a std::shared_ptr<Options>).
	std::any (*setup)(CLI::App &sub);
	// Runs with the options setup returned; returns the exit code and
	// throws failures as memplug::Error.
	int (*run)(const std::any &options, Context &ctx);
	CommandTraits traits;
};

// The table entry of a command made of @Setup, which binds its options,
// and @Run, which runs it:
//   std::shared_ptr<Options> Setup(CLI::App &sub);
//   int Run(const Options &opts, Context &ctx);
template <auto Setup, auto Run>
constexpr Command command(const char *name, const char *description,
			  std::span<const Example> examples, CommandTraits traits = {})
{
	using Options = typename decltype(Setup(std::declval<CLI::App &>()))::element_type;
	return Command{
		name,
		description,
		examples,
		[](CLI::App &sub) -> std::any { return Setup(sub); },
		[](const std::any &options, Context &ctx) -> int {
			return Run(*std::any_cast<const std::shared_ptr<Options> &>(options), ctx);
		},
		traits,
	};
}

// Every subcommand, in the order of --help.
std::span<const Command> commands();

// What memplugctl is for, a paragraph longer than the one line of --help:
// the DESCRIPTION of memplugctl(8).
const char *program_description();

} // namespace memplug::cli
