// SPDX-License-Identifier: GPL-2.0
#include "common.hpp"
#include "exit_code.hpp"
#include "memplug/parse.hpp"
#include "signals.hpp"

namespace memplug::cli {

std::shared_ptr<MonitorCliOptions> setup_monitor(CLI::App &sub)
{
	auto opts = std::make_shared<MonitorCliOptions>();
	MonitorOptions *m = &opts->monitor;
	add_parsed<std::uint64_t>(
		sub, "--count", "Exit 0 after this many events (after --range filtering)",
		[](std::string_view t) { return parse_u64(t, "count"); },
		[m](std::uint64_t v) { m->count = v; })
		->type_name("N");
	add_parsed<std::chrono::milliseconds>(
		sub, "--timeout", "Exit 124 if this many seconds pass first", parse_timeout,
		[m](std::chrono::milliseconds v) { m->timeout = v; })
		->type_name("SECONDS");
	add_parsed<std::uint32_t>(
		sub, "--range", "Only the events of this range (losses are always reported)",
		[](std::string_view t) { return parse_u32(t, "range id"); },
		[m](std::uint32_t v) { m->range = v; })
		->type_name("ID");
	add_parsed<std::uint64_t>(
		sub, "--since",
		"Start with the events from this sequence number on that the ring still holds",
		[](std::string_view t) { return parse_u64(t, "sequence number"); },
		[m](std::uint64_t v) { m->since = v; })
		->type_name("SEQ");
	sub.add_option_function<std::string>(
		   "--state-file", [opts](const std::string &v) { opts->state_file = v; },
		   "Resume after the sequence number FILE holds (as --since would, which it "
		   "overrides), and record there the number of every event once printed")
		->type_name("FILE");
	sub.add_flag("--json", opts->json,
		     "One JSON object per line (NDJSON), each with \"format\": 1; a failure "
		     "ends the stream with an error document (docs/json.md)");
	sub.footer("Sequence numbers are consecutive. When the socket overflows or a number is\n"
		   "skipped, the missing events are read back from the module's ring; those the\n"
		   "ring no longer holds are printed as an overrun record (JSON: action\n"
		   "\"overrun\", lost_from, lost_to) and the exit status is then 1. SIGINT and\n"
		   "SIGTERM end the monitor cleanly. Needs CAP_SYS_ADMIN.\n"
		   "\n"
		   "--state-file keeps the place across restarts (memplug-monitor.service): a\n"
		   "missing or empty FILE starts with the next event; the number is replaced\n"
		   "atomically (a temporary FILE.tmp renamed over it) after each event.");
	return opts;
}

int run_monitor(const MonitorCliOptions &opts, Context &ctx)
{
	// First, so that an early SIGINT waits for the next line boundary.
	StopSignals signals;
	signals.install().value();

	MonitorOptions options = opts.monitor;
	if (opts.state_file) {
		const std::filesystem::path path = *opts.state_file;
		if (auto seq = read_seq_file(path).value())
			options.since = *seq + 1;
		options.handled = [&ctx, path](std::uint64_t seq) {
			ctx.out.flush();
			return write_seq_file(path, seq);
		};
	}

	auto backend = connect(ctx);
	auto stream = backend->subscribe().value();
	auto out = formatter(opts.json, ctx);
	const MonitorResult result = monitor(*backend, *stream, options, *out, [] {
					     return StopSignals::requested();
				     }).value();

	if (result.overruns != 0) {
		ctx.err << "memplugctl: monitor: " << result.lost << " event(s) lost in "
			<< result.overruns << " overrun(s); see the overrun records" << std::endl;
		return static_cast<int>(ExitCode::Failed);
	}
	switch (result.end) {
	case MonitorEnd::Timeout:
		return static_cast<int>(ExitCode::MonitorTimeout);
	case MonitorEnd::Count:
	case MonitorEnd::Interrupted:
		break;
	}
	return 0;
}

} // namespace memplug::cli
