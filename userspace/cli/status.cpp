// SPDX-License-Identifier: GPL-2.0
#include "common.hpp"
#include "memplug/zoneinfo.hpp"
#include "version.hpp"

namespace memplug::cli {

std::shared_ptr<StatusOptions> setup_status(CLI::App &sub)
{
	auto opts = std::make_shared<StatusOptions>();
	add_json_flag(sub, opts->json);
	return opts;
}

int run_status(const StatusOptions &opts, Context &ctx)
{
	auto backend = connect(ctx);
	Status status = backend->status_get().value();
	status.controller_version = MEMPLUG_VERSION;
	status.controller_protocol = MEMPLUG_FAMILY_VERSION;
	if (const auto warning = version_warning(status))
		ctx.err << "memplugctl: WARNING: " << *warning << std::endl;
	// Readable by anyone; a failure only leaves the per-node lines out.
	auto nodes = read_node_memory(ctx.system.files.zoneinfo);
	// Each node with memory, and each memplug gave a memory type, with
	// its memory tier; what cannot be read is unknown.
	std::vector<std::uint32_t> with_memory;
	if (auto has = read_nodelist(ctx.system.files.node_has_memory))
		with_memory = std::move(*has);
	if (nodes)
		for (const auto &n : *nodes)
			with_memory.push_back(n.node);
	auto tiers = memory_tiers(ctx);
	const auto per_node = node_tiers(with_memory, tiers, status.memtypes);
	formatter(opts.json, ctx, std::move(tiers))
		->status(status, nodes ? std::optional(*nodes) : std::nullopt, per_node);
	return 0;
}

} // namespace memplug::cli
