// SPDX-License-Identifier: GPL-2.0
#include <cerrno>
#include <csignal>
#include <ctime>

#include <gtest/gtest.h>

#include "exit_code.hpp"
#include "fake_backend.hpp"
#include "memplug/ops.hpp"
#include "test_util.hpp"

using namespace memplug;
using memplug::cli::exit_code;
using memplug::cli::ExitCode;
using namespace std::chrono_literals;
using memplug::test::FakeBackend;
using memplug::test::read_file;
using memplug::test::TempDir;
using memplug::test::write_file;

namespace {

constexpr std::uint64_t kStart = 0x40000000; // block 8
constexpr std::uint64_t kSize = std::uint64_t{512} << 20;

class Plug : public ::testing::Test {
protected:
	Plug()
	    : fake(dir.path())
	    , sysfs(dir.path())
	    , system{sysfs, HostFiles::under(dir.path() / "host")}
	{
		write_file(system.files.zoneinfo, memplug::test::zoneinfo_fixture());
	}

	Result<Range> run_plug(const PlugRequest &r, const OpHooks &hooks = {})
	{
		return plug(
			fake, system, r,
			[this](const std::string &text) { warnings.push_back(text); }, hooks);
	}

	// @error says that the plug ended with @why and left nothing.
	void expect_nothing_left(const Error &error, const std::string &why)
	{
		EXPECT_EQ(error.message(), "plugging 0x40000000+512M: " + why +
						   "; rolled back, nothing left plugged");
		EXPECT_FALSE(called("range_set commit"));
		EXPECT_TRUE(fake.ranges.empty());
	}

	// The Error of a plug that must fail.
	Error plug_error(const PlugRequest &r, const OpHooks &hooks = {})
	{
		auto result = run_plug(r, hooks);
		EXPECT_FALSE(result.ok());
		return result ? Error::failed("the plug succeeded") : std::move(result).error();
	}

	PlugRequest request(OnlineType online = OnlineType::Movable)
	{
		PlugRequest r;
		r.start = kStart;
		r.size = kSize;
		r.online = online;
		return r;
	}

	std::string state(std::uint64_t block) { return read_file(sysfs.state_path(block)); }

	bool called(const std::string &call) const
	{
		return std::find(fake.calls.begin(), fake.calls.end(), call) != fake.calls.end();
	}

	TempDir dir;
	FakeBackend fake;
	MemorySysfs sysfs;
	System system;
	std::vector<std::string> warnings;
};

} // namespace

TEST_F(Plug, OnlinesEveryBlockAndCommits)
{
	const Range r = run_plug(request()).value();
	EXPECT_TRUE(warnings.empty());
	EXPECT_EQ(r.state, MEMPLUG_RANGE_STATE_PLUGGED);
	EXPECT_EQ(r.blocks_online, 4u);
	for (std::uint64_t b = 8; b < 12; b++)
		EXPECT_EQ(state(b), "online_movable");

	ASSERT_TRUE(fake.last_add);
	EXPECT_TRUE(fake.last_add->hold);
	EXPECT_TRUE(fake.last_add->defer_online);
	EXPECT_EQ(fake.last_add->zone_policy, ZonePolicy::Movable);
	const std::vector<std::string> expected = {"subscribe",  "status_get", "range_add",
						   "block_dump", "block_dump", "range_set commit"};
	EXPECT_EQ(fake.calls, expected);
}

TEST_F(Plug, ZonePolicyFollowsOnlineType)
{
	(void)run_plug(request(OnlineType::Kernel)).value();
	EXPECT_EQ(fake.last_add->zone_policy, ZonePolicy::Kernel);
	EXPECT_EQ(state(8), "online_kernel");

	PlugRequest online = request(OnlineType::Online);
	online.start = 0x80000000;
	(void)run_plug(online).value();
	EXPECT_EQ(fake.last_add->zone_policy, ZonePolicy::Any);
	EXPECT_EQ(state(16), "online");

	PlugRequest none = request(OnlineType::None);
	none.start = 0xc0000000;
	const Range r = run_plug(none).value();
	EXPECT_EQ(fake.last_add->zone_policy, ZonePolicy::Any);
	EXPECT_EQ(state(24), "offline\n");
	EXPECT_EQ(r.blocks_online, 0u);

	PlugRequest explicit_zone = request(OnlineType::None);
	explicit_zone.start = 0x100000000;
	explicit_zone.zone = ZonePolicy::Movable;
	(void)run_plug(explicit_zone).value();
	EXPECT_EQ(fake.last_add->zone_policy, ZonePolicy::Movable);
}

TEST_F(Plug, PassesOptionsThrough)
{
	PlugRequest r = request();
	r.node = 1;
	r.name = "cxl0";
	r.protect = true;
	r.verify = true;
	r.excludes = {{0x40200000, 0x200000}};
	(void)run_plug(r).value();
	EXPECT_EQ(fake.last_add->node, 1u);
	EXPECT_EQ(fake.last_add->name, "cxl0");
	EXPECT_TRUE(fake.last_add->protect);
	EXPECT_TRUE(fake.last_add->verify);
	EXPECT_EQ(fake.last_add->excludes, r.excludes);
}

TEST_F(Plug, KernelAutoOnlineIsDeferred)
{
	// The kernel would online into Normal; DEFER_ONLINE stops it and
	// memplugctl onlines as asked.
	fake.auto_online = "online";
	const Range r = run_plug(request()).value();
	EXPECT_EQ(r.blocks_online, 4u);
	EXPECT_EQ(state(8), "online_movable");
}

TEST_F(Plug, SkipsBlocksAlreadyOnlineCorrectly)
{
	fake.honor_defer = false;
	fake.auto_online = "online_movable";
	// A marker: had memplugctl written the file, the newline would be gone.
	const Range r = run_plug(request()).value();
	EXPECT_EQ(r.blocks_online, 4u);
	EXPECT_EQ(state(8), "online_movable\n");
}

TEST_F(Plug, BlocksOnlineInTheWrongZoneRollBack)
{
	fake.honor_defer = false;
	fake.auto_online = "online"; // reported as zone Normal
	PlugRequest r = request(OnlineType::Movable);
	r.zone = ZonePolicy::Any;
	auto result = run_plug(r);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(exit_code(result.error()), ExitCode::Failed);
	EXPECT_NE(result.error().message().find("memory block 8"), std::string::npos);
	EXPECT_NE(result.error().message().find("Normal"), std::string::npos);
	EXPECT_NE(result.error().message().find("rolled back"), std::string::npos);
	EXPECT_TRUE(called("range_del 1"));
	EXPECT_FALSE(called("range_set commit"));
	EXPECT_TRUE(fake.ranges.empty());
}

TEST_F(Plug, KernelRefusalReachesTheUser)
{
	fake.add_error = Error::kernel("adding the range", EINVAL,
				       "start is not aligned to the memory block size");
	auto result = run_plug(request());
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(exit_code(result.error()), ExitCode::Failed);
	EXPECT_EQ(result.error().message(),
		  "plugging 0x40000000+512M: adding the range: start is not aligned to the "
		  "memory block size (EINVAL)");
	EXPECT_FALSE(called("range_del 1"));

	fake.add_error = Error::kernel("adding the range", EPERM, "");
	EXPECT_EQ(exit_code(run_plug(request()).error()), ExitCode::Permission);
}

TEST_F(Plug, FailedOnlineRollsBackWithBlockAndErrno)
{
	fake.broken_blocks = {10};
	fake.events.push_back([] {
		Event e;
		e.seq = 101;
		e.action = MEMPLUG_EVENT_CANCEL_ONLINE;
		e.block = 10;
		e.veto_errno = -EPERM;
		e.veto_reason = "zone Normal violates the movable zone policy";
		return e;
	}());
	auto result = run_plug(request());
	ASSERT_FALSE(result.ok());
	const std::string msg = result.error().message();
	EXPECT_EQ(exit_code(result.error()), ExitCode::Failed);
	EXPECT_NE(msg.find("memory block 10"), std::string::npos) << msg;
	EXPECT_NE(msg.find("(EISDIR)"), std::string::npos) << msg;
	EXPECT_NE(msg.find("memplug vetoed it: zone Normal violates the movable zone policy "
			   "(EPERM)"),
		  std::string::npos)
		<< msg;
	EXPECT_NE(msg.find("rolled back, nothing left plugged"), std::string::npos) << msg;
	EXPECT_TRUE(called("range_del 1"));
	EXPECT_FALSE(called("range_set commit"));
	// Blocks before the broken one were onlined, none after it; the
	// second block (9) comes last.
	EXPECT_EQ(state(8), "online_movable");
	EXPECT_EQ(state(9), "offline\n");
	EXPECT_EQ(state(11), "offline\n");
}

TEST_F(Plug, VerificationCatchesAWrongZone)
{
	fake.zone_override[9] = "Normal";
	auto result = run_plug(request());
	ASSERT_FALSE(result.ok());
	const std::string msg = result.error().message();
	EXPECT_NE(msg.find("verifying memory block 9"), std::string::npos) << msg;
	EXPECT_NE(msg.find("zone Normal, not Movable"), std::string::npos) << msg;
	EXPECT_TRUE(called("range_del 1"));

	fake.calls.clear();
	fake.zone_override[17] = "Movable";
	PlugRequest kernel = request(OnlineType::Kernel);
	kernel.start = 0x80000000;
	auto k = run_plug(kernel);
	ASSERT_FALSE(k.ok());
	EXPECT_NE(k.error().message().find("not a kernel zone"), std::string::npos);
}

TEST_F(Plug, MissingBlocksInTheDumpRollBack)
{
	fake.hidden_blocks = {11};
	auto result = run_plug(request());
	ASSERT_FALSE(result.ok());
	EXPECT_NE(result.error().message().find("reported 3 blocks, expected 4"), std::string::npos)
		<< result.error().message();
	EXPECT_TRUE(called("range_del 1"));
}

TEST_F(Plug, OnlineNoneLeavesEveryBlockOffline)
{
	fake.auto_online = "online_movable";
	const Range r = run_plug(request(OnlineType::None)).value();
	EXPECT_EQ(r.blocks_online, 0u);
	EXPECT_TRUE(fake.last_add->defer_online);
	for (std::uint64_t b = 8; b < 12; b++)
		EXPECT_EQ(state(b), "offline\n");
}

TEST_F(Plug, OnlineNoneWithAnOnlineBlockRollsBack)
{
	fake.honor_defer = false;
	fake.auto_online = "online_movable";
	fake.broken_blocks = {9}; // reads back as offline
	auto result = run_plug(request(OnlineType::None));
	ASSERT_FALSE(result.ok());
	const std::string msg = result.error().message();
	EXPECT_NE(msg.find("verifying memory block 8: online in zone Movable, although "
			   "--online none was asked for"),
		  std::string::npos)
		<< msg;
	EXPECT_TRUE(called("range_del 1"));
	EXPECT_FALSE(called("range_set commit"));
}

TEST_F(Plug, VetoReasonIsTheOneOfThisAttempt)
{
	fake.broken_blocks = {8};
	Event defer;
	defer.seq = 101;
	defer.time_ns = 1; // long before the write
	defer.action = MEMPLUG_EVENT_GOING_ONLINE;
	defer.block = 8;
	defer.veto_errno = -EPERM;
	defer.veto_reason = "onlining deferred to user space";
	fake.events.push_back(defer);
	auto result = run_plug(request());
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(result.error().message().find("deferred"), std::string::npos)
		<< result.error().message();

	// After the events of the first attempt.
	Event zone = defer;
	zone.seq = *fake.status.event_seq + 100;
	zone.time_ns = monotonic_ns() + 1000000000000;
	zone.veto_reason = "zone policy movable: refusing to online into a kernel zone";
	fake.events.push_back(zone);
	result = run_plug(request());
	ASSERT_FALSE(result.ok());
	EXPECT_NE(result.error().message().find("memplug vetoed it: zone policy movable"),
		  std::string::npos)
		<< result.error().message();
}

TEST_F(Plug, CommitFailureRollsBack)
{
	fake.set_error = Error::kernel("changing range 1", EINVAL, "not held by this socket");
	auto result = run_plug(request());
	ASSERT_FALSE(result.ok());
	EXPECT_NE(result.error().message().find("not held by this socket"), std::string::npos);
	EXPECT_TRUE(called("range_del 1"));
	EXPECT_TRUE(fake.ranges.empty());
}

TEST_F(Plug, FailedRollbackSaysWhatHappensNext)
{
	fake.zone_override[8] = "Normal";
	fake.del_error = Error::kernel("removing range 1", EBUSY, "");
	auto result = run_plug(request());
	ASSERT_FALSE(result.ok());
	EXPECT_NE(result.error().message().find("rollback failed"), std::string::npos);
	EXPECT_NE(result.error().message().find("when memplugctl exits"), std::string::npos);
}

TEST_F(Plug, StatusWithoutBlockSizeIsRefusedBeforeAdding)
{
	fake.status.block_size.reset();
	auto result = run_plug(request());
	ASSERT_FALSE(result.ok());
	EXPECT_FALSE(called("range_add"));
}

// The add is the module's worker's: its failure comes as PLUG_FAILED, and
// reads as the refusal of the add always did.
TEST_F(Plug, AFailedAddSaysWhyInTheModulesWords)
{
	fake.add_failures.push_back(Error::kernel(
		"", EBUSY,
		"memplug: kernel refused: range conflicts with an existing resource (a driver "
		"claims part of it)"));
	const Error error = plug_error(request());
	EXPECT_EQ(exit_code(error), ExitCode::Busy);
	EXPECT_EQ(error.message(),
		  "plugging 0x40000000+512M: adding the range: memplug: kernel refused: range "
		  "conflicts with an existing resource (a driver claims part of it) (EBUSY)");
	EXPECT_TRUE(fake.ranges.empty());
	const std::vector<std::string> expected = {"subscribe", "status_get", "range_add",
						   "range_get 1"};
	EXPECT_EQ(fake.calls, expected) << "nothing to roll back";
}

TEST_F(Plug, AFailedAddWithMemoryLeftWaitsForItsRollback)
{
	// The kernel's part, played: a PLUG_FAILED that leaves the range to a
	// rollback, then the rollback's UNPLUG.
	fake.stall_worker = true;
	const auto received = [](std::uint32_t action, std::int32_t error = 0) {
		Received r;
		r.events.emplace_back();
		Event &e = r.events.back();
		e.seq = 101;
		e.action = action;
		e.range_id = 1;
		if (error) {
			e.error = error;
			e.reason = "memplug: kernel refused: out of memory for the memmap";
		}
		return r;
	};
	fake.script.push_back({received(MEMPLUG_EVENT_PLUG_FAILED, -ENOMEM), [this] {
				       fake.ranges.at(1).state = MEMPLUG_RANGE_STATE_UNPLUGGING;
			       }});
	fake.script.push_back({received(MEMPLUG_EVENT_UNPLUG), [this] {
				       fake.ranges.erase(1);
			       }});
	EXPECT_EQ(plug_error(request()).message(),
		  "plugging 0x40000000+512M: adding the range: memplug: kernel refused: out of "
		  "memory for the memmap (ENOMEM); rolled back, nothing left plugged");
	EXPECT_FALSE(called("range_del 1")) << "the kernel's rollback";
}

TEST_F(Plug, NothingIsSentWithoutTheMonitorGroup)
{
	fake.subscribe_error = Error::kernel("joining the memplug monitor group", EPERM,
					     "receiving events needs CAP_SYS_ADMIN");
	const Error error = plug_error(request());
	EXPECT_EQ(exit_code(error), ExitCode::Permission);
	EXPECT_EQ(error.message(),
		  "plugging 0x40000000+512M: joining the memplug monitor group: receiving events "
		  "needs CAP_SYS_ADMIN (EPERM)");
	EXPECT_EQ(fake.calls, std::vector<std::string>{"subscribe"});

	// The same for unplug.
	fake.preload(kStart, kSize, "online_movable");
	UnplugRequest req;
	req.id = 1;
	EXPECT_EQ(unplug(fake, req).error().message(),
		  "unplugging range 1: joining the memplug monitor group: receiving events needs "
		  "CAP_SYS_ADMIN (EPERM)");
	EXPECT_EQ(fake.calls, std::vector<std::string>{"subscribe"}) << "after preload()";
}

TEST_F(Plug, AnOverflowDoesNotLoseTheAdd)
{
	fake.delivery = FakeBackend::Delivery::Overflow;
	const Range r = run_plug(request()).value();
	EXPECT_EQ(r.blocks_online, 4u);
	EXPECT_TRUE(called("range_get 1"));
}

TEST_F(Plug, ATimeoutCancelsTheAdd)
{
	fake.stall_worker = true; // an add that takes until it is cancelled
	PlugRequest r = request();
	r.timeout = 300ms;
	const auto start = std::chrono::steady_clock::now();
	const Error error = plug_error(r);
	EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
	EXPECT_EQ(error.kind(), ErrorKind::Timeout);
	EXPECT_EQ(exit_code(error), ExitCode::Busy);
	expect_nothing_left(error, "timed out after 0.3s");
	EXPECT_TRUE(called("range_cancel 1"));
	EXPECT_FALSE(called("range_del 1"));
}

TEST_F(Plug, ATimeoutWhileOnliningRollsBack)
{
	PlugRequest r = request();
	r.timeout = 250ms;
	OpHooks hooks;
	hooks.progress = [](const Progress &) {
		timespec ts{0, 100000000};
		nanosleep(&ts, nullptr);
	};
	// Stopped after the third block, at the deadline.
	expect_nothing_left(plug_error(r, hooks), "timed out after 0.25s");
	EXPECT_TRUE(called("range_del 1"));
}

TEST_F(Plug, AStopRequestCancelsTheAddOrRollsBack)
{
	fake.stall_worker = true;
	OpHooks hooks;
	int asked = 0;
	hooks.stop = [&] {
		return ++asked >= 2 ? SIGINT : 0;
	};
	const Error interrupted = plug_error(request(), hooks);
	EXPECT_EQ(interrupted.kind(), ErrorKind::Cancelled);
	EXPECT_EQ(static_cast<int>(exit_code(interrupted)), 130);
	expect_nothing_left(interrupted, "cancelled by SIGINT");
	EXPECT_TRUE(called("range_cancel 1"));

	// While onlining: after the second block.
	fake.stall_worker = false;
	fake.calls.clear();
	int blocks = 0;
	hooks.stop = [&] {
		return blocks >= 2 ? SIGTERM : 0;
	};
	std::vector<std::string> whats;
	hooks.progress = [&](const Progress &p) {
		if (p.what == "plugging range 2")
			blocks++;
		whats.push_back(p.what);
	};
	const Error terminated = plug_error(request(), hooks);
	EXPECT_EQ(static_cast<int>(exit_code(terminated)), 143);
	expect_nothing_left(terminated, "cancelled by SIGTERM");
	EXPECT_EQ(blocks, 2);
	EXPECT_EQ(whats.back(), "rolling back range 2") << "the rollback's progress too";
	EXPECT_TRUE(called("range_del 2"));
}

TEST_F(Plug, AStopRequestBeforeTheAddSendsNothing)
{
	OpHooks hooks;
	hooks.stop = [] {
		return SIGINT;
	};
	EXPECT_EQ(plug_error(request(), hooks).message(),
		  "plugging 0x40000000+512M: cancelled by SIGINT; nothing was plugged");
	EXPECT_FALSE(called("range_add"));
}

TEST_F(Plug, ProgressOfTheOnlining)
{
	std::vector<Progress> seen;
	OpHooks hooks;
	hooks.progress = [&](const Progress &p) {
		seen.push_back(p);
	};
	(void)run_plug(request(), hooks).value();
	ASSERT_EQ(seen.size(), 4u);
	EXPECT_EQ(seen[0].what, "plugging range 1");
	EXPECT_EQ(seen[0].done, 1u);
	EXPECT_EQ(seen[0].total, 4u);
	EXPECT_EQ(seen[0].bytes_done, FakeBackend::kBlockSize);
	EXPECT_EQ(seen[3].bytes_done, kSize);
	EXPECT_EQ(seen[3].bytes_total, kSize);
}

TEST(BlockProblem, Rules)
{
	Block b;
	b.state = MEMPLUG_BLOCK_STATE_OFFLINE;
	EXPECT_EQ(block_problem(b, OnlineType::Online, ZonePolicy::Any), "offline");
	b.state = MEMPLUG_BLOCK_STATE_ONLINE;
	b.zone = "Normal";
	EXPECT_FALSE(block_problem(b, OnlineType::Online, ZonePolicy::Any));
	EXPECT_FALSE(block_problem(b, OnlineType::Kernel, ZonePolicy::Kernel));
	EXPECT_TRUE(block_problem(b, OnlineType::Movable, ZonePolicy::Movable));
	EXPECT_TRUE(block_problem(b, OnlineType::Online, ZonePolicy::Movable));
	b.zone = "Movable";
	EXPECT_FALSE(block_problem(b, OnlineType::Movable, ZonePolicy::Any));
	EXPECT_TRUE(block_problem(b, OnlineType::Kernel, ZonePolicy::Any));
	b.zone.reset();
	EXPECT_TRUE(block_problem(b, OnlineType::Movable, ZonePolicy::Movable));
	EXPECT_FALSE(block_problem(b, OnlineType::Online, ZonePolicy::Any));
}

class Unplug : public ::testing::Test {
protected:
	Unplug()
	    : fake(dir.path())
	{
	}

	bool called(const std::string &call) const
	{
		return std::find(fake.calls.begin(), fake.calls.end(), call) != fake.calls.end();
	}

	// The Error of an unplug of range 1 that must fail.
	Error unplug_error(std::optional<std::chrono::milliseconds> timeout = std::nullopt,
			   const OpHooks &hooks = {})
	{
		UnplugRequest req;
		req.id = 1;
		req.timeout = timeout;
		auto result = unplug(fake, req, hooks);
		EXPECT_FALSE(result.ok());
		return result ? Error::failed("the unplug succeeded") : std::move(result).error();
	}

	TempDir dir;
	FakeBackend fake;
};

TEST_F(Unplug, Removes)
{
	fake.preload(kStart, kSize, "online_movable");
	UnplugRequest req;
	req.id = 1;
	const Range r = unplug(fake, req).value();
	EXPECT_EQ(r.id, 1u);
	EXPECT_TRUE(fake.ranges.empty());
}

TEST_F(Unplug, ATimeoutCancelsTheRemovalAndReportsTheRange)
{
	fake.preload(kStart, kSize, "online_movable");
	fake.stall_worker = true; // a removal that takes until it is cancelled
	const auto start = std::chrono::steady_clock::now();
	const Error error = unplug_error(300ms);
	const auto took = std::chrono::steady_clock::now() - start;
	EXPECT_GE(took, 300ms);
	EXPECT_LT(took, 5s);
	EXPECT_EQ(error.kind(), ErrorKind::Timeout);
	EXPECT_EQ(exit_code(error), ExitCode::Busy);
	EXPECT_EQ(error.message(),
		  "unplugging range 1: timed out after 0.3s (ECANCELED); range 1 remains plugged "
		  "and online, 4/4 blocks online, every block as it was before");
	EXPECT_TRUE(called("range_cancel 1"));
	EXPECT_EQ(fake.ranges.at(1).state, MEMPLUG_RANGE_STATE_PLUGGED);
	EXPECT_EQ(std::count(fake.calls.begin(), fake.calls.end(), "range_del 1"), 1);
}

TEST_F(Unplug, AStopRequestCancelsTheRemoval)
{
	Range &range = fake.preload(kStart, kSize, "online_movable");
	range.fail_block = 10;
	fake.stall_worker = true;
	UnplugRequest req;
	req.id = 1;
	int asked = 0;
	OpHooks hooks;
	hooks.stop = [&] {
		return ++asked >= 2 ? SIGINT : 0;
	};
	auto result = unplug(fake, req, hooks);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(result.error().kind(), ErrorKind::Cancelled);
	EXPECT_EQ(result.error().signal(), SIGINT);
	EXPECT_EQ(exit_code(result.error()), ExitCode::Interrupted);
	EXPECT_EQ(static_cast<int>(exit_code(result.error())), 130);
	EXPECT_EQ(result.error().message(),
		  "unplugging range 1: cancelled by SIGINT; memory block 10 could not be offlined "
		  "(EINTR); range 1 remains plugged and online, 4/4 blocks online, every block as "
		  "it was before");
	EXPECT_TRUE(called("range_cancel 1"));

	// SIGTERM, between two attempts on a busy range.
	fake.stall_worker = false;
	fake.del_failures.push_back(Error::kernel("", EBUSY, "memplug: pages in use"));
	req.timeout = 10s;
	asked = 0;
	hooks.stop = [&] {
		return ++asked >= 4 ? SIGTERM : 0;
	};
	result = unplug(fake, req, hooks);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(exit_code(result.error()), ExitCode::Terminated);
	EXPECT_EQ(result.error().message().rfind("unplugging range 1: cancelled by SIGTERM; ", 0),
		  0u)
		<< result.error().message();
}

TEST_F(Unplug, TheOutcomeIsWaitedFor)
{
	fake.preload(kStart, kSize, "online_movable");
	UnplugRequest req;
	req.id = 1;
	std::vector<Progress> progress;
	OpHooks hooks;
	hooks.progress = [&](const Progress &p) {
		progress.push_back(p);
	};
	const Range r = unplug(fake, req, hooks).value();
	EXPECT_EQ(r.id, 1u);
	EXPECT_TRUE(fake.ranges.empty());
	EXPECT_EQ(fake.calls.front(), "subscribe") << "joined before anything is sent";
	ASSERT_EQ(progress.size(), 4u);
	EXPECT_EQ(progress.back().what, "unplugging range 1");
	EXPECT_EQ(progress.back().done, 4u);
}

TEST_F(Unplug, BusyReportsTheRefusingBlock)
{
	Range &range = fake.preload(kStart, kSize, "online_movable");
	range.fail_block = 9;
	fake.del_failures.push_back(Error::kernel("", EBUSY, "offlining failed"));
	const Error error = unplug_error();
	EXPECT_EQ(exit_code(error), ExitCode::Busy);
	EXPECT_EQ(error.message(),
		  "removing range 1: offlining failed (EBUSY); memory block 9 could not be "
		  "offlined (EBUSY); range 1 remains plugged and online, 4/4 blocks online, every "
		  "block as it was before");
	EXPECT_EQ(std::count(fake.calls.begin(), fake.calls.end(), "range_del 1"), 1)
		<< "no retry without --timeout";
}

TEST_F(Unplug, UnknownRange)
{
	UnplugRequest req;
	req.id = 7;
	auto result = unplug(fake, req);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(exit_code(result.error()), ExitCode::Failed);
	EXPECT_EQ(result.error().message(), "removing range 7: no such range (ENOENT)");
}

TEST_F(Plug, MemmapOnMemoryNeedsTheBootParameter)
{
	const HostFiles files = HostFiles::under(dir.path() / "host");
	PlugRequest r = request();
	r.memmap_on_memory = true;

	// Missing parameter: the kernel cannot do it at all.
	auto result = run_plug(r);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(exit_code(result.error()), ExitCode::Failed);
	EXPECT_NE(result.error().message().find("has no memory_hotplug.memmap_on_memory"),
		  std::string::npos)
		<< result.error().message();
	EXPECT_TRUE(fake.calls.empty()) << "nothing may be sent";

	write_file(files.memmap_on_memory, "N\n");
	result = run_plug(r);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(result.error().message(),
		  "plugging 0x40000000+512M: --memmap-on-memory: the kernel was booted without "
		  "memory_hotplug.memmap_on_memory (it is off); boot the kernel with "
		  "memory_hotplug.memmap_on_memory=1 to use it");
	EXPECT_TRUE(fake.calls.empty());

	write_file(files.memmap_on_memory, "maybe\n");
	result = run_plug(r);
	ASSERT_FALSE(result.ok());
	EXPECT_NE(result.error().message().find("says \"maybe\""), std::string::npos);

	write_file(files.memmap_on_memory, "Y\n");
	EXPECT_TRUE(run_plug(r).ok());
	EXPECT_TRUE(fake.last_add->memmap_on_memory);

	write_file(files.memmap_on_memory, "force\n");
	r.start = 0x80000000;
	EXPECT_TRUE(run_plug(r).ok());
}

TEST(MemmapOnMemory, ParameterValues)
{
	EXPECT_EQ(parse_memmap_on_memory("Y\n"), true);
	EXPECT_EQ(parse_memmap_on_memory("force\n"), true);
	EXPECT_EQ(parse_memmap_on_memory("N\n"), false);
	EXPECT_EQ(parse_memmap_on_memory("N"), false);
	EXPECT_FALSE(parse_memmap_on_memory(""));
	EXPECT_FALSE(parse_memmap_on_memory("yes"));
}

TEST_F(Plug, BlocksOnAnotherNodeRollBack)
{
	fake.node_override[10] = 1;
	PlugRequest r = request();
	r.node = 0;
	auto result = run_plug(r);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(exit_code(result.error()), ExitCode::Failed);
	EXPECT_EQ(result.error().message(),
		  "plugging 0x40000000+512M: verifying memory block 10: it is on NUMA node 1, but "
		  "the range 1 belongs to node 0; rolled back, nothing left plugged");
	EXPECT_TRUE(called("range_del 1"));
	EXPECT_FALSE(called("range_set commit"));

	// Offline blocks carry the range's node: nothing to compare.
	fake.calls.clear();
	EXPECT_TRUE(run_plug(request(OnlineType::None)).ok());
}

TEST_F(Plug, MovableRatioWarnsAndPlugs)
{
	// 4 GiB kernel, 11.5 GiB movable: 512 MiB more is 3.0, allowed.
	write_file(system.files.zoneinfo, memplug::test::zoneinfo_fixture(11 * 262144 + 131072));
	EXPECT_TRUE(run_plug(request()).ok());
	EXPECT_TRUE(warnings.empty());

	// 128 MiB more is over the limit: a warning, and the plug goes on.
	PlugRequest r = request();
	r.start = 0x80000000;
	r.size = std::uint64_t{640} << 20;
	const Range plugged = run_plug(r).value();
	EXPECT_EQ(plugged.blocks_online, 5u);
	ASSERT_EQ(warnings.size(), 1u);
	EXPECT_NE(warnings[0].find("onlining 640M into ZONE_MOVABLE on node 0 makes its movable "
				   "memory 3.03 times its kernel-zone memory"),
		  std::string::npos)
		<< warnings[0];
	EXPECT_NE(warnings[0].find("page tables, slab"), std::string::npos);
	EXPECT_NE(warnings[0].find("--strict-ratio"), std::string::npos);
}

TEST_F(Plug, StrictRatioRefusesBeforeAddingWithANode)
{
	write_file(system.files.zoneinfo, memplug::test::zoneinfo_fixture(12 * 262144));
	PlugRequest r = request();
	r.node = 0;
	r.strict_ratio = true;
	auto result = run_plug(r);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(exit_code(result.error()), ExitCode::Failed);
	EXPECT_EQ(result.error().message().rfind(
			  "plugging 0x40000000+512M: --strict-ratio: refusing: onlining 512M into "
			  "ZONE_MOVABLE on node 0 makes its movable memory 3.12 times",
			  0),
		  0u)
		<< result.error().message();
	EXPECT_TRUE(fake.calls.empty()) << "nothing may be sent";
	EXPECT_TRUE(warnings.empty());
}

TEST_F(Plug, StrictRatioWithoutANodeRefusesBeforeOnlining)
{
	write_file(system.files.zoneinfo, memplug::test::zoneinfo_fixture(12 * 262144));
	PlugRequest r = request();
	r.strict_ratio = true;
	auto result = run_plug(r);
	ASSERT_FALSE(result.ok());
	EXPECT_NE(result.error().message().find("rolled back, nothing left plugged"),
		  std::string::npos);
	const std::vector<std::string> expected = {"subscribe", "status_get", "range_add",
						   "range_del 1"};
	EXPECT_EQ(fake.calls, expected);
	EXPECT_EQ(state(8), "offline\n") << "nothing was onlined";
}

TEST_F(Plug, RatioIsOnlyAboutMovableOnlining)
{
	write_file(system.files.zoneinfo, memplug::test::zoneinfo_fixture(100 * 262144));
	PlugRequest kernel = request(OnlineType::Kernel);
	kernel.strict_ratio = true;
	EXPECT_TRUE(run_plug(kernel).ok());
	PlugRequest none = request(OnlineType::None);
	none.start = 0x80000000;
	none.zone = ZonePolicy::Movable;
	none.strict_ratio = true;
	EXPECT_TRUE(run_plug(none).ok());
	// "online" with a movable zone policy onlines movable.
	PlugRequest online = request(OnlineType::Online);
	online.start = 0xc0000000;
	online.zone = ZonePolicy::Movable;
	online.strict_ratio = true;
	EXPECT_FALSE(run_plug(online).ok());
	EXPECT_TRUE(warnings.empty());
}

TEST_F(Plug, UnreadableZoneinfoWarnsOrRefuses)
{
	std::filesystem::remove(system.files.zoneinfo);
	EXPECT_TRUE(run_plug(request()).ok());
	ASSERT_EQ(warnings.size(), 1u);
	EXPECT_NE(warnings[0].find("cannot check the movable/kernel memory ratio of node 0"),
		  std::string::npos)
		<< warnings[0];
	PlugRequest strict = request();
	strict.start = 0x80000000;
	strict.strict_ratio = true;
	EXPECT_FALSE(run_plug(strict).ok());
}

TEST_F(Unplug, RetriesABusyRangeWithinTheTimeout)
{
	fake.preload(kStart, kSize, "online_movable");
	// Refused once, failed once, then removed.
	fake.del_refusals.push_back(
		Error::kernel("removing range 1", EBUSY, "memplug: range is busy"));
	fake.del_failures.push_back(Error::kernel("", EBUSY, "memplug: pages in use"));
	UnplugRequest req;
	req.id = 1;
	req.timeout = 10s;
	const auto start = std::chrono::steady_clock::now();
	const Range r = unplug(fake, req).value();
	const auto took = std::chrono::steady_clock::now() - start;
	EXPECT_EQ(r.id, 1u);
	EXPECT_TRUE(fake.ranges.empty());
	EXPECT_EQ(std::count(fake.calls.begin(), fake.calls.end(), "range_del 1"), 3);
	EXPECT_GE(took, 300ms) << "100 ms, then 200 ms between attempts";
	EXPECT_LT(took, 5s);
}

TEST_F(Unplug, BusyUntilTheTimeoutExitsFive)
{
	Range &range = fake.preload(kStart, kSize, "online_movable");
	range.fail_block = 9;
	range.fail_errno = -EBUSY;
	int calls = 0;
	fake.del_hook = [&](std::uint32_t id) -> Result<Range> {
		calls++;
		return Error::kernel("removing range " + std::to_string(id), EBUSY,
				     "a memory block could not be offlined");
	};
	UnplugRequest req;
	req.id = 1;
	req.timeout = 500ms;
	const auto start = std::chrono::steady_clock::now();
	auto result = unplug(fake, req);
	const auto took = std::chrono::steady_clock::now() - start;
	ASSERT_FALSE(result.ok());
	EXPECT_GE(took, 500ms);
	EXPECT_LT(took, 3s);
	EXPECT_GE(calls, 4); // at 0, 0.1, 0.3, 0.5 s (give or take)
	EXPECT_EQ(result.error().kind(), ErrorKind::Timeout);
	EXPECT_EQ(exit_code(result.error()), ExitCode::Busy);
	const std::string msg = result.error().message();
	EXPECT_EQ(msg.rfind("unplugging range 1: timed out after 0.5s, still EBUSY: a memory block "
			    "could not be offlined (EBUSY); gave up after ",
			    0),
		  0u)
		<< msg;
	EXPECT_NE(msg.find("memory block 9 could not be offlined (EBUSY); range 1 remains plugged "
			   "and online, 4/4 blocks online, every block as it was before"),
		  std::string::npos)
		<< msg;
}

TEST_F(Unplug, NoRetryForOtherErrors)
{
	fake.preload(kStart, kSize, "online_movable");
	int calls = 0;
	fake.del_hook = [&](std::uint32_t id) -> Result<Range> {
		calls++;
		return Error::kernel("removing range " + std::to_string(id), EIO, "");
	};
	UnplugRequest req;
	req.id = 1;
	req.timeout = 5s;
	auto result = unplug(fake, req);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(calls, 1);
	EXPECT_EQ(exit_code(result.error()), ExitCode::Failed);
}

TEST_F(Unplug, VetoReasonAndChangedBlocksAreReported)
{
	Range &range = fake.preload(kStart, kSize, "online_movable");
	range.fail_block = 10;
	range.fail_errno = -EPERM;
	const MemorySysfs sysfs(dir.path());
	fake.del_hook = [&](std::uint32_t id) -> Result<Range> {
		Event e;
		e.seq = 7;
		e.time_ns = monotonic_ns();
		e.action = MEMPLUG_EVENT_GOING_OFFLINE;
		e.block = 10;
		e.veto_errno = -EPERM;
		e.veto_reason = "range is protected against offlining";
		fake.events.push_back(e);
		// The kernel failed to put block 9 back online.
		write_file(sysfs.state_path(9), "offline\n");
		return Error::kernel("removing range " + std::to_string(id), EPERM,
				     "a memory notifier vetoed offlining; the range stays plugged");
	};
	UnplugRequest req;
	req.id = 1;
	auto result = unplug(fake, req);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(exit_code(result.error()), ExitCode::Failed) << "a veto, not a missing privilege";
	EXPECT_EQ(
		result.error().message(),
		"removing range 1: a memory notifier vetoed offlining; the range stays plugged "
		"(EPERM); memory block 10 could not be offlined (EPERM); memplug vetoed it: range "
		"is protected against offlining (EPERM); range 1 remains plugged (partial), 3/4 "
		"blocks online, but changed: memory block 9 was online (Movable), is offline");
}

TEST_F(Unplug, AFailedRangeSaysWhatIsLeft)
{
	Range &range = fake.preload(kStart, kSize, "online_movable");
	range.state = MEMPLUG_RANGE_STATE_FAILED;
	range.blocks_present = 2;
	fake.hidden_blocks = {8, 9}; // removed already
	fake.del_failures.push_back(Error::kernel("", EBUSY, "offlining failed"));
	UnplugRequest req;
	req.id = 1;
	auto result = unplug(fake, req);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(exit_code(result.error()), ExitCode::Busy);
	EXPECT_EQ(result.error().message(),
		  "removing range 1: offlining failed (EBUSY); range 1 remains failed, 2 of 4 "
		  "blocks still present, 2/4 blocks online, every block as it was before");

	EXPECT_EQ(fake.ranges.at(1).state, MEMPLUG_RANGE_STATE_FAILED) << "as it was";

	// Another try that gets it all.
	EXPECT_EQ(unplug(fake, req).value().id, 1u);
	EXPECT_TRUE(fake.ranges.empty());
}

class Cancel : public ::testing::Test {
protected:
	Cancel()
	    : fake(dir.path())
	{
	}

	TempDir dir;
	FakeBackend fake;
};

TEST_F(Cancel, ARollbackEndsWithTheRangePlugged)
{
	Range &range = fake.preload(kStart, kSize, "online_movable");
	range.state = MEMPLUG_RANGE_STATE_UNPLUGGING;
	range.blocks_present = 4;
	range.rollback_attempts = 2;
	const Range r = cancel_operation(fake, 1).value();
	EXPECT_EQ(r.id, 1u);
	EXPECT_EQ(r.state, MEMPLUG_RANGE_STATE_PLUGGED);
	EXPECT_EQ(range_state_name(r), "online");
	EXPECT_EQ(fake.calls, std::vector<std::string>{"range_cancel 1"});
}

TEST_F(Cancel, AWholeFailedRangeIsPluggedAgain)
{
	Range &range = fake.preload(kStart, kSize, "online_movable");
	range.state = MEMPLUG_RANGE_STATE_FAILED;
	range.blocks_present = 4;
	EXPECT_EQ(cancel_operation(fake, 1).value().state, MEMPLUG_RANGE_STATE_PLUGGED);
}

TEST_F(Cancel, NothingToCancelSaysWhereTheRangeStands)
{
	Range &range = fake.preload(kStart, kSize, "online_movable");
	range.state = MEMPLUG_RANGE_STATE_FAILED;
	range.blocks_present = 2;
	auto result = cancel_operation(fake, 1);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(result.error().errnum(), EINVAL);
	EXPECT_EQ(exit_code(result.error()), ExitCode::Failed);
	EXPECT_EQ(result.error().message(),
		  "cancelling the operation on range 1: range has no rollback to cancel (a failed "
		  "range with blocks removed is unplugged, not cancelled) (EINVAL); range 1 is "
		  "failed, 2 of 4 blocks still present");
	EXPECT_EQ(fake.ranges[1].state, MEMPLUG_RANGE_STATE_FAILED);

	fake.ranges[1].state = MEMPLUG_RANGE_STATE_PLUGGED;
	fake.ranges[1].blocks_present = 4;
	EXPECT_EQ(cancel_operation(fake, 1).error().message(),
		  "cancelling the operation on range 1: range has no rollback to cancel (a failed "
		  "range with blocks removed is unplugged, not cancelled) (EINVAL); range 1 is "
		  "online");
}

TEST_F(Cancel, OtherRefusalsAsTheKernelGivesThem)
{
	auto missing = cancel_operation(fake, 7);
	ASSERT_FALSE(missing.ok());
	EXPECT_EQ(exit_code(missing.error()), ExitCode::Failed);
	EXPECT_EQ(missing.error().message(),
		  "cancelling the operation on range 7: no such range (ENOENT)");
	EXPECT_EQ(fake.calls, std::vector<std::string>{"range_cancel 7"});

	fake.preload(kStart, kSize, "online_movable");
	fake.cancel_error = Error::kernel("cancelling the operation on range 1", EBUSY,
					  "memplug: an unplug of this range is in progress; it has "
					  "no rollback to cancel");
	auto busy = cancel_operation(fake, 1);
	ASSERT_FALSE(busy.ok());
	EXPECT_EQ(exit_code(busy.error()), ExitCode::Busy);
	EXPECT_EQ(busy.error().message(),
		  "cancelling the operation on range 1: memplug: an unplug of this range is in "
		  "progress; it has no rollback to cancel (EBUSY)");
}

TEST(OnlineOrder, SecondBlockLast)
{
	using V = std::vector<std::size_t>;
	EXPECT_EQ(online_order(0), V{});
	EXPECT_EQ(online_order(1), V{0});
	EXPECT_EQ(online_order(2), (V{0, 1}));
	EXPECT_EQ(online_order(3), (V{0, 2, 1}));
	EXPECT_EQ(online_order(5), (V{0, 2, 3, 4, 1}));
}
