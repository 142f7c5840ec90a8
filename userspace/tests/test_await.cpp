// SPDX-License-Identifier: GPL-2.0
#include <cerrno>
#include <csignal>

#include <gtest/gtest.h>

#include "fake_backend.hpp"
#include "memplug/await.hpp"
#include "memplug/ops.hpp"
#include "test_util.hpp"

using namespace memplug;
using namespace std::chrono_literals;
using memplug::test::FakeBackend;
using memplug::test::TempDir;

namespace {

constexpr std::uint64_t kStart = 0x40000000; // block 8
constexpr std::uint64_t kSize = std::uint64_t{512} << 20;

using Clock = std::chrono::steady_clock;

// A RANGE_ADD or RANGE_DEL sent after joining the group, and the wait for
// its outcome, as plug and unplug do them.
class Await : public ::testing::Test {
protected:
	Await()
	    : fake(dir.path())
	{
	}

	// RANGE_ADD with HOLD; the request to wait for its add.
	AwaitRequest add()
	{
		stream = fake.subscribe().value();
		AwaitRequest r;
		r.awaited = Awaited::Added;
		r.since_ns = monotonic_ns();
		RangeAddRequest add;
		add.start = kStart;
		add.size = kSize;
		add.hold = true;
		r.range = fake.range_add(add).value();
		r.what = "plugging range " + std::to_string(r.range.id);
		return r;
	}

	// RANGE_DEL of range 1, plugged first unless there is one; the
	// request to wait for its removal.
	AwaitRequest del()
	{
		if (fake.ranges.empty())
			fake.preload(kStart, kSize, "online_movable");
		stream = fake.subscribe().value();
		AwaitRequest r;
		r.awaited = Awaited::Removed;
		r.since_ns = monotonic_ns();
		r.range = fake.range_del(1).value();
		r.what = "unplugging range 1";
		return r;
	}

	Outcome wait(const AwaitRequest &r) { return await_outcome(fake, *stream, r).value(); }

	bool called(const std::string &call) const
	{
		return std::find(fake.calls.begin(), fake.calls.end(), call) != fake.calls.end();
	}

	TempDir dir;
	FakeBackend fake;
	std::unique_ptr<EventStream> stream;
};

} // namespace

TEST_F(Await, AnAddEndsWithPlug)
{
	const AwaitRequest r = add();
	EXPECT_EQ(r.range.state, MEMPLUG_RANGE_STATE_PLUGGING) << "queued, not added";
	const Outcome o = wait(r);
	EXPECT_EQ(o.end, Outcome::End::Done);
	EXPECT_FALSE(called("range_get 1")) << "the event said it";
	EXPECT_EQ(fake.ranges.at(1).state, MEMPLUG_RANGE_STATE_PLUGGING) << "held";
}

TEST_F(Await, AFailedAddIsTheRefusalItUsedToBe)
{
	fake.add_failures.push_back(Error::kernel(
		"", EBUSY, "memplug: kernel refused: range conflicts with an existing resource"));
	const Outcome o = wait(add());
	ASSERT_EQ(o.end, Outcome::End::Failed);
	ASSERT_TRUE(o.error);
	EXPECT_EQ(o.error->kind(), ErrorKind::Kernel);
	EXPECT_EQ(o.error->errnum(), EBUSY);
	EXPECT_EQ(o.error->message(), "adding the range: memplug: kernel refused: range conflicts "
				      "with an existing resource (EBUSY)");
	EXPECT_TRUE(fake.ranges.empty());
}

TEST_F(Await, AnOverflowFallsBackToRangeGet)
{
	fake.delivery = FakeBackend::Delivery::Overflow;
	EXPECT_EQ(wait(add()).end, Outcome::End::Done) << "PLUGGING with every block present";
	EXPECT_TRUE(called("range_get 1"));

	// The add failed and its event is lost: the range is gone, and so is
	// the reason.
	fake.add_failures.push_back(Error::kernel("", EBUSY, "memplug: lost"));
	const Outcome o = wait(add());
	ASSERT_EQ(o.end, Outcome::End::Failed);
	EXPECT_EQ(o.error->kind(), ErrorKind::Failed);
	EXPECT_EQ(o.error->message(), "adding the range: the range is gone; the kernel's reason "
				      "was lost in an event overrun");
}

TEST_F(Await, AFailedRemovalLostInAnOverflowIsReadFromTheRange)
{
	fake.delivery = FakeBackend::Delivery::Overflow;
	fake.del_failures.push_back(
		Error::kernel("", EBUSY, "memplug: a memory block could not be offlined"));
	const Outcome o = wait(del());
	ASSERT_EQ(o.end, Outcome::End::Failed);
	EXPECT_EQ(o.error->message(),
		  "removing range 1: memplug: a memory block could not be offlined (EBUSY)");
	EXPECT_EQ(fake.ranges.at(1).state, MEMPLUG_RANGE_STATE_PLUGGED) << "as it was";

	// A removal that worked: the range is gone.
	fake.delivery = FakeBackend::Delivery::Overflow;
	EXPECT_EQ(wait(del()).end, Outcome::End::Done);
	EXPECT_TRUE(fake.ranges.empty());
}

TEST_F(Await, SilenceFallsBackToRangeGetAfterASecond)
{
	fake.delivery = FakeBackend::Delivery::Drop;
	const auto start = Clock::now();
	EXPECT_EQ(wait(del()).end, Outcome::End::Done);
	const auto took = Clock::now() - start;
	EXPECT_GE(took, 900ms);
	EXPECT_LT(took, 5s);
	EXPECT_TRUE(called("range_get 1"));
}

TEST_F(Await, AnEarlierRequestsOutcomeIsNotThisOnes)
{
	AwaitRequest r = del();
	Event stale;
	stale.seq = 90;
	stale.time_ns = r.since_ns - 1;
	stale.action = MEMPLUG_EVENT_UNPLUG_FAILED;
	stale.range_id = 1;
	stale.error = -EBUSY;
	Received received;
	received.events.push_back(stale);
	fake.script.push_back({received, {}});
	EXPECT_EQ(wait(r).end, Outcome::End::Done);
}

TEST_F(Await, DeadlineAndStopEndTheWaitAndLeaveTheWorkAlone)
{
	fake.stall_worker = true;
	AwaitRequest r = del();
	r.deadline = Clock::now() + 300ms;
	const auto start = Clock::now();
	EXPECT_EQ(wait(r).end, Outcome::End::Deadline);
	EXPECT_GE(Clock::now() - start, 300ms);
	EXPECT_EQ(fake.ranges.at(1).state, MEMPLUG_RANGE_STATE_UNPLUGGING);

	r.deadline.reset();
	int asked = 0;
	r.hooks.stop = [&] {
		return ++asked == 3 ? SIGINT : 0;
	};
	const Outcome o = wait(r);
	EXPECT_EQ(o.end, Outcome::End::Stopped);
	EXPECT_EQ(o.signal, SIGINT);
	EXPECT_FALSE(called("range_cancel 1")) << "cancelling is the caller's";
}

TEST_F(Await, ACancelledAddIsGoneOnceItsPlugFailedSaysSo)
{
	fake.stall_worker = true;
	AwaitRequest r = add();
	(void)fake.range_cancel(r.range.id).value();
	r.awaited = Awaited::Gone;
	EXPECT_EQ(wait(r).end, Outcome::End::Done);
	EXPECT_TRUE(fake.ranges.empty());

	// A held range already added: its rollback ends in UNPLUG.
	fake.stall_worker = false;
	AwaitRequest held = add();
	EXPECT_EQ(wait(held).end, Outcome::End::Done);
	(void)fake.range_cancel(held.range.id).value();
	held.awaited = Awaited::Gone;
	EXPECT_EQ(wait(held).end, Outcome::End::Done);
	EXPECT_TRUE(fake.ranges.empty());
}

TEST_F(Await, ProgressFromOfflineEvents)
{
	AwaitRequest r = del();
	std::vector<Progress> seen;
	r.hooks.progress = [&](const Progress &p) {
		seen.push_back(p);
	};
	EXPECT_EQ(wait(r).end, Outcome::End::Done);
	ASSERT_EQ(seen.size(), 4u);
	EXPECT_EQ(seen[0].what, "unplugging range 1");
	EXPECT_EQ(seen[0].done, 1u);
	EXPECT_EQ(seen[3].done, 4u);
	EXPECT_EQ(seen[3].total, 4u);
	EXPECT_EQ(seen[1].bytes_done, kSize / 2);
	EXPECT_EQ(seen[1].bytes_total, kSize);
}
