// SPDX-License-Identifier: GPL-2.0
//
// Memory per NUMA node and zone, from /proc/zoneinfo, and the guard against
// too much ZONE_MOVABLE memory.
//
// The kernel cannot use ZONE_MOVABLE for its own allocations: page tables,
// slab, and the memmap (struct pages) of memory hotplugged later all have
// to come from the kernel zones (DMA, DMA32, Normal). Onlining a lot of
// movable memory per kernel memory can therefore run the kernel out of
// memory while plenty is free. The kernel's own auto-movable online policy
// allows at most 301% by default (memory_hotplug.auto_movable_ratio);
// memplugctl warns above 3.0 and refuses with --strict-ratio.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memplug/error.hpp"

namespace memplug {

// Above this movable/kernel ratio a movable plug is warned about.
inline constexpr double kMaxMovableRatio = 3.0;

// One "Node N, zone NAME" section of /proc/zoneinfo.
struct ZoneManaged {
	std::uint32_t node = 0;
	std::string zone;
	std::uint64_t managed_pages = 0; // pages the page allocator manages

	bool operator==(const ZoneManaged &) const = default;
};

// Every zone with its "managed" count, in file order. Sections without a
// managed line are skipped; a malformed section header or count is an
// error (EPROTO).
Result<std::vector<ZoneManaged>> parse_zoneinfo(std::string_view text);

// Memory of one node, in bytes.
struct NodeMemory {
	std::uint32_t node = 0;
	std::uint64_t kernel_bytes = 0;  // DMA, DMA32 and Normal
	std::uint64_t movable_bytes = 0; // Movable; 0 where the zone is empty or absent

	// movable / kernel, or nothing when the node has no kernel memory.
	std::optional<double> movable_ratio() const;
};

// Per node, in node order. Zones other than the kernel zones and Movable
// (Device, HighMem) are not counted.
std::vector<NodeMemory> node_memory(const std::vector<ZoneManaged> &zones, std::uint64_t page_size);

// parse_zoneinfo() and node_memory() of the file @path, with the system's
// page size.
Result<std::vector<NodeMemory>> read_node_memory(const std::filesystem::path &path);

// How @node would stand after onlining @added_bytes into ZONE_MOVABLE.
struct MovableRatio {
	std::uint32_t node = 0;
	std::uint64_t kernel_bytes = 0;
	std::uint64_t movable_bytes = 0; // after the plug
	std::optional<double> ratio;     // nothing: no kernel memory on the node

	bool exceeds() const { return !ratio || *ratio > kMaxMovableRatio; }
	// "onlining 512M movable on node 0 makes ..."; @added_bytes for the text.
	std::string describe(std::uint64_t added_bytes) const;
};

// A node absent from @nodes has no memory yet: its ratio has no bound.
MovableRatio movable_ratio_after(const std::vector<NodeMemory> &nodes, std::uint32_t node,
				 std::uint64_t added_bytes);

// Why the ratio matters, for warnings, refusals and --help.
extern const char *const kMovableRatioWhy;

} // namespace memplug
