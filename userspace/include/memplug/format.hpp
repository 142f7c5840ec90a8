// SPDX-License-Identifier: GPL-2.0
//
// Output of every memplugctl command goes through one Formatter: a text
// implementation for people and a JSON one for programs. The JSON schema is
// stable: every key is always present (null when the kernel did not report
// the value), addresses are "0x..." strings, sizes are numbers of bytes.
// Every JSON document ends with "format": kJsonFormat, and each but
// monitor's records with "warnings"; docs/json.md has the compatibility
// rule and docs/schema/ a JSON Schema per command.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "memplug/error.hpp"
#include "memplug/iomem.hpp"
#include "memplug/tiers.hpp"
#include "memplug/types.hpp"
#include "memplug/zoneinfo.hpp"

namespace memplug {

// The version of memplugctl's JSON output, the "format" key of every
// document. Within one version keys are only ever added; removing,
// renaming or retyping one, or changing what a value means, takes the
// next version (docs/json.md).
inline constexpr int kJsonFormat = 1;

struct ApplyStep;
struct ConfiguredRange;

enum class OutputFormat {
	Text,
	Json,
};

// What just happened to a range that is printed on its own.
enum class RangeAction {
	Plugged,
	Unplugged,
	Protected,
	Unprotected,
	Onlined,
	Offlined,
	Cancelled, // what was being done to it
};

class Formatter {
public:
	virtual ~Formatter() = default;

	// @nodes: memory per NUMA node from /proc/zoneinfo, nothing when it
	// could not be read; @tiers: the memory tier of each node with
	// memory and of each node memplug gave a memory type (node_tiers()).
	virtual void status(const Status &status,
			    const std::optional<std::vector<NodeMemory>> &nodes,
			    const std::vector<NodeTier> &tiers) = 0;
	virtual void ranges(const std::vector<Range> &ranges) = 0;
	virtual void range(const Range &range, RangeAction action) = 0;
	virtual void blocks(const std::vector<Block> &blocks) = 0;
	// @first_seq is the sequence number that was asked for; a first
	// event with a larger one means the ones in between were lost.
	virtual void events(const std::vector<Event> &events, std::uint64_t first_seq) = 0;

	virtual void candidates(const std::vector<Candidate> &candidates) = 0;
	// The kernel's memory tiers, fastest first, and the memory types
	// memplug gave nodes in them; @memtypes is nothing when the module is
	// not loaded.
	virtual void tiers(const std::vector<MemoryTier> &tiers,
			   const std::optional<std::vector<MemType>> &memtypes) = 0;

	// A stream of records, one line each, flushed at once (monitor).
	virtual void event(const Event &event) = 0;
	// Events @lost_from to @lost_to (inclusive) are gone for good.
	virtual void overrun(std::uint64_t lost_from, std::uint64_t lost_to) = 0;

	// What apply did, or with @dry_run would do: one line (text) or one
	// element of "actions" (JSON) per step; @config holds the ranges the
	// steps' config indices point into.
	virtual void apply(const std::vector<ApplyStep> &steps,
			   const std::vector<ConfiguredRange> &config, bool dry_run) = 0;
};

// @tiers: the kernel's memory tiers, where the ranges' nodes are looked
// up (none: every node's tier is unknown).
// One NUMA node as status shows it: its memory and its tier, each where
// known.
struct StatusNode {
	std::uint32_t node = 0;
	const NodeMemory *memory = nullptr;
	const NodeTier *tier = nullptr;
};

// Every node of @nodes and of @tiers, once each, ascending.
std::vector<StatusNode> status_nodes(const std::optional<std::vector<NodeMemory>> &nodes,
				     const std::vector<NodeTier> &tiers);

// The memory types of @memtypes whose node @tier holds, ascending by node.
std::vector<MemType> memtypes_in(const MemoryTier &tier,
				 const std::optional<std::vector<MemType>> &memtypes);

// @warnings: what the command warned of so far, which the JSON documents
// carry in "warnings" (read when each is printed; none: always empty).
std::unique_ptr<Formatter> make_formatter(OutputFormat format, std::ostream &out,
					  std::vector<MemoryTier> tiers = {},
					  const std::vector<std::string> *warnings = nullptr);

// The JSON document a command given --json prints on @out when it fails:
// {"error":{"kind","message","errno","reason","signal","exit_code"},
//  "warnings":[...],"format":1}, on one line.
void print_json_error(std::ostream &out, const Error &error, int exit_code,
		      const std::vector<std::string> &warnings);
// The same for a failure that is no memplug::Error: @kind is "usage" (a
// command line CLI11 refused) or "internal".
void print_json_error(std::ostream &out, const std::string &kind, const std::string &message,
		      int exit_code, const std::vector<std::string> &warnings);

// "0x40000000"
std::string hex(std::uint64_t value);
// "512M", "1G", "4K", "1.5G", "100" (bytes): exact binary multiples where
// possible.
std::string human_size(std::uint64_t bytes);

} // namespace memplug
