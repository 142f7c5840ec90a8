// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "memplug/format.hpp"

namespace memplug {

using Json = nlohmann::ordered_json;

// "nodes" holds every node of @nodes and of @tiers, ascending.
Json status_json(const Status &status, const std::optional<std::vector<NodeMemory>> &nodes,
		 const std::vector<NodeTier> &tiers);
// @node_tier: the kernel's memory tier of the range's node, if known.
Json range_json(const Range &range, std::optional<std::uint32_t> node_tier);
Json block_json(const Block &block);
// The record of one event, as events and monitor print it. Every key is
// always there; lost_from and lost_to are null except in overrun records.
Json event_json(const Event &event);
// {"seq":null,...,"action":"overrun",...,"lost_from":A,"lost_to":B}
Json overrun_json(std::uint64_t lost_from, std::uint64_t lost_to);

// The "error" object of the document a failed command prints.
Json error_json(const Error &error, int exit_code);
Json error_json(const std::string &kind, const std::string &message, int exit_code);

// Ends @doc with "warnings" (@warnings, or none) and "format".
void finish_document(Json &doc, const std::vector<std::string> *warnings);

// One JSON document per call, on one line, ending with "warnings" (what
// @warnings holds then) and "format"; monitor's records with "format" only.
class JsonFormatter final : public Formatter {
public:
	JsonFormatter(std::ostream &out, std::vector<MemoryTier> tiers,
		      const std::vector<std::string> *warnings = nullptr)
	    : out_(out)
	    , tiers_(std::move(tiers))
	    , warnings_(warnings)
	{
	}

	void status(const Status &status, const std::optional<std::vector<NodeMemory>> &nodes,
		    const std::vector<NodeTier> &tiers) override;
	void ranges(const std::vector<Range> &ranges) override;
	void range(const Range &range, RangeAction action) override;
	void blocks(const std::vector<Block> &blocks) override;
	void events(const std::vector<Event> &events, std::uint64_t first_seq) override;
	void event(const Event &event) override;
	void candidates(const std::vector<Candidate> &candidates) override;
	void tiers(const std::vector<MemoryTier> &tiers,
		   const std::optional<std::vector<MemType>> &memtypes) override;
	void overrun(std::uint64_t lost_from, std::uint64_t lost_to) override;
	void apply(const std::vector<ApplyStep> &steps, const std::vector<ConfiguredRange> &config,
		   bool dry_run) override;

private:
	// A command's document: with "warnings" and "format".
	void emit(Json doc);
	// A record of a stream (monitor): with "format", flushed.
	void emit_record(Json doc);
	void write(const Json &doc);

	// The memory tier of @range's node, if known.
	std::optional<std::uint32_t> node_tier_of(const Range &range) const;

	std::ostream &out_;
	std::vector<MemoryTier> tiers_;
	const std::vector<std::string> *warnings_;
};

} // namespace memplug
