// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "memplug/format.hpp"

namespace memplug {

using Json = nlohmann::ordered_json;

Json status_json(const Status &status, const std::optional<std::vector<NodeMemory>> &nodes);
Json range_json(const Range &range);
Json block_json(const Block &block);
Json event_json(const Event &event);

// One JSON document per call, on one line.
class JsonFormatter final : public Formatter {
public:
	explicit JsonFormatter(std::ostream &out)
	    : out_(out)
	{
	}

	void status(const Status &status,
		    const std::optional<std::vector<NodeMemory>> &nodes) override;
	void ranges(const std::vector<Range> &ranges) override;
	void range(const Range &range, RangeAction action) override;
	void blocks(const std::vector<Block> &blocks) override;
	void events(const std::vector<Event> &events, std::uint64_t first_seq) override;

private:
	void emit(const Json &doc);

	std::ostream &out_;
};

} // namespace memplug
