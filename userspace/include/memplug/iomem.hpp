// SPDX-License-Identifier: GPL-2.0
//
// /proc/iomem, and the ranges in it that memplug could plug: device and
// reserved regions that are not claimed by a driver, trimmed inward to
// memory block alignment.
//
// Everything here is a pure function of text and numbers, so it is tested
// on fixture files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memplug/error.hpp"
#include "memplug/types.hpp"

namespace memplug {

// One line of /proc/iomem: "  40000000-7fffffff : Persistent Memory (legacy)".
struct IomemEntry {
	std::uint64_t start = 0;
	std::uint64_t end = 0; // inclusive
	std::string name;
	unsigned indent = 0; // leading spaces: two per nesting level
	int parent = -1;     // index of the enclosing entry, -1 at the top
};

// Every entry in file order. Nesting follows the indentation (two spaces
// per level in the kernel's output; any deeper indentation nests under the
// last shallower entry). Malformed lines are an error (EPROTO) naming the
// line.
Result<std::vector<IomemEntry>> parse_iomem(std::string_view text);

// Whether the kernel hid the addresses (every one reads 0): it shows them
// only to CAP_SYS_ADMIN.
bool iomem_hidden(const std::vector<IomemEntry> &entries);

// Regions that may hold pluggable memory: "Persistent Memory (legacy)",
// "Persistent Memory", "Soft Reserved", "Reserved".
bool is_candidate_type(std::string_view name);

// The name memplug's own plugged memory has in /proc/iomem.
inline constexpr std::string_view kMemplugResource = "System RAM (memplug)";

struct Candidate {
	std::uint64_t start = 0;
	std::uint64_t end = 0; // inclusive
	std::uint64_t size = 0;
	std::string type; // the region's name
	bool usable = false;
	// Why not: "busy: claimed by dax0.0", "too small", "plugged by
	// memplug (range 3)".
	std::optional<std::string> reason;
	std::optional<std::uint32_t> range; // memplug's range id, when plugged
};

// For every candidate region, at the top level or nested in another
// candidate region: each part not covered by a child resource, trimmed
// inward to @block_size (usable, or "too small" if less than one aligned
// block remains), and each child that covers part of it (busy, or plugged
// by memplug; @ranges name memplug's range ids). In address order.
std::vector<Candidate> find_candidates(const std::vector<IomemEntry> &entries,
				       std::uint64_t block_size, const std::vector<Range> &ranges);

} // namespace memplug
