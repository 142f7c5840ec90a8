// SPDX-License-Identifier: GPL-2.0
#include "memplug/format.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "json_format.hpp"
#include "text_format.hpp"

namespace memplug {

std::unique_ptr<Formatter> make_formatter(OutputFormat format, std::ostream &out,
					  std::vector<MemoryTier> tiers,
					  const std::vector<std::string> *warnings)
{
	switch (format) {
	case OutputFormat::Json:
		return std::make_unique<JsonFormatter>(out, std::move(tiers), warnings);
	case OutputFormat::Text:
		break;
	}
	return std::make_unique<TextFormatter>(out, std::move(tiers));
}

std::vector<StatusNode> status_nodes(const std::optional<std::vector<NodeMemory>> &nodes,
				     const std::vector<NodeTier> &tiers)
{
	std::map<std::uint32_t, StatusNode> all;
	if (nodes)
		for (const auto &n : *nodes)
			all[n.node].memory = &n;
	for (const auto &t : tiers)
		all[t.node].tier = &t;
	std::vector<StatusNode> out;
	for (auto &[node, entry] : all) {
		entry.node = node;
		out.push_back(entry);
	}
	return out;
}

std::vector<MemType> memtypes_in(const MemoryTier &tier,
				 const std::optional<std::vector<MemType>> &memtypes)
{
	std::vector<MemType> in;
	if (!memtypes)
		return in;
	for (const auto &mt : *memtypes)
		if (std::binary_search(tier.nodes.begin(), tier.nodes.end(), mt.node))
			in.push_back(mt);
	std::sort(in.begin(), in.end(),
		  [](const MemType &a, const MemType &b) { return a.node < b.node; });
	return in;
}

std::string hex(std::uint64_t value)
{
	char buf[24];
	std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(value));
	return buf;
}

std::string human_size(std::uint64_t bytes)
{
	static constexpr struct {
		char suffix;
		unsigned shift;
	} units[] = {{'T', 40}, {'G', 30}, {'M', 20}, {'K', 10}};

	for (const auto &u : units) {
		const std::uint64_t unit = std::uint64_t{1} << u.shift;
		if (bytes < unit)
			continue;
		if (bytes % unit == 0)
			return std::to_string(bytes >> u.shift) + u.suffix;
		char buf[32];
		std::snprintf(buf, sizeof(buf), "%.1f%c",
			      static_cast<double>(bytes) / static_cast<double>(unit), u.suffix);
		return buf;
	}
	return std::to_string(bytes);
}

} // namespace memplug
