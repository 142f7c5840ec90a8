// SPDX-License-Identifier: GPL-2.0
#include "common.hpp"
#include "memplug/parse.hpp"

namespace memplug::cli {

std::shared_ptr<EventsOptions> setup_events(CLI::App &app)
{
	auto opts = std::make_shared<EventsOptions>();
	auto *sub =
		app.add_subcommand("events", "Print the events still held in the module's ring");
	EventsOptions *o = opts.get();
	add_parsed<std::uint64_t>(
		*sub, "--since", "First sequence number wanted (default 0: all)",
		[](std::string_view t) { return parse_u64(t, "sequence number"); },
		[o](std::uint64_t v) { o->since = v; })
		->type_name("SEQ");
	add_json_flag(*sub, opts->json);
	return opts;
}

int run_events(const EventsOptions &opts, Context &ctx)
{
	auto backend = connect(ctx);
	const auto events = backend->event_dump(opts.since).value();
	formatter(opts.json, ctx)->events(events, opts.since);
	return 0;
}

} // namespace memplug::cli
