// SPDX-License-Identifier: GPL-2.0
//
// parse_zoneinfo(), node_memory() and movable_ratio_after() (the movable
// ratio guard of plug and status) on the input as /proc/zoneinfo. Parsed
// zones have a trimmed, non-empty name and read the same when written back
// in the kernel's layout. Per node, the byte counts are the sums of the
// zones' managed pages, saturated rather than wrapped, and the ratio after
// a plug is movable over kernel memory, never below the ratio before.
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "fuzz.hpp"
#include "memplug/zoneinfo.hpp"

using namespace memplug;

namespace {

using U128 = unsigned __int128;
constexpr std::uint64_t kPage = 4096;
constexpr U128 kMax = std::numeric_limits<std::uint64_t>::max();

std::string render(const std::vector<ZoneManaged> &zones)
{
	std::string text;
	for (const auto &z : zones)
		text += "Node " + std::to_string(z.node) + ", zone " + z.zone +
			"\n  pages free     0\n        min      1\n        managed  " +
			std::to_string(z.managed_pages) + "\n";
	return text;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	const auto zones = parse_zoneinfo(fuzz::as_text(data, size));
	if (!zones) {
		FUZZ_CHECK(zones.error().errnum() == EPROTO);
		return 0;
	}
	for (const auto &z : *zones) {
		FUZZ_CHECK(!z.zone.empty());
		FUZZ_CHECK(z.zone.front() != ' ' && z.zone.front() != '\t');
		FUZZ_CHECK(z.zone.back() != ' ' && z.zone.back() != '\t' && z.zone.back() != '\r');
	}
	const auto again = parse_zoneinfo(render(*zones));
	FUZZ_CHECK(again.ok() && *again == *zones);

	// Exact sums, in 128 bits.
	std::map<std::uint32_t, std::pair<U128, U128>> sums;
	for (const auto &z : *zones) {
		auto &s = sums[z.node];
		const U128 bytes = U128{z.managed_pages} * kPage;
		if (z.zone == "DMA" || z.zone == "DMA32" || z.zone == "Normal")
			s.first += bytes;
		else if (z.zone == "Movable")
			s.second += bytes;
	}
	const auto nodes = node_memory(*zones, kPage);
	FUZZ_CHECK(nodes.size() == sums.size());
	for (std::size_t i = 0; i < nodes.size(); i++) {
		const NodeMemory &n = nodes[i];
		FUZZ_CHECK(i == 0 || nodes[i - 1].node < n.node);
		const auto &s = sums.at(n.node);
		FUZZ_CHECK(n.kernel_bytes == std::min(s.first, kMax));
		FUZZ_CHECK(n.movable_bytes == std::min(s.second, kMax));

		const auto before = n.movable_ratio();
		FUZZ_CHECK(before.has_value() == (n.kernel_bytes != 0));
		const MovableRatio after =
			movable_ratio_after(nodes, n.node, std::uint64_t{1} << 30);
		FUZZ_CHECK(after.kernel_bytes == n.kernel_bytes);
		FUZZ_CHECK(after.movable_bytes >= n.movable_bytes);
		FUZZ_CHECK(after.ratio.has_value() == before.has_value());
		if (before)
			FUZZ_CHECK(std::isfinite(*after.ratio) && *after.ratio >= *before);
		FUZZ_CHECK(!after.describe(std::uint64_t{1} << 30).empty());
	}
	return 0;
}
