// SPDX-License-Identifier: GPL-2.0
#include "memplug/tiers.hpp"
#include "common.hpp"

namespace memplug::cli {

std::shared_ptr<TiersOptions> setup_tiers(CLI::App &sub)
{
	auto opts = std::make_shared<TiersOptions>();
	add_json_flag(sub, opts->json);
	sub.footer("The kernel puts each NUMA node with memory in a memory tier by the abstract\n"
		   "distance of its memory type: tier K holds the distances K*128 to K*128+127,\n"
		   "and a lower tier is faster (the kernel demotes cold pages to slower tiers).\n"
		   "DRAM's abstract distance is 576, tier 4 (marked dram); dax/kmem gives\n"
		   "device memory 2880, tier 22. MEMPLUG shows the abstract distance memplug\n"
		   "gave a node (plug --tier). Read from /sys/devices/virtual/memory_tiering;\n"
		   "needs no privilege, and without the memplug module only the kernel's tiers\n"
		   "are shown.");
	return opts;
}

int run_tiers(const TiersOptions &opts, Context &ctx)
{
	auto tiers = read_memory_tiers(ctx.system.files.memory_tiering).value();
	// memplug's memory types, from STATUS_GET, which anyone may ask;
	// without the module the kernel's tiers are still worth showing.
	std::optional<std::vector<MemType>> memtypes;
	auto backend = ctx.connect();
	if (backend)
		memtypes = (*backend)->status_get().value().memtypes;
	else if (backend.error().kind() != ErrorKind::NoFamily)
		throw std::move(backend).error();
	formatter(opts.json, ctx, tiers)->tiers(tiers, memtypes);
	return 0;
}

} // namespace memplug::cli
