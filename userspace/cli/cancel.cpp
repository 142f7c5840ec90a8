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
	sub.footer("cancel stops what is being done to a range:\n"
		   "- a plug (memplugctl plug waiting in another shell): the add is undone, or\n"
		   "  the range removed again; that plug fails and leaves nothing;\n"
		   "- an unplug: the kernel puts back online what it had offlined and the range\n"
		   "  stays plugged as it was; that unplug fails with ECANCELED;\n"
		   "- a rollback: when memplugctl plug dies before it commits, the kernel removes\n"
		   "  the range again in the background, block by block, with pauses between\n"
		   "  attempts (list: unplugging); when the attempts are used up the range is\n"
		   "  failed. A range with every block still there is then plugged again, as if\n"
		   "  the plug had committed; one with blocks already removed stays failed, and\n"
		   "  unplug removes the rest.\n"
		   "cancel does not wait for the kernel to stop: it prints the range as it is at\n"
		   "once, as list does, and the outcome follows as an event (monitor --range ID:\n"
		   "plug-failed or unplug-failed with ECANCELED, or unplug after a rollback).");
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
