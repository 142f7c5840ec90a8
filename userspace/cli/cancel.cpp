// SPDX-License-Identifier: GPL-2.0
#include "common.hpp"
#include "memplug/parse.hpp"

namespace memplug::cli {

std::shared_ptr<CancelOptions> setup_cancel(CLI::App &sub)
{
	auto opts = std::make_shared<CancelOptions>();
	CancelOptions *o = opts.get();
	add_parsed<std::uint32_t>(
		sub, "ID", "Range id, as shown by list",
		[](std::string_view t) { return parse_u32(t, "range id"); },
		[o](std::uint32_t v) { o->id = v; })
		->required();
	add_json_flag(sub, opts->json);
	sub.footer("When memplugctl plug dies before it commits, the kernel removes the range\n"
		   "again in the background, block by block, with pauses between attempts (list:\n"
		   "unplugging); when the attempts are used up the range is failed. cancel stops\n"
		   "that: a range with every block still there is plugged again, as if the plug\n"
		   "had committed; one with blocks already removed stays failed, and unplug\n"
		   "removes the rest. Prints the range as list does.");
	return opts;
}

int run_cancel(const CancelOptions &opts, Context &ctx)
{
	auto backend = connect(ctx);
	const Range range = cancel_operation(*backend, opts.id).value();
	formatter(opts.json, ctx)->range(range, RangeAction::Cancelled);
	return 0;
}

} // namespace memplug::cli
