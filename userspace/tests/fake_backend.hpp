// SPDX-License-Identifier: GPL-2.0
//
// A Backend that plays the memplug module on top of a temporary sysfs tree:
// adding a range creates memory<N>/state files, the block dump reports what
// those files say, and failures can be injected per request.
//
// As the module, range_add() and range_del() only queue their work and
// reply with the range PLUGGING or UNPLUGGING; the fake's worker does it
// when the subscribed stream is read, and multicasts the outcome (PLUG or
// PLUG_FAILED, UNPLUG or UNPLUG_FAILED) to it.
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
	// As the module: a queued add is dropped (PLUG_FAILED, ECANCELED), a
	// held range rolled back (UNPLUG), a queued removal dropped
	// (UNPLUG_FAILED, ECANCELED, the range as it was); an unplugging
	// range without a removal queued (a rollback) and a failed one that
	// is whole become plugged; a failed one with blocks gone stays
	// failed; anything else is EINVAL. Replies with the range as it was
	// asked.
	Result<Range> range_cancel(std::uint32_t id) override;
	Result<std::vector<Block>> block_dump(std::optional<std::uint32_t> range_id) override;
	Result<std::vector<Event>> event_dump(std::uint64_t first_seq) override;
	// A stream that plays @script, one entry per receive(), and then
	// runs the worker and delivers what it multicast.
	Result<std::unique_ptr<EventStream>> subscribe() override;

	// Adds a committed range directly, its blocks in @state.
	Range &preload(std::uint64_t start, std::uint64_t size, const std::string &state);

	// The module's worker: does every queued add and removal, unless
	// stall_worker.
	void run_worker();

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
	// Refusals of the next RANGE_DELs, one each, before del_error.
	std::deque<Error> del_refusals;

	// The worker leaves what is queued alone: an add or a removal that
	// takes until it is cancelled.
	bool stall_worker = false;
	// How the worker ends the next adds and removals: each entry fails
	// one, with PLUG_FAILED or UNPLUG_FAILED carrying the entry's errno
	// and detail as ERROR and REASON; when none is left they succeed.
	std::deque<Error> add_failures;
	std::deque<Error> del_failures;
	// What becomes of the events the worker and range_cancel() multicast:
	// delivered, or lost with the stream saying so (ENOBUFS), or lost
	// without a word. The ring keeps them either way.
	enum class Delivery {
		Deliver,
		Overflow,
		Drop
	};
	Delivery delivery = Delivery::Deliver;
	// Multicast, and not yet received.
	std::deque<Event> multicast;
	bool overflowed = false;

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
	// Work queued for the worker.
	struct Job {
		bool add = true;
		std::uint32_t id = 0;
		bool hold = false;       // an add's
		std::uint32_t prior = 0; // a removal's: the range's state before
	};

	void fill_counts(Range &range) const;
	std::vector<Block> blocks_of(const Range &range) const;
	std::deque<Job>::iterator job_of(std::uint32_t id);
	// The worker's end of @job, failed with @failure if there is one.
	void finish_add(const Job &job, std::map<std::uint32_t, Range>::iterator range,
			const std::optional<Error> &failure);
	void finish_del(const Job &job, Range &range, const std::optional<Error> &failure);
	// An event of @range, to the ring and, as @delivery says, to the
	// stream.
	void emit(std::uint32_t action, const Range &range,
		  const std::function<void(Event &)> &fill = {});

	std::filesystem::path root_;
	std::uint32_t next_id_ = 1;
	std::deque<Job> jobs_;
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
