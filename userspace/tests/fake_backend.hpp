// SPDX-License-Identifier: GPL-2.0
//
// A Backend that plays the memplug module on top of a temporary sysfs tree:
// adding a range creates memory<N>/state files, the block dump reports what
// those files say, and failures can be injected per request.
#pragma once

#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "memplug/backend.hpp"

namespace memplug::test {

class FakeBackend : public Backend {
public:
	static constexpr std::uint64_t kBlockSize = std::uint64_t{128} << 20;

	explicit FakeBackend(std::filesystem::path sysfs_root);

	Result<Status> status_get() override;
	Result<Range> range_add(const RangeAddRequest &request) override;
	Result<Range> range_del(std::uint32_t id) override;
	Result<Range> range_get(std::uint32_t id) override;
	Result<std::vector<Range>> range_dump() override;
	Result<Range> range_set(const RangeSetRequest &request) override;
	// As the module: an unplugging range (a rollback, unless an unplug
	// is in progress: cancel_error) and a failed one that is whole become
	// plugged; a failed one with blocks gone stays failed; anything else
	// is EINVAL.
	Result<Range> range_cancel(std::uint32_t id) override;
	Result<std::vector<Block>> block_dump(std::optional<std::uint32_t> range_id) override;
	Result<std::vector<Event>> event_dump(std::uint64_t first_seq) override;
	// A stream that plays @script, one entry per receive().
	Result<std::unique_ptr<EventStream>> subscribe() override;

	// Adds a committed range directly, its blocks in @state.
	Range &preload(std::uint64_t start, std::uint64_t size, const std::string &state);

	// What the fake's auto-online writes into new blocks' state files.
	std::string auto_online = "offline";
	// Whether DEFER_ONLINE keeps the auto-online away, as the module
	// does; false plays a kernel where something onlined them anyway.
	bool honor_defer = true;
	// Zone reported for an online block, by block id; otherwise derived
	// from the state file ("online_movable" -> Movable, else Normal).
	std::map<std::uint64_t, std::string> zone_override;
	// Node reported for an online block, by block id; otherwise the
	// range's.
	std::map<std::uint64_t, std::uint32_t> node_override;
	// Blocks whose state file is created as a directory, so writing fails.
	std::vector<std::uint64_t> broken_blocks;
	// State reported for blocks whose state file cannot be read (a test
	// replaced it with a directory so that writing fails); default offline.
	std::map<std::uint64_t, std::string> broken_state;
	// Blocks the kernel "forgets" to report in dumps.
	std::vector<std::uint64_t> hidden_blocks;

	std::optional<Error> status_error;
	std::optional<Error> add_error;
	std::optional<Error> set_error;
	std::optional<Error> del_error;
	std::optional<Error> cancel_error;
	// Replaces range_del entirely when set.
	std::function<Result<Range>(std::uint32_t)> del_hook;

	Status status;
	// The ring: event_dump() returns those with seq >= its argument.
	std::vector<Event> events;
	// What the subscribed stream's receive() calls return, in order; each
	// entry may first change the fake (the ring) with its hook. When it
	// runs out, receive() waits out its timeout and reports timed_out, or
	// without one reports interrupted.
	struct Receive {
		Received received;
		std::function<void()> hook;
	};
	std::deque<Receive> script;
	std::optional<Error> subscribe_error;
	// The timeout of every receive() call.
	std::vector<std::optional<std::chrono::milliseconds>> waits;
	std::map<std::uint32_t, Range> ranges;
	std::vector<std::string> calls;
	std::optional<RangeAddRequest> last_add;
	std::optional<RangeSetRequest> last_set;

private:
	void fill_counts(Range &range) const;
	std::vector<Block> blocks_of(const Range &range) const;

	std::filesystem::path root_;
	std::uint32_t next_id_ = 1;
};

// Forwards to a FakeBackend the test keeps, so the test can inspect it after
// the command line code has dropped its Backend.
class BackendRef : public Backend {
public:
	explicit BackendRef(Backend &target)
	    : t_(target)
	{
	}

	Result<Status> status_get() override { return t_.status_get(); }
	Result<Range> range_add(const RangeAddRequest &r) override { return t_.range_add(r); }
	Result<Range> range_del(std::uint32_t id) override { return t_.range_del(id); }
	Result<Range> range_get(std::uint32_t id) override { return t_.range_get(id); }
	Result<std::vector<Range>> range_dump() override { return t_.range_dump(); }
	Result<Range> range_set(const RangeSetRequest &r) override { return t_.range_set(r); }
	Result<Range> range_cancel(std::uint32_t id) override { return t_.range_cancel(id); }
	Result<std::vector<Block>> block_dump(std::optional<std::uint32_t> id) override
	{
		return t_.block_dump(id);
	}
	Result<std::vector<Event>> event_dump(std::uint64_t seq) override
	{
		return t_.event_dump(seq);
	}
	Result<std::unique_ptr<EventStream>> subscribe() override { return t_.subscribe(); }

private:
	Backend &t_;
};

} // namespace memplug::test
