// SPDX-License-Identifier: GPL-2.0
//
// The memplugctl command line: one options struct, one setup_<cmd>() that
// binds them to the subcommand and one run_<cmd>() that does the work, per
// subcommand; commands.cpp lists them in its table (command.hpp).
// Option values are taken as strings and checked by memplug's own parsers
// (CLI11's integer conversion accepts octal and wraps negatives).
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "command.hpp"
#include "memplug/backend.hpp"
#include "memplug/config.hpp"
#include "memplug/host.hpp"
#include "memplug/monitor.hpp"
#include "memplug/ops.hpp"

namespace memplug::cli {

// What the commands talk to, so tests can substitute all of it.
struct Context {
	std::ostream &out;
	std::ostream &err;
	std::function<Result<std::unique_ptr<Backend>>()> connect;
	System system;
	// Runs the commands with the trait survive_kill (online, offline) so
	// that killing memplugctl cannot leave a range half done (main:
	// run_surviving_kill()); unset: in place.
	std::function<int(const std::function<int()> &)> survive_kill;
	// Whether err is a terminal: plug and unplug then show their progress
	// there, unless the output is JSON.
	bool progress = false;
	// The warnings the command printed on err so far; its JSON document,
	// or the error document, carries them too.
	std::vector<std::string> warnings = {};
	// -v, --verbose: plug, unplug, online and offline tell each step on
	// err as it happens (steps()).
	bool verbose = false;
};

struct StatusOptions {
	bool json = false;
};

struct PlugOptions {
	PlugRequest request;
	bool json = false;
};

struct UnplugOptions {
	UnplugRequest request;
	bool json = false;
};

struct ListOptions {
	bool json = false;
};

struct BlocksOptions {
	std::optional<std::uint32_t> range_id;
	bool json = false;
};

struct ProtectOptions {
	std::uint32_t id = 0;
	bool protect = true; // protect, or unprotect
	bool json = false;
};

struct CancelOptions {
	std::uint32_t id = 0;
	bool json = false;
};

struct OnlineOptions {
	OnlineRequest request;
	bool json = false;
};

struct OfflineOptions {
	std::uint32_t id = 0;
	bool json = false;
};

struct MonitorCliOptions {
	MonitorOptions monitor;
	// Resume after the seq it holds; record each one handled.
	std::optional<std::string> state_file;
	bool json = false;
};

struct CandidatesOptions {
	bool json = false;
};

struct TiersOptions {
	bool json = false;
};

struct ApplyOptions {
	std::string config_dir;
	bool dry_run = false;
	bool prune = false;
	bool json = false;
};

struct EventsOptions {
	std::optional<std::uint64_t> since;
	bool json = false;
};

// Each binds its options to @sub, the subcommand made from its entry in the
// table of commands.cpp, and returns where parsing puts their values.
std::shared_ptr<StatusOptions> setup_status(CLI::App &sub);
std::shared_ptr<PlugOptions> setup_plug(CLI::App &sub);
std::shared_ptr<UnplugOptions> setup_unplug(CLI::App &sub);
std::shared_ptr<ListOptions> setup_list(CLI::App &sub);
std::shared_ptr<BlocksOptions> setup_blocks(CLI::App &sub);
std::shared_ptr<EventsOptions> setup_events(CLI::App &sub);
std::shared_ptr<ProtectOptions> setup_protect(CLI::App &sub);
std::shared_ptr<ProtectOptions> setup_unprotect(CLI::App &sub);
std::shared_ptr<CancelOptions> setup_cancel(CLI::App &sub);
std::shared_ptr<OnlineOptions> setup_online(CLI::App &sub);
std::shared_ptr<OfflineOptions> setup_offline(CLI::App &sub);
std::shared_ptr<MonitorCliOptions> setup_monitor(CLI::App &sub);
std::shared_ptr<CandidatesOptions> setup_candidates(CLI::App &sub);
std::shared_ptr<TiersOptions> setup_tiers(CLI::App &sub);
std::shared_ptr<ApplyOptions> setup_apply(CLI::App &sub);

// Each returns the exit code; failures are thrown as memplug::Error.
int run_status(const StatusOptions &opts, Context &ctx);
int run_plug(const PlugOptions &opts, Context &ctx);
int run_unplug(const UnplugOptions &opts, Context &ctx);
int run_list(const ListOptions &opts, Context &ctx);
int run_blocks(const BlocksOptions &opts, Context &ctx);
int run_events(const EventsOptions &opts, Context &ctx);
// protect and unprotect
int run_protect(const ProtectOptions &opts, Context &ctx);
int run_cancel(const CancelOptions &opts, Context &ctx);
int run_online(const OnlineOptions &opts, Context &ctx);
int run_offline(const OfflineOptions &opts, Context &ctx);
int run_monitor(const MonitorCliOptions &opts, Context &ctx);
int run_candidates(const CandidatesOptions &opts, Context &ctx);
int run_tiers(const TiersOptions &opts, Context &ctx);
int run_apply(const ApplyOptions &opts, Context &ctx);

// plug's options as the keys of apply's configuration files.
std::unique_ptr<PlugKeys> plug_keys();

// The whole command line, parsed but not run.
struct Cli {
	// A command of the table, bound to its subcommand.
	struct Bound {
		const Command *command;
		CLI::App *sub;
		std::any options; // what command->setup returned
	};

	CLI::App app;
	bool verbose = false; // -v, before the subcommand

	Cli();

	// The command the parsed command line names, or null.
	const Bound *chosen() const;

	// The options of the command called @name, as parsing left them.
	template <typename Options>
	const Options &options(std::string_view name) const
	{
		for (const Bound &bound : bound_)
			if (name == bound.command->name)
				return *std::any_cast<const std::shared_ptr<Options> &>(
					bound.options);
		throw std::out_of_range("no command " + std::string(name));
	}

private:
	std::vector<Bound> bound_;
};

// Binds an option whose text is checked by @parse (a memplug parser);
// a refusal becomes a CLI11 validation error, that is, exit code 2.
template <typename T, typename Parse>
CLI::Option *add_parsed(CLI::App &app, const std::string &name, const std::string &help,
			Parse parse, std::function<void(T)> store)
{
	return app.add_option_function<std::string>(
		name,
		[parse, store, name](const std::string &text) {
			auto value = parse(text);
			if (!value)
				throw CLI::ValidationError(name, value.error().message());
			store(std::move(*value));
		},
		help);
}

// Parses and runs; prints errors to ctx.err. Returns the exit code.
int run(int argc, const char *const *argv, Context &ctx);

// Connects to the kernel and returns the client as a Backend.
Result<std::unique_ptr<Backend>> connect_netlink();

} // namespace memplug::cli
