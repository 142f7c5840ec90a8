// SPDX-License-Identifier: GPL-2.0
#include <algorithm>

#include "common.hpp"
#include "memplug/parse.hpp"

namespace memplug::cli {

std::shared_ptr<EventsOptions> setup_events(CLI::App &sub)
{
	auto opts = std::make_shared<EventsOptions>();
	EventsOptions *o = opts.get();
	add_parsed<std::uint64_t>(
		sub, "--since",
		"First sequence number wanted; events from it on that the ring no longer holds "
		"are reported as lost (default: whatever the ring holds)",
		[](std::string_view t) { return parse_u64(t, "sequence number"); },
		[o](std::uint64_t v) { o->since = v; })
		->type_name("SEQ");
	add_json_flag(sub, opts->json);
	return opts;
}

int run_events(const EventsOptions &opts, Context &ctx)
{
	auto backend = connect(ctx);
	// Sequence numbers start at 1.
	const std::uint64_t first = std::max<std::uint64_t>(opts.since.value_or(1), 1);
	const auto events = backend->event_dump(first).value();
	// Without --since nothing was asked for that could have been lost.
	const std::uint64_t asked = opts.since || events.empty() ? first : events.front().seq;
	formatter(opts.json, ctx)->events(events, asked);
	return 0;
}

} // namespace memplug::cli
