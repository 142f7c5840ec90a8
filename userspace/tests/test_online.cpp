// SPDX-License-Identifier: GPL-2.0
#include <cerrno>

#include <gtest/gtest.h>

#include "exit_code.hpp"
#include "fake_backend.hpp"
#include "memplug/ops.hpp"
#include "test_util.hpp"

using namespace memplug;
using memplug::cli::exit_code;
using memplug::cli::ExitCode;
using memplug::test::FakeBackend;
using memplug::test::read_file;
using memplug::test::TempDir;
using memplug::test::write_file;

namespace {

constexpr std::uint64_t kStart = 0x40000000; // blocks 8 to 11
constexpr std::uint64_t kSize = std::uint64_t{512} << 20;

class OnlineOffline : public ::testing::Test {
protected:
	OnlineOffline()
	    : fake(dir.path())
	    , sysfs(dir.path())
	{
	}

	std::string state(std::uint64_t block) { return read_file(sysfs.state_path(block)); }

	// Makes writing to the block's state fail (EISDIR); the fake still
	// reports it as @reported.
	void break_block(std::uint64_t block, const std::string &reported)
	{
		std::filesystem::remove(sysfs.state_path(block));
		std::filesystem::create_directories(sysfs.state_path(block));
		fake.broken_state[block] = reported;
	}

	// A veto the module recorded just now, after the command started.
	void veto(std::uint64_t block, std::uint32_t action, const std::string &reason)
	{
		Event e;
		e.seq = fake.events.size() + 1;
		e.time_ns = monotonic_ns() + 3600000000000;
		e.action = action;
		e.block = static_cast<std::uint32_t>(block);
		e.range_id = 1;
		e.veto_errno = -EPERM;
		e.veto_reason = reason;
		fake.events.push_back(e);
	}

	TempDir dir;
	FakeBackend fake;
	MemorySysfs sysfs;
};

} // namespace

TEST_F(OnlineOffline, OnlinesByTheZonePolicy)
{
	fake.preload(kStart, kSize, "offline");
	OnlineRequest req;
	req.id = 1;
	const Range r = online_range(fake, sysfs, req).value();
	EXPECT_EQ(r.blocks_online, 4u);
	for (std::uint64_t b = 8; b < 12; b++)
		EXPECT_EQ(state(b), "online_movable");
	const std::vector<std::string> expected = {"range_get 1", "block_dump", "block_dump",
						   "range_get 1"};
	EXPECT_EQ(fake.calls, expected);
}

TEST_F(OnlineOffline, ZoneOptionAndPolicyAny)
{
	Range &r = fake.preload(kStart, kSize, "offline");
	r.zone_policy = MEMPLUG_ZONE_POLICY_ANY;
	OnlineRequest req;
	req.id = 1;
	(void)online_range(fake, sysfs, req).value();
	EXPECT_EQ(state(8), "online");

	(void)offline_range(fake, sysfs, 1).value();
	req.zone = ZonePolicy::Kernel;
	(void)online_range(fake, sysfs, req).value();
	EXPECT_EQ(state(11), "online_kernel");

	r.zone_policy = MEMPLUG_ZONE_POLICY_KERNEL;
	(void)offline_range(fake, sysfs, 1).value();
	req.zone.reset();
	(void)online_range(fake, sysfs, req).value();
	EXPECT_EQ(state(9), "online_kernel");
}

TEST_F(OnlineOffline, LeavesOnlineBlocksAlone)
{
	fake.preload(kStart, kSize, "offline");
	write_file(sysfs.state_path(8), "online_movable\n");
	write_file(sysfs.state_path(9), "online_movable\n");
	OnlineRequest req;
	req.id = 1;
	const Range r = online_range(fake, sysfs, req).value();
	EXPECT_EQ(r.blocks_online, 4u);
	EXPECT_EQ(state(8), "online_movable\n") << "not written again";
	EXPECT_EQ(state(10), "online_movable");

	// Everything online already: nothing to do, and no error.
	EXPECT_TRUE(online_range(fake, sysfs, req).ok());
}

TEST_F(OnlineOffline, OnlineInTheWrongZoneIsRefusedBeforeAnyChange)
{
	fake.preload(kStart, kSize, "offline");
	write_file(sysfs.state_path(10), "online_kernel\n");
	OnlineRequest req;
	req.id = 1;
	auto result = online_range(fake, sysfs, req);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(exit_code(result.error()), ExitCode::Failed);
	EXPECT_EQ(result.error().message(),
		  "onlining range 1: memory block 10 is already online in zone Normal, not "
		  "Movable; offline the range first");
	EXPECT_EQ(state(8), "offline\n");
}

TEST_F(OnlineOffline, FailedOnlineUndoesThisCommandsBlocks)
{
	fake.preload(kStart, kSize, "offline");
	write_file(sysfs.state_path(11), "online_movable\n"); // was online before
	// The second block goes last (online_order()): 8 and 10 are done.
	break_block(9, "offline");
	veto(9, MEMPLUG_EVENT_GOING_ONLINE,
	     "zone policy movable: refusing to online into a kernel zone");
	OnlineRequest req;
	req.id = 1;
	auto result = online_range(fake, sysfs, req);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(exit_code(result.error()), ExitCode::Failed);
	EXPECT_EQ(result.error().message(),
		  "onlining range 1: writing \"online_movable\" to memory block 9: Is a directory "
		  "(EISDIR); memplug vetoed it: zone policy movable: refusing to online into a "
		  "kernel zone (EPERM); rolled back: the 2 block(s) changed before are as they "
		  "were");
	EXPECT_EQ(state(8), "offline");
	EXPECT_EQ(state(10), "offline");
	EXPECT_EQ(state(11), "online_movable\n") << "not this command's to undo";
}

TEST_F(OnlineOffline, FirstBlockFailingChangesNothing)
{
	fake.preload(kStart, kSize, "offline");
	break_block(8, "offline");
	OnlineRequest req;
	req.id = 1;
	auto result = online_range(fake, sysfs, req);
	ASSERT_FALSE(result.ok());
	EXPECT_NE(result.error().message().find("; nothing was changed"), std::string::npos)
		<< result.error().message();
	EXPECT_EQ(state(9), "offline\n");
}

TEST_F(OnlineOffline, VerificationFailureUndoes)
{
	fake.preload(kStart, kSize, "offline");
	fake.zone_override[9] = "Normal";
	OnlineRequest req;
	req.id = 1;
	auto result = online_range(fake, sysfs, req);
	ASSERT_FALSE(result.ok());
	EXPECT_NE(result.error().message().find(
			  "verifying memory block 9: after onlining it is online in zone Normal"),
		  std::string::npos)
		<< result.error().message();
	for (std::uint64_t b = 8; b < 12; b++)
		EXPECT_EQ(state(b), "offline");
}

TEST_F(OnlineOffline, OfflinesAndKeepsTheRange)
{
	fake.preload(kStart, kSize, "online_movable");
	const Range r = offline_range(fake, sysfs, 1).value();
	EXPECT_EQ(r.blocks_online, 0u);
	EXPECT_EQ(fake.ranges.size(), 1u);
	for (std::uint64_t b = 8; b < 12; b++)
		EXPECT_EQ(state(b), "offline");
	// Offline already: nothing to do.
	EXPECT_TRUE(offline_range(fake, sysfs, 1).ok());
}

TEST_F(OnlineOffline, ProtectedRangeRefusesWithTheKernelsReason)
{
	fake.preload(kStart, kSize, "online_movable");
	write_file(sysfs.state_path(9), "online_kernel\n");
	break_block(10, "online_movable");
	veto(10, MEMPLUG_EVENT_GOING_OFFLINE,
	     "range is protected against offlining; unprotect it or unplug it with memplug");
	auto result = offline_range(fake, sysfs, 1);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(exit_code(result.error()), ExitCode::Failed);
	const std::string msg = result.error().message();
	EXPECT_EQ(msg.rfind("offlining range 1: writing \"offline\" to memory block 10: ", 0), 0u)
		<< msg;
	EXPECT_NE(msg.find("memplug vetoed it: range is protected against offlining; unprotect "
			   "it or unplug it with memplug (EPERM)"),
		  std::string::npos)
		<< msg;
	EXPECT_NE(msg.find("rolled back: the 2 block(s)"), std::string::npos) << msg;
	// Each back into the zone it had.
	EXPECT_EQ(state(8), "online_movable");
	EXPECT_EQ(state(9), "online_kernel");
	EXPECT_EQ(state(11), "online_movable\n");
}

TEST_F(OnlineOffline, OldVetoesAreNotTheReason)
{
	fake.preload(kStart, kSize, "online_movable");
	break_block(8, "online_movable");
	Event old;
	old.seq = 1;
	old.time_ns = 1;
	old.block = 8;
	old.action = MEMPLUG_EVENT_GOING_OFFLINE;
	old.veto_reason = "range is protected against offlining";
	fake.events.push_back(old);
	auto result = offline_range(fake, sysfs, 1);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(result.error().message().find("vetoed"), std::string::npos)
		<< result.error().message();
}

TEST_F(OnlineOffline, RangeMustBePlugged)
{
	Range &r = fake.preload(kStart, kSize, "online_movable");
	r.state = MEMPLUG_RANGE_STATE_UNPLUGGING;
	auto result = offline_range(fake, sysfs, 1);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(exit_code(result.error()), ExitCode::Busy);
	EXPECT_EQ(result.error().message(),
		  "offlining range 1: range 1: it is unplugging; try again when that has finished "
		  "(EBUSY)");

	OnlineRequest req;
	req.id = 5;
	auto missing = online_range(fake, sysfs, req);
	ASSERT_FALSE(missing.ok());
	EXPECT_EQ(exit_code(missing.error()), ExitCode::Failed);
	EXPECT_EQ(missing.error().message(),
		  "onlining range 5: reading range 5: no such range (ENOENT)");
}

TEST_F(OnlineOffline, AFailedRangeIsNotWaitedFor)
{
	Range &r = fake.preload(kStart, kSize, "online_movable");
	r.state = MEMPLUG_RANGE_STATE_FAILED;
	r.blocks_present = 2;
	OnlineRequest req;
	req.id = 1;
	auto result = online_range(fake, sysfs, req);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(exit_code(result.error()), ExitCode::Failed);
	EXPECT_EQ(result.error().message(),
		  "onlining range 1: range 1: it is failed: removing it did not succeed; unplug 1 "
		  "tries again, or, if every block is still there, cancel 1 keeps it plugged");
	EXPECT_FALSE(offline_range(fake, sysfs, 1).ok());
	EXPECT_EQ(state(8), "online_movable\n") << "nothing written";
}

TEST_F(OnlineOffline, AStopRequestRollsBack)
{
	fake.preload(kStart, kSize, "offline");
	int asked = 0;
	OnlineRequest req;
	req.id = 1;
	auto result = online_range(fake, sysfs, req, [&] { return ++asked == 2; });
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(exit_code(result.error()), ExitCode::Failed);
	EXPECT_EQ(result.error().message(),
		  "onlining range 1: interrupted by a signal after memory block 10; rolled back: "
		  "the 2 block(s) changed before are as they were");
	// Blocks 8 and 10 were onlined (online_order()) and written back.
	for (std::uint64_t b = 8; b < 12; b++)
		EXPECT_EQ(state(b), b == 8 || b == 10 ? "offline" : "offline\n");

	fake.preload(0x80000000, kSize, "online_movable");
	auto off = offline_range(fake, sysfs, 2, [] { return true; });
	ASSERT_FALSE(off.ok());
	EXPECT_EQ(state(16), "online_movable");
	EXPECT_EQ(state(17), "online_movable\n");
}
