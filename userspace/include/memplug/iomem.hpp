// SPDX-License-Identifier: GPL-2.0
//
// /proc/iomem, and the ranges in it that memplug could plug: the regions it
// plugs as they are (device memory, committed CXL regions) and those it
// plugs only with FORCE (firmware-reserved memory, CXL windows), where no
// driver claimed them, trimmed inward to memory block alignment.
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

// Regions, by name, that may hold pluggable memory: "Persistent Memory
// (legacy)", "Persistent Memory" and "Soft Reserved", which memplug plugs;
// "Reserved" and "CXL Window N", which it plugs only with FORCE. A CXL
// region is one by its place, not its name (is_cxl_region()).
bool is_candidate_type(std::string_view name);

// Whether entry @i is a CXL region: "regionN" inside a "CXL Window N".
// memplug plugs it if it is committed, else only with FORCE.
bool is_cxl_region(const std::vector<IomemEntry> &entries, std::size_t i);

// The names of the CXL regions of @entries ("region0"), each once, so that
// the caller can tell which are committed.
std::vector<std::string> cxl_regions(const std::vector<IomemEntry> &entries);

// The name memplug's own plugged memory has in /proc/iomem.
inline constexpr std::string_view kMemplugResource = "System RAM (memplug)";
// memplug's claim of a range, "memplug range 3": the kMemplugResource
// entries of the range nest in it. Modules before the claim put them
// directly into the region.
inline constexpr std::string_view kMemplugClaim = "memplug range ";

// The reasons the kernel gives for refusing these regions without FORCE,
// word for word.
inline constexpr std::string_view kReservedNeedsForce =
	"firmware-reserved: may be MMIO or firmware data; use --force only if you know RAM "
	"backs it";
inline constexpr std::string_view kCxlWindowNeedsForce =
	"CXL window outside a committed region: nothing decodes these addresses; plug the "
	"region, or use --force only if you know RAM backs it";
inline constexpr std::string_view kCxlRegionNotCommitted =
	"CXL region is not committed: nothing decodes its addresses yet; commit it first";

// Whether some of memplug's memory sits in a region without a claim that
// names its range, so that only the module can tell the range's id.
bool needs_range_ids(const std::vector<IomemEntry> &entries);

struct Candidate {
	std::uint64_t start = 0;
	std::uint64_t end = 0; // inclusive
	std::uint64_t size = 0;
	// The region's name; "CXL region0" for a CXL region.
	std::string type;
	bool usable = false;
	// Not usable, but would plug with FORCE; @reason says why not without.
	bool needs_force = false;
	// Why not: "busy: claimed by dax0.0", "too small", "plugged by
	// memplug (range 3)", or one of the reasons above.
	std::optional<std::string> reason;
	std::optional<std::uint32_t> range; // memplug's range id, when plugged
};

// For every candidate region, at the top level or nested in another
// candidate region: each part not covered by a child resource, trimmed
// inward to @block_size, and each child that covers part of it (busy, or
// plugged by memplug). A part is usable in device memory and in a CXL
// region named in @committed; in firmware-reserved memory, in a CXL window
// outside its regions and in a CXL region not committed it needs FORCE;
// anywhere it is "too small" if less than one aligned block remains.
// memplug's range ids come from its claims, or for memory without one from
// @ranges. In address order.
std::vector<Candidate> find_candidates(const std::vector<IomemEntry> &entries,
				       std::uint64_t block_size, const std::vector<Range> &ranges,
				       const std::vector<std::string> &committed);

} // namespace memplug
