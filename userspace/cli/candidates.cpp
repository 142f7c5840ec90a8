// SPDX-License-Identifier: GPL-2.0
#include <algorithm>
#include <cerrno>

#include "common.hpp"
#include "memplug/iomem.hpp"

namespace memplug::cli {

std::shared_ptr<CandidatesOptions> setup_candidates(CLI::App &app)
{
	auto opts = std::make_shared<CandidatesOptions>();
	auto *sub = app.add_subcommand(
		"candidates",
		"List the device and reserved regions of /proc/iomem that could be plugged, "
		"trimmed to memory blocks, or why not (needs root to see addresses)");
	add_json_flag(*sub, opts->json);
	sub->footer("Candidates are regions the firmware or kernel set aside: Persistent Memory\n"
		    "(legacy), Persistent Memory, Soft Reserved and Reserved. /proc/iomem cannot\n"
		    "tell whether cache-coherent memory backs a region, and firmware reserves\n"
		    "address space that has none (a \"usable\" Reserved region may be such a\n"
		    "hole): plug only what you know to be memory.");
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

	// Ids of memplug's own ranges, when there are any to name: from the
	// module, if it is loaded (it is while it has memory plugged).
	std::vector<Range> ranges;
	const bool plugged = std::any_of(entries.begin(), entries.end(),
					 [](const auto &e) { return e.name == kMemplugResource; });
	if (plugged) {
		auto backend = ctx.connect();
		if (backend) {
			auto dumped = (*backend)->range_dump();
			if (dumped)
				ranges = std::move(*dumped);
		}
	}
	formatter(opts.json, ctx)->candidates(find_candidates(entries, block_size, ranges));
	return 0;
}

} // namespace memplug::cli
