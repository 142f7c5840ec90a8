// SPDX-License-Identifier: GPL-2.0
#include "memplug/zoneinfo.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <map>

#include <unistd.h>

#include "memplug/format.hpp"
#include "memplug/host.hpp"

namespace memplug {

namespace {

Error malformed(std::size_t line, const std::string &why)
{
	return Error::system("parsing /proc/zoneinfo", EPROTO,
			     "line " + std::to_string(line) + ": " + why);
}

std::string_view trim(std::string_view s)
{
	while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
		s.remove_prefix(1);
	while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
		s.remove_suffix(1);
	return s;
}

bool parse_number(std::string_view s, std::uint64_t &value)
{
	if (s.empty() || s.size() > 19)
		return false;
	value = 0;
	for (char c : s) {
		if (c < '0' || c > '9')
			return false;
		value = value * 10 + static_cast<std::uint64_t>(c - '0');
	}
	return true;
}

bool is_kernel_zone(const std::string &zone)
{
	return zone == "DMA" || zone == "DMA32" || zone == "Normal";
}

// @total + @bytes, saturating: a sum that wrapped would look small and let
// the movable ratio guard pass.
std::uint64_t add_bytes(std::uint64_t total, std::uint64_t bytes)
{
	std::uint64_t sum;
	return __builtin_add_overflow(total, bytes, &sum) ? UINT64_MAX : sum;
}

std::uint64_t pages_bytes(std::uint64_t pages, std::uint64_t page_size)
{
	std::uint64_t bytes;
	return __builtin_mul_overflow(pages, page_size, &bytes) ? UINT64_MAX : bytes;
}

} // namespace

const char *const kMovableRatioWhy =
	"the kernel cannot use ZONE_MOVABLE for its own allocations (page tables, slab, the "
	"struct pages of further hotplugs), so too much movable memory per kernel memory can "
	"run the kernel out of memory";

Result<std::vector<ZoneManaged>> parse_zoneinfo(std::string_view text)
{
	std::vector<ZoneManaged> zones;
	std::optional<ZoneManaged> current;
	std::size_t lineno = 0;
	while (!text.empty()) {
		const std::size_t nl = text.find('\n');
		const std::string_view raw = text.substr(0, nl);
		text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
		lineno++;

		const std::string_view line = trim(raw);
		if (raw.rfind("Node ", 0) == 0) {
			// "Node 0, zone   Normal"
			const std::size_t comma = line.find(", zone ");
			std::uint64_t node = 0;
			if (comma == std::string_view::npos ||
			    !parse_number(line.substr(5, comma - 5), node) || node > UINT32_MAX)
				return malformed(lineno, "unexpected section header \"" +
								 std::string(line) + "\"");
			const std::string_view zone = trim(line.substr(comma + 7));
			if (zone.empty())
				return malformed(lineno, "section without a zone name");
			current =
				ZoneManaged{static_cast<std::uint32_t>(node), std::string(zone), 0};
			continue;
		}
		if (!current || line.rfind("managed", 0) != 0)
			continue;
		const std::string_view rest = line.substr(7);
		if (rest.empty() || (rest.front() != ' ' && rest.front() != '\t'))
			continue; // another counter that starts with "managed"
		std::uint64_t pages = 0;
		if (!parse_number(trim(rest), pages))
			return malformed(lineno,
					 "unexpected managed count \"" + std::string(line) + "\"");
		current->managed_pages = pages;
		zones.push_back(*current);
		current.reset();
	}
	return zones;
}

std::optional<double> NodeMemory::movable_ratio() const
{
	if (kernel_bytes == 0)
		return std::nullopt;
	return static_cast<double>(movable_bytes) / static_cast<double>(kernel_bytes);
}

std::vector<NodeMemory> node_memory(const std::vector<ZoneManaged> &zones, std::uint64_t page_size)
{
	std::map<std::uint32_t, NodeMemory> nodes;
	for (const auto &z : zones) {
		NodeMemory &n = nodes[z.node];
		n.node = z.node;
		const std::uint64_t bytes = pages_bytes(z.managed_pages, page_size);
		if (is_kernel_zone(z.zone))
			n.kernel_bytes = add_bytes(n.kernel_bytes, bytes);
		else if (z.zone == "Movable")
			n.movable_bytes = add_bytes(n.movable_bytes, bytes);
	}
	std::vector<NodeMemory> out;
	out.reserve(nodes.size());
	for (const auto &[id, n] : nodes)
		out.push_back(n);
	return out;
}

Result<std::vector<NodeMemory>> read_node_memory(const std::filesystem::path &path)
{
	auto text = read_text_file(path);
	if (!text)
		return std::move(text).error();
	auto zones = parse_zoneinfo(*text);
	if (!zones)
		return std::move(zones).error();
	const long page = sysconf(_SC_PAGESIZE);
	return node_memory(*zones, page > 0 ? static_cast<std::uint64_t>(page) : 4096);
}

MovableRatio movable_ratio_after(const std::vector<NodeMemory> &nodes, std::uint32_t node,
				 std::uint64_t added_bytes)
{
	MovableRatio r;
	r.node = node;
	for (const auto &n : nodes) {
		if (n.node != node)
			continue;
		r.kernel_bytes = n.kernel_bytes;
		r.movable_bytes = n.movable_bytes;
	}
	r.movable_bytes = add_bytes(r.movable_bytes, added_bytes);
	NodeMemory after{node, r.kernel_bytes, r.movable_bytes};
	r.ratio = after.movable_ratio();
	return r;
}

std::string MovableRatio::describe(std::uint64_t added_bytes) const
{
	std::string text = "onlining " + human_size(added_bytes) + " into ZONE_MOVABLE on node " +
			   std::to_string(node);
	if (!ratio)
		return text + ", which has no memory in kernel zones, leaves the kernel nothing " +
		       "there (movable " + human_size(movable_bytes) + " after the plug)";
	// Two decimals, or four where two would round a ratio above the
	// limit down to it ("3.00 times ... limit 3.0").
	const bool hidden =
		*ratio > kMaxMovableRatio && std::round(*ratio * 100) <= kMaxMovableRatio * 100;
	const int decimals = hidden ? 4 : 2;
	char buf[160];
	std::snprintf(buf, sizeof(buf),
		      " makes its movable memory %.*f times its kernel-zone memory (movable %s "
		      "after the plug, kernel %s; limit %.1f)",
		      decimals, *ratio, human_size(movable_bytes).c_str(),
		      human_size(kernel_bytes).c_str(), kMaxMovableRatio);
	return text + buf;
}

} // namespace memplug
