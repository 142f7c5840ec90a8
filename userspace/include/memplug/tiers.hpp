// SPDX-License-Identifier: GPL-2.0
//
// The kernel's memory tiers (mm/memory-tiers.c), as sysfs shows them: one
// directory memory_tierK per tier under /sys/devices/virtual/memory_tiering,
// whose nodelist names the NUMA nodes in it. Every node with memory has a
// memory type, and the type an abstract distance; the tier of abstract
// distance A is K = A >> 7 (MEMTIER_CHUNK_BITS), so tier K holds the
// distances K * 128 to K * 128 + 127. A lower K is faster: the kernel
// demotes cold pages from a tier to a slower one. DRAM's abstract distance
// is 576 (tier 4); dax/kmem gives device memory 2880 (tier 22).
//
// A kernel without memory tiers (before 6.1, or without CONFIG_NUMA) has no
// such directory: no node is in a tier, nothing is an error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memplug/error.hpp"
#include "memplug/types.hpp"

namespace memplug {

// MEMTIER_CHUNK_BITS: each tier spans 128 abstract distances.
inline constexpr unsigned kMemtierChunkBits = 7;
// MEMTIER_ADISTANCE_DRAM: the abstract distance of DRAM.
inline constexpr std::uint32_t kDramAdistance = 576;

// The tier abstract distance @adistance falls in.
constexpr std::uint32_t memory_tier_of(std::uint32_t adistance)
{
	return adistance >> kMemtierChunkBits;
}

// One memory_tier<id> directory.
struct MemoryTier {
	std::uint32_t id = 0;
	std::vector<std::uint32_t> nodes; // its nodelist, ascending

	// The abstract distances of the tier, both inclusive.
	std::uint32_t adistance_min() const { return id << kMemtierChunkBits; }
	std::uint32_t adistance_max() const
	{
		return adistance_min() + ((1u << kMemtierChunkBits) - 1);
	}
	// Whether it is DRAM's tier, the one kDramAdistance falls in.
	bool dram() const { return id == memory_tier_of(kDramAdistance); }

	bool operator==(const MemoryTier &) const = default;
};

// A node list as the kernel prints it (bitmap list format, as
// /sys/devices/system/node/has_memory and nodelist show it): "0-1,3",
// ascending, nothing for no node, with or without the trailing newline.
// Nodes ascending; nothing for anything else (a repeat, a descending
// range, a node above 65535).
std::optional<std::vector<std::uint32_t>> parse_nodelist(std::string_view text);

// @nodes (ascending) in the same format: "0-1,3"; "" for none.
std::string format_nodelist(const std::vector<std::uint32_t> &nodes);

// parse_nodelist() of the file @path. Unreadable is an Error of kind System
// with the errno; malformed one with EPROTO.
Result<std::vector<std::uint32_t>> read_nodelist(const std::filesystem::path &path);

// Every memory_tier<K> directory of @root (/sys/devices/virtual/
// memory_tiering) with its nodelist, fastest (lowest K) first. Other
// entries are ignored. A @root that does not exist is no tier; one that
// cannot be read, or a nodelist that cannot be read or parsed, is an Error.
Result<std::vector<MemoryTier>> read_memory_tiers(const std::filesystem::path &root);

// The tier whose nodelist holds @node, if any.
std::optional<std::uint32_t> node_tier(const std::vector<MemoryTier> &tiers, std::uint32_t node);

// A NUMA node's tier, as status shows it.
struct NodeTier {
	std::uint32_t node = 0;
	std::optional<std::uint32_t> tier;      // the kernel's, from sysfs
	std::optional<std::uint32_t> adistance; // of the memory type memplug gave it
	std::uint32_t memplug_ranges = 0;       // memplug's ranges that share that type

	bool operator==(const NodeTier &) const = default;
};

// Each of @nodes and each node of @memtypes, once, ascending: its tier
// among @tiers and memplug's memory type of it.
std::vector<NodeTier> node_tiers(const std::vector<std::uint32_t> &nodes,
				 const std::vector<MemoryTier> &tiers,
				 const std::vector<MemType> &memtypes);

} // namespace memplug
