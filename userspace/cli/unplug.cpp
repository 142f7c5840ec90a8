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
		"seconds, then give up; the range stays plugged. Without it: one attempt",
		parse_timeout, [req](std::chrono::milliseconds v) { req->timeout = v; })
		->type_name("SECONDS");
	add_json_flag(sub, opts->json);
	return opts;
}

int run_unplug(const UnplugOptions &opts, Context &ctx)
{
	auto backend = connect(ctx);
	const Range range = unplug(*backend, opts.request).value();
	formatter(opts.json, ctx)->range(range, RangeAction::Unplugged);
	return 0;
}

} // namespace memplug::cli
