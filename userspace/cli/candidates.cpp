// SPDX-License-Identifier: GPL-2.0
#include <cerrno>

#include "common.hpp"
#include "memplug/iomem.hpp"

namespace memplug::cli {

std::shared_ptr<CandidatesOptions> setup_candidates(CLI::App &sub)
{
	auto opts = std::make_shared<CandidatesOptions>();
	add_json_flag(sub, opts->json);
	sub.footer(
		"Usable: Soft Reserved, Persistent Memory (legacy), Persistent Memory, and CXL\n"
		"regions (regionN in a CXL Window) whose /sys/bus/cxl/devices/regionN/commit is\n"
		"1; memplug plugs these as they are. Needs --force: Reserved (firmware-reserved,\n"
		"which may be MMIO holes or firmware data), a CXL Window outside its committed\n"
		"regions (nothing decodes those addresses) and a region not yet committed;\n"
		"memplug refuses them without --force. /proc/iomem cannot tell whether RAM\n"
		"backs a region: use --force only for what you know to be memory.");
	return opts;
}

int run_candidates(const CandidatesOptions &opts, Context &ctx)
{
	const auto &path = ctx.system.files.iomem;
	const std::string text = read_text_file(path).value();
	const auto entries = parse_iomem(text).value();
	if (iomem_hidden(entries))
		throw Error::system("reading " + path.string(), EACCES,
				    "the kernel shows physical addresses only to root "
				    "(CAP_SYS_ADMIN); run memplugctl candidates as root");
	const std::uint64_t block_size = ctx.system.memory.block_size().value();

	std::vector<std::string> committed;
	for (const auto &region : cxl_regions(entries))
		if (cxl_region_committed(ctx.system.files, region))
			committed.push_back(region);

	// memplug's claims name their ranges; only its memory without one
	// (modules before the claim) needs the module, if it is loaded (it
	// is while it has memory plugged), to name them.
	std::vector<Range> ranges;
	if (needs_range_ids(entries)) {
		auto backend = ctx.connect();
		if (backend) {
			auto dumped = (*backend)->range_dump();
			if (dumped)
				ranges = std::move(*dumped);
		}
	}
	formatter(opts.json, ctx)
		->candidates(find_candidates(entries, block_size, ranges, committed));
	return 0;
}

} // namespace memplug::cli
