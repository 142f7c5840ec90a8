// SPDX-License-Identifier: GPL-2.0
#include "memplug/tiers.hpp"

#include <algorithm>
#include <cerrno>
#include <limits>
#include <system_error>

#include "memplug/host.hpp"

namespace memplug {

namespace {

// Node numbers are far below this (MAX_NUMNODES is at most 1024); a list
// past it is not a node list, and would only cost memory.
constexpr std::uint32_t kMaxNode = 65535;

constexpr std::string_view kTierPrefix = "memory_tier";

// A decimal number as the kernel prints one: digits, no leading zero but
// in "0", at most @max.
std::optional<std::uint32_t> kernel_decimal(std::string_view text, std::uint32_t max)
{
	if (text.empty() || (text.size() > 1 && text[0] == '0'))
		return std::nullopt;
	std::uint64_t value = 0;
	for (const char c : text) {
		if (c < '0' || c > '9')
			return std::nullopt;
		value = value * 10 + static_cast<std::uint64_t>(c - '0');
		if (value > max)
			return std::nullopt;
	}
	return static_cast<std::uint32_t>(value);
}

} // namespace

std::optional<std::vector<std::uint32_t>> parse_nodelist(std::string_view text)
{
	if (!text.empty() && text.back() == '\n')
		text.remove_suffix(1);
	std::vector<std::uint32_t> nodes;
	if (text.empty())
		return nodes;
	for (;;) {
		const std::size_t comma = text.find(',');
		const std::string_view item = text.substr(0, comma);
		const std::size_t dash = item.find('-');
		const auto first = kernel_decimal(item.substr(0, dash), kMaxNode);
		if (!first)
			return std::nullopt;
		std::uint32_t last = *first;
		if (dash != std::string_view::npos) {
			const auto end = kernel_decimal(item.substr(dash + 1), kMaxNode);
			if (!end || *end < *first)
				return std::nullopt;
			last = *end;
		}
		// Ascending, each node once.
		if (!nodes.empty() && *first <= nodes.back())
			return std::nullopt;
		for (std::uint32_t n = *first; n <= last; n++)
			nodes.push_back(n);
		if (comma == std::string_view::npos)
			return nodes;
		text.remove_prefix(comma + 1);
	}
}

std::string format_nodelist(const std::vector<std::uint32_t> &nodes)
{
	std::string text;
	for (std::size_t i = 0; i < nodes.size();) {
		std::size_t j = i;
		while (j + 1 < nodes.size() && nodes[j + 1] == nodes[j] + 1)
			j++;
		if (!text.empty())
			text += ',';
		text += std::to_string(nodes[i]);
		if (j > i)
			text += "-" + std::to_string(nodes[j]);
		i = j + 1;
	}
	return text;
}

Result<std::vector<std::uint32_t>> read_nodelist(const std::filesystem::path &path)
{
	auto text = read_text_file(path);
	if (!text)
		return std::move(text).error();
	auto nodes = parse_nodelist(*text);
	if (!nodes) {
		std::string shown = *text;
		while (!shown.empty() && (shown.back() == '\n' || shown.back() == ' '))
			shown.pop_back();
		return Error::system("reading " + path.string(), EPROTO,
				     "unexpected content \"" + shown + "\"");
	}
	return std::move(*nodes);
}

Result<std::vector<MemoryTier>> read_memory_tiers(const std::filesystem::path &root)
{
	std::vector<MemoryTier> tiers;
	std::error_code ec;
	std::filesystem::directory_iterator it(root, ec);
	if (ec) {
		if (ec == std::errc::no_such_file_or_directory)
			return tiers;
		return Error::system("reading " + root.string(), ec.value());
	}
	for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
		if (ec)
			return Error::system("reading " + root.string(), ec.value());
		const std::filesystem::directory_entry &entry = *it;
		const std::string name = entry.path().filename().string();
		if (name.rfind(kTierPrefix, 0) != 0)
			continue;
		// memory_tier<adistance >> 7>: every tier of an unsigned
		// abstract distance.
		const auto id = kernel_decimal(std::string_view(name).substr(kTierPrefix.size()),
					       std::numeric_limits<std::uint32_t>::max() >>
						       kMemtierChunkBits);
		if (!id)
			continue;
		auto nodes = read_nodelist(entry.path() / "nodelist");
		if (!nodes)
			return std::move(nodes).error();
		tiers.push_back({*id, std::move(*nodes)});
	}
	std::sort(tiers.begin(), tiers.end(),
		  [](const MemoryTier &a, const MemoryTier &b) { return a.id < b.id; });
	return tiers;
}

std::optional<std::uint32_t> node_tier(const std::vector<MemoryTier> &tiers, std::uint32_t node)
{
	for (const auto &tier : tiers)
		if (std::binary_search(tier.nodes.begin(), tier.nodes.end(), node))
			return tier.id;
	return std::nullopt;
}

std::vector<NodeTier> node_tiers(const std::vector<std::uint32_t> &nodes,
				 const std::vector<MemoryTier> &tiers,
				 const std::vector<MemType> &memtypes)
{
	std::vector<std::uint32_t> all = nodes;
	for (const auto &mt : memtypes)
		all.push_back(mt.node);
	std::sort(all.begin(), all.end());
	all.erase(std::unique(all.begin(), all.end()), all.end());

	std::vector<NodeTier> out;
	for (const std::uint32_t node : all) {
		NodeTier nt;
		nt.node = node;
		nt.tier = node_tier(tiers, node);
		for (const auto &mt : memtypes) {
			if (mt.node != node)
				continue;
			nt.adistance = mt.adistance;
			nt.memplug_ranges = mt.ranges;
		}
		out.push_back(nt);
	}
	return out;
}

} // namespace memplug
