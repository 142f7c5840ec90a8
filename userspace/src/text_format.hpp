// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <ostream>

#include "memplug/format.hpp"

namespace memplug {

// Tables and "key: value" lines for people; "-" marks what the kernel did not
// report.
class TextFormatter final : public Formatter {
public:
	TextFormatter(std::ostream &out, std::vector<MemoryTier> tiers)
	    : out_(out)
	    , tiers_(std::move(tiers))
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
	// The memory tier of @range's node, if known.
	std::optional<std::uint32_t> node_tier_of(const Range &range) const;

	std::ostream &out_;
	std::vector<MemoryTier> tiers_;
};

} // namespace memplug
