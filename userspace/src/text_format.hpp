// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <ostream>

#include "memplug/format.hpp"

namespace memplug {

// Tables and "key: value" lines for people; "-" marks what the kernel did not
// report.
class TextFormatter final : public Formatter {
public:
	explicit TextFormatter(std::ostream &out)
	    : out_(out)
	{
	}

	void status(const Status &status,
		    const std::optional<std::vector<NodeMemory>> &nodes) override;
	void ranges(const std::vector<Range> &ranges) override;
	void range(const Range &range, RangeAction action) override;
	void blocks(const std::vector<Block> &blocks) override;
	void events(const std::vector<Event> &events, std::uint64_t first_seq) override;
	void event(const Event &event) override;
	void candidates(const std::vector<Candidate> &candidates) override;
	void overrun(std::uint64_t lost_from, std::uint64_t lost_to) override;

private:
	std::ostream &out_;
};

} // namespace memplug
