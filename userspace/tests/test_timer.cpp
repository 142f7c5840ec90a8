// SPDX-License-Identifier: GPL-2.0
#include <cerrno>
#include <csignal>
#include <ctime>

#include <gtest/gtest.h>

#include "memplug/timer.hpp"

using namespace memplug;
using namespace std::chrono_literals;

namespace {

// Sleeps like a kernel loop that checks for signals: returns true when a
// signal cut the sleep short.
bool interrupted_sleep(std::chrono::seconds limit)
{
	timespec ts{};
	ts.tv_sec = static_cast<time_t>(limit.count());
	return nanosleep(&ts, nullptr) < 0 && errno == EINTR;
}

} // namespace

TEST(InterruptTimer, InterruptsABlockingCall)
{
	InterruptTimer timer;
	ASSERT_TRUE(timer.arm(50ms).ok());
	EXPECT_FALSE(timer.fired());
	EXPECT_TRUE(interrupted_sleep(10s));
	EXPECT_TRUE(timer.fired());
	timer.disarm();
}

TEST(InterruptTimer, RestoresTheDisposition)
{
	struct sigaction before {};
	sigaction(SIGALRM, nullptr, &before);
	{
		InterruptTimer timer;
		ASSERT_TRUE(timer.arm(10s).ok());
		struct sigaction during {};
		sigaction(SIGALRM, nullptr, &during);
		EXPECT_NE(during.sa_handler, before.sa_handler);
		EXPECT_EQ(during.sa_flags & SA_RESTART, 0);
	}
	struct sigaction after {};
	sigaction(SIGALRM, nullptr, &after);
	EXPECT_EQ(after.sa_handler, before.sa_handler);
}

TEST(InterruptTimer, KeepsFiringUntilDisarmed)
{
	InterruptTimer timer;
	ASSERT_TRUE(timer.arm(10ms).ok());
	EXPECT_TRUE(interrupted_sleep(10s));
	// A signal handled just before entering the kernel is followed by
	// another one.
	EXPECT_TRUE(interrupted_sleep(10s));
	timer.disarm();
	timer.disarm();
	EXPECT_TRUE(timer.fired());
}

TEST(InterruptTimer, DoesNotFireEarly)
{
	InterruptTimer timer;
	ASSERT_TRUE(timer.arm(10s).ok());
	timespec ts{0, 20 * 1000 * 1000};
	EXPECT_EQ(nanosleep(&ts, nullptr), 0);
	EXPECT_FALSE(timer.fired());
}
