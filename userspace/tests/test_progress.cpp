// SPDX-License-Identifier: GPL-2.0
#include <sstream>

#include <gtest/gtest.h>

#include "memplug/progress.hpp"

using namespace memplug;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;
constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;

Progress unplugging(std::uint32_t done)
{
	Progress p;
	p.what = "unplugging range 3";
	p.done = done;
	p.total = 512;
	p.bytes_total = 64 * kGiB;
	p.bytes_done = p.bytes_total / p.total * done;
	return p;
}

} // namespace

TEST(ProgressText, BlocksSizesRateAndTimeLeft)
{
	EXPECT_EQ(progress_text(unplugging(120), 2.1 * static_cast<double>(kGiB)),
		  "unplugging range 3: 120/512 blocks, 15.0/64.0 GiB, 2.1 GiB/s, about 24 s left");
	// Nothing to go by yet: no rate, no time left.
	EXPECT_EQ(progress_text(unplugging(0), std::nullopt),
		  "unplugging range 3: 0/512 blocks, 0.0/64.0 GiB");
	EXPECT_EQ(progress_text(unplugging(0), 0.0),
		  "unplugging range 3: 0/512 blocks, 0.0/64.0 GiB");
	// Done: no time left to say.
	EXPECT_EQ(progress_text(unplugging(512), 4.0 * static_cast<double>(kGiB)),
		  "unplugging range 3: 512/512 blocks, 64.0/64.0 GiB, 4.0 GiB/s");
	// Slow: MiB/s, and minutes.
	EXPECT_EQ(progress_text(unplugging(8), 100.0 * static_cast<double>(kMiB)),
		  "unplugging range 3: 8/512 blocks, 1.0/64.0 GiB, 100 MiB/s, about 11 min left");

	Progress small;
	small.what = "plugging range 1";
	small.done = 1;
	small.total = 4;
	small.bytes_done = 128 * kMiB;
	small.bytes_total = 512 * kMiB;
	EXPECT_EQ(progress_text(small, 256.0 * static_cast<double>(kMiB)),
		  "plugging range 1: 1/4 blocks, 128.0/512.0 MiB, 256 MiB/s, about 2 s left");
	small.bytes_total = 0;
	EXPECT_EQ(progress_text(small, 1.0), "plugging range 1: 1/4 blocks");
}

TEST(ProgressLine, ShownAfterASecondAtMostFiveTimesASecond)
{
	std::ostringstream out;
	const auto t0 = ProgressLine::Clock::now();
	const std::string second = "\runplugging range 3: 110/512 blocks, 13.8/64.0 GiB, "
				   "10.4 GiB/s, about 5 s left";
	{
		ProgressLine line(out, true, t0);
		line.update(unplugging(10), t0 + 100ms);
		line.update(unplugging(60), t0 + 900ms);
		EXPECT_EQ(out.str(), "") << "a quick operation shows nothing";

		// 50 blocks of 128 MiB in 1.0 s since the first report.
		line.update(unplugging(60), t0 + 1100ms);
		const std::string first = "\runplugging range 3: 60/512 blocks, 7.5/64.0 GiB, 6.2 "
					  "GiB/s, about 10 s left";
		EXPECT_EQ(out.str(), first);
		line.update(unplugging(61), t0 + 1200ms);
		EXPECT_EQ(out.str(), first) << "not again within 200 ms";

		line.update(unplugging(110), t0 + 1300ms);
		EXPECT_EQ(out.str(), first + second);
	}
	// Erased when it goes: spaces over the last line, the cursor back.
	const std::string all = out.str();
	const std::string erase = "\r" + std::string(second.size() - 1, ' ') + "\r";
	ASSERT_GE(all.size(), erase.size());
	EXPECT_EQ(all.substr(all.size() - erase.size()), erase);
}

TEST(ProgressLine, AShorterLineCoversTheLongerOne)
{
	std::ostringstream out;
	const auto t0 = ProgressLine::Clock::now();
	ProgressLine line(out, true, t0);
	Progress p;
	p.what = "plugging range 12";
	p.done = 10;
	p.total = 100;
	line.update(p, t0 + 2s);
	p.what = "rolling back range 12";
	line.update(p, t0 + 3s);
	p.what = "plugging 1";
	line.update(p, t0 + 4s);
	EXPECT_EQ(out.str(), "\rplugging range 12: 10/100 blocks"
			     "\rrolling back range 12: 10/100 blocks"
			     "\rplugging 1: 10/100 blocks" +
				     std::string(11, ' '));
	line.clear();
	line.clear();
	EXPECT_EQ(out.str().substr(out.str().size() - 27), "\r" + std::string(25, ' ') + "\r")
		<< "erased once, as wide as the last line";
}

TEST(ProgressLine, DisabledShowsNothing)
{
	std::ostringstream out;
	const auto t0 = ProgressLine::Clock::now();
	{
		ProgressLine line(out, false, t0);
		line.update(unplugging(60), t0 + 5s);
		line.clear();
	}
	EXPECT_EQ(out.str(), "");
}
