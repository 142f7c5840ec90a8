// SPDX-License-Identifier: GPL-2.0
#include "common.hpp"
#include "memplug/parse.hpp"

namespace memplug::cli {

std::shared_ptr<UnplugOptions> setup_unplug(CLI::App &sub)
{
	auto opts = std::make_shared<UnplugOptions>();
	UnplugRequest *req = &opts->request;

	add_parsed<std::uint32_t>(
		sub, "ID", "Range id, as shown by list",
		[](std::string_view t) { return parse_u32(t, "range id"); },
		[req](std::uint32_t v) { req->id = v; })
		->required();
	add_parsed<std::chrono::milliseconds>(
		sub, "--timeout",
		"Retry a busy range (after 100 ms, doubling up to 1 s) for at most this many "
		"seconds, then give up: a removal still under way is cancelled and the range "
		"stays plugged as it was (exit 5). Without it: one attempt, waited for",
		parse_timeout, [req](std::chrono::milliseconds v) { req->timeout = v; })
		->type_name("SECONDS");
	add_json_flag(sub, opts->json);
	sub.footer("unplug waits until the kernel has removed the range, or says why it could\n"
		   "not. SIGINT or SIGTERM cancels the removal: the kernel puts back online what\n"
		   "it had offlined, the range stays plugged as it was, and the exit status is\n"
		   "130 or 143. On a terminal a progress line shows the offlining once it takes\n"
		   "over a second.");
	return opts;
}

// SIGINT and SIGTERM are not blocked: they end the wait for the kernel,
// and the unplug then cancels the removal.
int run_unplug(const UnplugOptions &opts, Context &ctx)
{
	StopSignals signals;
	signals.install(false).value();
	auto backend = connect(ctx);
	ProgressLine line(ctx.err, ctx.progress && !opts.json);
	const Range range = unplug(*backend, opts.request, operation_hooks(ctx, line)).value();
	line.clear();
	formatter(opts.json, ctx)->range(range, RangeAction::Unplugged);
	return 0;
}

} // namespace memplug::cli
