// SPDX-License-Identifier: GPL-2.0
#include "common.hpp"
#include "memplug/parse.hpp"
#include "signals.hpp"

namespace memplug::cli {

namespace {

CLI::Option *add_id(CLI::App &sub, std::uint32_t &id)
{
	std::uint32_t *out = &id;
	return add_parsed<std::uint32_t>(
		       sub, "ID", "Range id, as shown by list",
		       [](std::string_view t) { return parse_u32(t, "range id"); },
		       [out](std::uint32_t v) { *out = v; })
		->required();
}

Result<ZonePolicy> parse_online_zone(std::string_view text)
{
	if (text == "movable")
		return ZonePolicy::Movable;
	if (text == "kernel")
		return ZonePolicy::Kernel;
	return Error::usage("invalid zone \"" + std::string(text) +
			    "\": expected movable or kernel");
}

} // namespace

std::shared_ptr<OnlineOptions> setup_online(CLI::App &sub)
{
	auto opts = std::make_shared<OnlineOptions>();
	OnlineRequest *req = &opts->request;
	add_id(sub, req->id);
	add_parsed<ZonePolicy>(sub, "--zone",
			       "movable or kernel (default: the range's zone policy; with policy "
			       "any the kernel picks)",
			       parse_online_zone, [req](ZonePolicy v) { req->zone = v; })
		->type_name("ZONE");
	add_json_flag(sub, opts->json);
	return opts;
}

std::shared_ptr<OfflineOptions> setup_offline(CLI::App &sub)
{
	auto opts = std::make_shared<OfflineOptions>();
	add_id(sub, opts->id);
	add_json_flag(sub, opts->json);
	return opts;
}

// SIGINT and SIGTERM make online and offline roll back and fail rather
// than leave a range half done; a kernel step they interrupt fails EINTR.
int run_online(const OnlineOptions &opts, Context &ctx)
{
	StopSignals signals;
	signals.install(false).value();
	auto backend = connect(ctx);
	const Range range = online_range(
				    *backend, ctx.system.memory, opts.request,
				    [] { return StopSignals::requested(); }, steps(ctx))
				    .value();
	formatter(opts.json, ctx)->range(range, RangeAction::Onlined);
	return 0;
}

int run_offline(const OfflineOptions &opts, Context &ctx)
{
	StopSignals signals;
	signals.install(false).value();
	auto backend = connect(ctx);
	const Range range = offline_range(
				    *backend, ctx.system.memory, opts.id,
				    [] { return StopSignals::requested(); }, steps(ctx))
				    .value();
	formatter(opts.json, ctx)->range(range, RangeAction::Offlined);
	return 0;
}

} // namespace memplug::cli
