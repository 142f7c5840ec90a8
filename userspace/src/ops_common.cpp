// SPDX-License-Identifier: GPL-2.0
#include "ops_common.hpp"

#include <cerrno>
#include <ctime>

#include "memplug/format.hpp"
#include "memplug/ops.hpp"
#include "memplug/sysfs.hpp"

namespace memplug {

std::uint64_t monotonic_ns()
{
	timespec ts{};
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u +
	       static_cast<std::uint64_t>(ts.tv_nsec);
}

std::vector<std::size_t> online_order(std::size_t n)
{
	std::vector<std::size_t> order;
	order.reserve(n);
	if (n > 0)
		order.push_back(0);
	for (std::size_t i = 2; i < n; i++)
		order.push_back(i);
	if (n > 1)
		order.push_back(1);
	return order;
}

std::string block_name(std::uint64_t id)
{
	return "memory block " + std::to_string(id);
}

// The blocks the kernel reports must be exactly those the range covers:
// their ids are what we write to in sysfs.
Result<void> check_blocks(const std::vector<Block> &blocks, const Range &range,
			  std::uint64_t block_size)
{
	const std::uint64_t first = MemorySysfs::block_id(range.start, block_size);
	const std::uint64_t count = range.size / block_size;
	if (blocks.size() != count)
		return Error::system("checking the blocks of range " + std::to_string(range.id),
				     EPROTO,
				     "the kernel reported " + std::to_string(blocks.size()) +
					     " blocks, expected " + std::to_string(count));
	for (const auto &b : blocks) {
		const std::uint64_t expected = MemorySysfs::block_id(b.start, block_size);
		if (b.id != expected || b.id < first || b.id >= first + count ||
		    b.range_id != range.id)
			return Error::system(
				"checking the blocks of range " + std::to_string(range.id), EPROTO,
				"the kernel reported block " + std::to_string(b.id) + " at " +
					hex(b.start) + " for range " + std::to_string(b.range_id));
	}
	return {};
}

// Looks in the event ring for memplug's own explanation of a vetoed online
// or offline of @block: the newest veto for that block that happened at or
// after @since_ns (CLOCK_MONOTONIC, as the events carry it). The time
// matters: a plug's RANGE_ADD leaves deferral vetoes for the same blocks in
// the ring, which must not be mistaken for the reason of a later failure.
std::optional<std::string> veto_reason(Backend &backend, std::uint64_t first_seq,
				       std::uint64_t since_ns, std::uint64_t block)
{
	auto events = backend.event_dump(first_seq);
	if (!events)
		return std::nullopt;
	for (auto it = events->rbegin(); it != events->rend(); ++it) {
		if (it->block != block || !it->veto_reason)
			continue;
		if (it->time_ns && *it->time_ns < since_ns)
			break;
		std::string text = "memplug vetoed it: " + *it->veto_reason;
		if (it->veto_errno)
			text += " (" + errno_name(*it->veto_errno) + ")";
		return text;
	}
	return std::nullopt;
}

} // namespace memplug
