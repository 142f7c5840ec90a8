// SPDX-License-Identifier: GPL-2.0
#include <iostream>

#include "cli.hpp"
#include "exit_code.hpp"
#include "memplug/nl.hpp"
#include "version.hpp"

namespace memplug::cli {

namespace {

constexpr const char *kExitCodes = R"(Exit status:
  0  success
  1  the operation failed; nothing was changed (a failed plug, online or
     offline is rolled back); monitor: events were lost
  2  usage error
  3  the memplug module is not loaded (no generic netlink family "memplug")
  4  permission denied (every command but status needs CAP_SYS_ADMIN;
     plug --force also CAP_SYS_RAWIO and a kernel that is not locked
     down; candidates needs root)
  5  busy or timed out (EBUSY, EAGAIN, or unplug --timeout expired); retry later
  124  monitor --timeout expired before --count events arrived)";

std::string failure_message(const CLI::App *, const CLI::Error &e)
{
	return std::string("memplugctl: ") + e.what() +
	       "\nRun 'memplugctl --help' for more information.\n";
}

} // namespace

Cli::Cli()
    : app("Plug device-backed memory ranges into the running kernel.", "memplugctl")
{
	app.set_version_flag("--version", "memplugctl " MEMPLUG_VERSION
					  " (memplug protocol version " +
						  std::to_string(MEMPLUG_FAMILY_VERSION) + ")");
	app.footer(kExitCodes);
	app.require_subcommand(1);
	app.failure_message(failure_message);

	status = setup_status(app);
	plug = setup_plug(app);
	unplug = setup_unplug(app);
	list = setup_list(app);
	blocks = setup_blocks(app);
	events = setup_events(app);
	protect = setup_protect(app);
	unprotect = setup_unprotect(app);
	cancel = setup_cancel(app);
	online = setup_online(app);
	offline = setup_offline(app);
	monitor = setup_monitor(app);
	candidates = setup_candidates(app);
}

Result<std::unique_ptr<Backend>> connect_netlink()
{
	auto client = Client::connect();
	if (!client)
		return std::move(client).error();
	return std::unique_ptr<Backend>(std::move(*client));
}

namespace {

// Runs the parsed subcommand; an Error becomes its message and exit code.
int dispatch(Cli &cli, Context &ctx)
{
	try {
		if (cli.app.got_subcommand("status"))
			return run_status(*cli.status, ctx);
		if (cli.app.got_subcommand("plug"))
			return run_plug(*cli.plug, ctx);
		if (cli.app.got_subcommand("unplug"))
			return run_unplug(*cli.unplug, ctx);
		if (cli.app.got_subcommand("list"))
			return run_list(*cli.list, ctx);
		if (cli.app.got_subcommand("blocks"))
			return run_blocks(*cli.blocks, ctx);
		if (cli.app.got_subcommand("events"))
			return run_events(*cli.events, ctx);
		if (cli.app.got_subcommand("protect"))
			return run_protect(*cli.protect, ctx);
		if (cli.app.got_subcommand("unprotect"))
			return run_protect(*cli.unprotect, ctx);
		if (cli.app.got_subcommand("cancel"))
			return run_cancel(*cli.cancel, ctx);
		if (cli.app.got_subcommand("online"))
			return run_online(*cli.online, ctx);
		if (cli.app.got_subcommand("offline"))
			return run_offline(*cli.offline, ctx);
		if (cli.app.got_subcommand("monitor"))
			return run_monitor(*cli.monitor, ctx);
		if (cli.app.got_subcommand("candidates"))
			return run_candidates(*cli.candidates, ctx);
	} catch (const Error &e) {
		ctx.err << "memplugctl: " << e.message() << '\n';
		return static_cast<int>(exit_code(e));
	} catch (const std::exception &e) {
		ctx.err << "memplugctl: internal error: " << e.what() << '\n';
		return static_cast<int>(ExitCode::Failed);
	}
	return static_cast<int>(ExitCode::Usage);
}

} // namespace

int run(int argc, const char *const *argv, Context &ctx)
{
	Cli cli;
	try {
		cli.app.parse(argc, argv);
	} catch (const CLI::ParseError &e) {
		const int code = cli.app.exit(e, ctx.out, ctx.err);
		return code == 0 ? 0 : static_cast<int>(ExitCode::Usage);
	}

	// online and offline change a range block by block: they run where
	// a kill of memplugctl cannot stop them half way.
	if ((cli.app.got_subcommand("online") || cli.app.got_subcommand("offline")) &&
	    ctx.survive_kill)
		return ctx.survive_kill([&] { return dispatch(cli, ctx); });
	return dispatch(cli, ctx);
}

} // namespace memplug::cli
