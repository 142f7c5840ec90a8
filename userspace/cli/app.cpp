// SPDX-License-Identifier: GPL-2.0
#include <algorithm>
#include <iostream>
#include <string_view>

#include "cli.hpp"
#include "exit_code.hpp"
#include "help.hpp"
#include "memplug/format.hpp"
#include "memplug/nl.hpp"
#include "version.hpp"

namespace memplug::cli {

namespace {

constexpr const char *kExitCodes = R"(Exit status:
  0  success
  1  the operation failed; nothing was changed (a failed plug, online or
     offline is rolled back); monitor: events were lost; apply: a
     configured range is not plugged as configured
  2  usage error; apply: an error in the configuration, nothing changed
  3  the memplug module is not loaded (no generic netlink family "memplug")
     and the kernel could not load it on demand
  4  permission denied (every command but status and tiers needs
     CAP_SYS_ADMIN; plug --force also CAP_SYS_RAWIO and a kernel that is
     not locked down; candidates needs root)
  5  busy or timed out (EBUSY, EAGAIN, or plug or unplug --timeout expired);
     retry later
  124  monitor --timeout expired before --count events arrived
  130  plug or unplug cancelled by SIGINT (143: by SIGTERM); the range is
     as it was before)";

std::string failure_message(const CLI::App *app, const CLI::Error &e)
{
	return std::string("memplugctl: ") + e.what() + "\n" + did_you_mean(*app) +
	       "Run 'memplugctl --help' for more information.\n";
}

} // namespace

Cli::Cli()
    : app("Plug device-backed memory ranges into the running kernel.", "memplugctl")
{
	app.set_version_flag("--version", "memplugctl " MEMPLUG_VERSION
					  " (memplug protocol version " +
						  std::to_string(MEMPLUG_FAMILY_VERSION) + ")");
	app.footer(kExitCodes);
	app.add_flag("-v,--verbose", verbose,
		     "Tell each step of plug, unplug, online and offline on stderr as it happens, "
		     "one line each, starting \"memplugctl: step: \" (give it before the "
		     "command)");
	app.require_subcommand(1);
	app.failure_message(failure_message);

	for (const Command &command : commands()) {
		CLI::App *sub = app.add_subcommand(command.name, command.description);
		bound_.push_back({&command, sub, command.setup(*sub)});
		const std::string examples = examples_text(command.examples);
		const std::string footer = sub->get_footer();
		sub->footer(footer.empty() ? examples : footer + "\n\n" + examples);
	}
}

const Cli::Bound *Cli::chosen() const
{
	for (const Bound &bound : bound_)
		if (bound.sub->parsed())
			return &bound;
	return nullptr;
}

Result<std::unique_ptr<Backend>> connect_netlink()
{
	auto client = Client::connect();
	if (!client)
		return std::move(client).error();
	return std::unique_ptr<Backend>(std::move(*client));
}

namespace {

// Whether the command line asks for JSON: then a failure prints its error
// document on out too (docs/json.md), after the message on err.
bool json_asked(const Cli::Bound &chosen)
{
	const CLI::Option *json = chosen.sub->get_option_no_throw("--json");
	return json && json->count() > 0;
}

bool json_asked(int argc, const char *const *argv)
{
	return std::any_of(argv + 1, argv + argc,
			   [](const char *arg) { return std::string_view(arg) == "--json"; });
}

// Runs the parsed subcommand; an Error becomes its message and exit code.
int dispatch(const Cli::Bound &chosen, Context &ctx)
{
	try {
		return chosen.command->run(chosen.options, ctx);
	} catch (const Error &e) {
		ctx.err << "memplugctl: " << e.message() << '\n';
		const int code = static_cast<int>(exit_code(e));
		if (json_asked(chosen))
			print_json_error(ctx.out, e, code, ctx.warnings);
		return code;
	} catch (const std::exception &e) {
		ctx.err << "memplugctl: internal error: " << e.what() << '\n';
		const int code = static_cast<int>(ExitCode::Failed);
		if (json_asked(chosen))
			print_json_error(ctx.out, "internal", e.what(), code, ctx.warnings);
		return code;
	}
}

} // namespace

int run(int argc, const char *const *argv, Context &ctx)
{
	Cli cli;
	try {
		cli.app.parse(argc, argv);
	} catch (const CLI::ParseError &e) {
		const int code = cli.app.exit(e, ctx.out, ctx.err);
		if (code == 0)
			return 0;
		if (json_asked(argc, argv))
			print_json_error(ctx.out, "usage", e.what(),
					 static_cast<int>(ExitCode::Usage), {});
		return static_cast<int>(ExitCode::Usage);
	}

	const Cli::Bound *chosen = cli.chosen();
	if (!chosen)
		return static_cast<int>(ExitCode::Usage);
	ctx.verbose = ctx.verbose || cli.verbose;
	if (chosen->command->traits.survive_kill && ctx.survive_kill)
		return ctx.survive_kill([&] { return dispatch(*chosen, ctx); });
	return dispatch(*chosen, ctx);
}

} // namespace memplug::cli
