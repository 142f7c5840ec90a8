// SPDX-License-Identifier: GPL-2.0
#include <cerrno>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fake_backend.hpp"
#include "memplug/format.hpp"
#include "memplug/monitor.hpp"
#include "test_util.hpp"

using namespace memplug;
using namespace std::chrono_literals;
using memplug::test::FakeBackend;
using memplug::test::TempDir;
using Json = nlohmann::json;

namespace {

Event ev(std::uint64_t seq, std::optional<std::uint32_t> range = 1)
{
	Event e;
	e.seq = seq;
	e.action = MEMPLUG_EVENT_ONLINE;
	e.range_id = range;
	e.block = 8;
	return e;
}

FakeBackend::Receive live(std::vector<std::uint64_t> seqs, bool overflow = false)
{
	FakeBackend::Receive r;
	for (auto s : seqs)
		r.received.events.push_back(ev(s));
	r.received.overflow = overflow;
	return r;
}

class Monitor : public ::testing::Test {
protected:
	Monitor()
	    : fake(dir.path())
	{
		fake.status.event_seq = 100; // the next event will be 100
	}

	// The ring holds @first to @last.
	void ring(std::uint64_t first, std::uint64_t last)
	{
		fake.events.clear();
		for (std::uint64_t s = first; s <= last; s++)
			fake.events.push_back(ev(s));
	}

	// Runs until the script is used up (then "interrupted").
	MonitorResult run(MonitorOptions options = {})
	{
		out.str("");
		auto stream = fake.subscribe().value();
		auto f = make_formatter(OutputFormat::Json, out);
		return monitor(fake, *stream, options, *f, [this] { return fake.script.empty(); })
			.value();
	}

	// The seqs printed, and overruns as -from.
	std::vector<std::int64_t> printed()
	{
		std::vector<std::int64_t> seqs;
		std::istringstream in(out.str());
		for (std::string line; std::getline(in, line);) {
			const Json j = Json::parse(line);
			if (j["action"] == "overrun") {
				seqs.push_back(-j["lost_from"].get<std::int64_t>());
				seqs.push_back(-j["lost_to"].get<std::int64_t>());
			} else {
				seqs.push_back(j["seq"].get<std::int64_t>());
			}
		}
		return seqs;
	}

	TempDir dir;
	FakeBackend fake;
	std::ostringstream out;
};

} // namespace

TEST_F(Monitor, StartsWithTheNextEventAfterJoining)
{
	fake.script.push_back(live({98, 99, 100, 101}));
	const MonitorResult r = run();
	EXPECT_EQ(printed(), (std::vector<std::int64_t>{100, 101}));
	EXPECT_EQ(r.end, MonitorEnd::Interrupted);
	EXPECT_EQ(r.printed, 2u);
	EXPECT_EQ(r.overruns, 0u);
	// Joined first, then asked where the sequence stands.
	ASSERT_GE(fake.calls.size(), 2u);
	EXPECT_EQ(fake.calls[0], "subscribe");
	EXPECT_EQ(fake.calls[1], "status_get");
}

TEST_F(Monitor, SinceReadsTheRingThenDropsDuplicates)
{
	ring(1, 8);
	fake.script.push_back(live({7, 8, 9}));
	fake.script.push_back(live({9, 10}));
	MonitorOptions o;
	o.since = 5;
	const MonitorResult r = run(o);
	EXPECT_EQ(printed(), (std::vector<std::int64_t>{5, 6, 7, 8, 9, 10}));
	EXPECT_EQ(r.overruns, 0u);
}

TEST_F(Monitor, SinceZeroIsTheFirstEvent)
{
	ring(1, 3);
	MonitorOptions o;
	o.since = 0;
	const MonitorResult r = run(o);
	EXPECT_EQ(printed(), (std::vector<std::int64_t>{1, 2, 3}));
	EXPECT_EQ(r.overruns, 0u);
}

TEST_F(Monitor, SinceBeyondTheRingIsAnOverrun)
{
	ring(10, 12);
	MonitorOptions o;
	o.since = 3;
	const MonitorResult r = run(o);
	EXPECT_EQ(printed(), (std::vector<std::int64_t>{-3, -9, 10, 11, 12}));
	EXPECT_EQ(r.overruns, 1u);
	EXPECT_EQ(r.lost, 7u);
}

TEST_F(Monitor, AJumpIsFilledFromTheRing)
{
	ring(95, 104);
	fake.script.push_back(live({100, 103}));
	fake.script.push_back(live({104, 105}));
	const MonitorResult r = run();
	EXPECT_EQ(printed(), (std::vector<std::int64_t>{100, 101, 102, 103, 104, 105}));
	EXPECT_EQ(r.overruns, 0u);
}

TEST_F(Monitor, AJumpPastTheRingIsAnOverrun)
{
	ring(110, 115);
	fake.script.push_back(live({100, 115}));
	const MonitorResult r = run();
	EXPECT_EQ(printed(),
		  (std::vector<std::int64_t>{100, -101, -109, 110, 111, 112, 113, 114, 115}));
	EXPECT_EQ(r.overruns, 1u);
	EXPECT_EQ(r.lost, 9u);
}

TEST_F(Monitor, OverflowReadsBackEvenTheTail)
{
	// ENOBUFS: 101 to 103 were dropped and nothing came after them.
	ring(90, 103);
	fake.script.push_back(live({100}, true));
	const MonitorResult r = run();
	EXPECT_EQ(printed(), (std::vector<std::int64_t>{100, 101, 102, 103}));
	EXPECT_EQ(r.overruns, 0u);
	EXPECT_EQ(std::count(fake.calls.begin(), fake.calls.end(), "event_dump"), 1);
}

TEST_F(Monitor, OverflowPastTheRingIsAnOverrun)
{
	fake.script.push_back(live({100}, true));
	fake.script.back().hook = [this] {
		ring(150, 151);
	};
	const MonitorResult r = run();
	EXPECT_EQ(printed(), (std::vector<std::int64_t>{100, -101, -149, 150, 151}));
	EXPECT_EQ(r.lost, 49u);
}

TEST_F(Monitor, RangeFilterAndCount)
{
	FakeBackend::Receive mixed;
	for (std::uint64_t s = 100; s < 110; s++)
		mixed.received.events.push_back(ev(s, s % 2 ? 2u : 1u));
	mixed.received.events[4].range_id.reset(); // not memplug's memory
	fake.script.push_back(mixed);
	fake.script.push_back(live({120}));
	ring(110, 120);
	MonitorOptions o;
	o.range = 2;
	o.count = 3;
	const MonitorResult r = run(o);
	EXPECT_EQ(printed(), (std::vector<std::int64_t>{101, 103, 105}));
	EXPECT_EQ(r.end, MonitorEnd::Count);
	EXPECT_EQ(r.printed, 3u);
	EXPECT_EQ(fake.script.size(), 1u) << "stopped reading after the count";
}

TEST_F(Monitor, FilteredEventsStillCountAsSeenAndLossIsAlwaysShown)
{
	ring(200, 202);
	fake.script.push_back(live({100, 101}));
	fake.script.push_back(live({202}));
	MonitorOptions o;
	o.range = 9;
	const MonitorResult r = run(o);
	EXPECT_EQ(printed(), (std::vector<std::int64_t>{-102, -199}));
	EXPECT_EQ(r.printed, 0u);
	EXPECT_EQ(r.overruns, 1u);
}

TEST_F(Monitor, CountZeroEndsAtOnce)
{
	MonitorOptions o;
	o.count = 0;
	EXPECT_EQ(run(o).end, MonitorEnd::Count);
	EXPECT_EQ(out.str(), "");
}

TEST_F(Monitor, TimeoutEnds)
{
	auto stream = fake.subscribe().value();
	auto f = make_formatter(OutputFormat::Json, out);
	MonitorOptions o;
	o.timeout = 50ms;
	const auto start = std::chrono::steady_clock::now();
	const MonitorResult r = monitor(fake, *stream, o, *f, [] { return false; }).value();
	EXPECT_EQ(r.end, MonitorEnd::Timeout);
	EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
	ASSERT_FALSE(fake.waits.empty());
	ASSERT_TRUE(fake.waits[0]);
	EXPECT_LE(*fake.waits[0], 50ms);
}

TEST_F(Monitor, RingErrorsEndTheRun)
{
	fake.status_error = Error::kernel("reading the memplug status", EIO, "");
	auto stream = fake.subscribe().value();
	auto f = make_formatter(OutputFormat::Json, out);
	EXPECT_FALSE(monitor(fake, *stream, {}, *f, [] { return true; }).ok());
}

TEST_F(Monitor, HandledHearsEverySeqAfterItIsPrinted)
{
	ring(100, 101);
	fake.script = {live({100, 101, 102}), live({103}), live({106})};
	std::vector<std::uint64_t> heard;
	MonitorOptions options;
	options.range = 1;
	options.handled = [&](std::uint64_t seq) -> Result<void> {
		// Printed before it is recorded.
		const std::string n = std::to_string(seq);
		EXPECT_TRUE(out.str().find("\"seq\":" + n + ",") != std::string::npos ||
			    out.str().find("\"lost_to\":" + n) != std::string::npos)
			<< seq;
		heard.push_back(seq);
		return {};
	};
	run(options);
	EXPECT_EQ(printed(), (std::vector<std::int64_t>{100, 101, 102, 103, -104, -105, 106}));
	EXPECT_EQ(heard, (std::vector<std::uint64_t>{100, 101, 102, 103, 105, 106}));
}

TEST_F(Monitor, HandledErrorEndsTheMonitor)
{
	fake.script = {live({100, 101})};
	MonitorOptions options;
	options.handled = [](std::uint64_t) -> Result<void> {
		return Error::system("writing state", ENOSPC);
	};
	auto stream = fake.subscribe().value();
	auto f = make_formatter(OutputFormat::Json, out);
	auto result = monitor(fake, *stream, options, *f, [] { return false; });
	ASSERT_FALSE(result);
	EXPECT_EQ(result.error().errnum(), ENOSPC);
	EXPECT_EQ(printed(), (std::vector<std::int64_t>{100}));
}

TEST(SeqFile, ReadWrite)
{
	TempDir dir;
	const auto path = dir.path() / "monitor.seq";
	EXPECT_EQ(read_seq_file(path).value(), std::nullopt);
	memplug::test::write_file(path, "");
	EXPECT_EQ(read_seq_file(path).value(), std::nullopt);

	ASSERT_TRUE(write_seq_file(path, 42));
	EXPECT_EQ(memplug::test::read_file(path), "42\n");
	EXPECT_EQ(read_seq_file(path).value(), 42u);
	ASSERT_TRUE(write_seq_file(path, 18446744073709551615u));
	EXPECT_EQ(read_seq_file(path).value(), 18446744073709551615u);
	// Replaced by rename: no temporary file stays.
	EXPECT_FALSE(std::filesystem::exists(dir.path() / "monitor.seq.tmp"));

	memplug::test::write_file(path, "x1\n");
	auto bad = read_seq_file(path);
	ASSERT_FALSE(bad);
	EXPECT_EQ(bad.error().kind(), ErrorKind::Usage);
	EXPECT_NE(bad.error().message().find(path.string()), std::string::npos);

	// A directory that cannot take the temporary file.
	auto unwritable = write_seq_file(dir.path() / "no" / "such" / "monitor.seq", 1);
	ASSERT_FALSE(unwritable);
	EXPECT_EQ(unwritable.error().errnum(), ENOENT);
}
