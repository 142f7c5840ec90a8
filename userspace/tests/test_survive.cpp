// SPDX-License-Identifier: GPL-2.0
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <pthread.h>
#include <unistd.h>

#include "signals.hpp"
#include "survive.hpp"
#include "test_util.hpp"

using namespace memplug;
using namespace memplug::cli;
using memplug::test::TempDir;

namespace {

std::string slurp(const std::filesystem::path &p)
{
	std::ifstream in(p);
	return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST(SurviveKill, ReturnsTheChildsStatusAndItsEffects)
{
	TempDir dir;
	const auto file = dir.path() / "done";
	const pid_t me = getpid();
	const int status = run_surviving_kill([&] {
		std::ofstream(file) << (getpid() != me ? "child" : "same process");
		return 5;
	});
	EXPECT_EQ(status, 5);
	EXPECT_EQ(slurp(file), "child");
}

TEST(SurviveKill, TheChildHasASessionOfItsOwn)
{
	TempDir dir;
	const auto file = dir.path() / "sid";
	run_surviving_kill([&] {
		std::ofstream(file) << (getsid(0) == getpid() ? "own" : "shared");
		return 0;
	});
	EXPECT_EQ(slurp(file), "own");
}

// SIGTERM to memplugctl reaches the command, which sees a stop request
// and ends as it chooses.
TEST(SurviveKill, SigtermIsPassedOn)
{
	const pid_t parent = getpid();
	const int status = run_surviving_kill([&] {
		StopSignals signals;
		if (!signals.install(false).ok())
			return 2;
		kill(parent, SIGTERM);
		for (int i = 0; i < 500 && !StopSignals::requested(); i++)
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		return StopSignals::requested() ? 7 : 3;
	});
	EXPECT_EQ(status, 7);
}

// A SIGTERM that arrives before the child exists (here: pending at the
// fork, because the caller blocks it) is passed on as soon as the child
// does. One that came between fork() and the parent learning the child's
// pid used to meet a handler with nobody to pass it to, and was lost.
TEST(SurviveKill, SigtermBeforeTheChildExistsIsPassedOn)
{
	sigset_t term, old;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &term, &old), 0);
	raise(SIGTERM);

	const int status = run_surviving_kill([&] {
		// With the caller's mask it waits until the command is ready.
		StopSignals signals;
		if (!signals.install(false).ok())
			return 2;
		for (int i = 0; i < 500 && !StopSignals::requested(); i++)
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		return StopSignals::requested() ? 7 : 3;
	});
	EXPECT_EQ(status, 7);

	// It went to the child, not stayed here.
	sigset_t pending;
	sigpending(&pending);
	const bool left = sigismember(&pending, SIGTERM) == 1;
	EXPECT_FALSE(left);
	if (left) {
		const timespec none{};
		sigtimedwait(&term, nullptr, &none);
	}
	pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

// A SIGTERM passed on before the command has set up its own handling meets
// the caller's disposition, here the default, and ends the child as it
// would end a single process. The child used to inherit the passing-on
// handler, with no child of its own to pass it to, and ignore it.
TEST(SurviveKill, SigtermBeforeTheCommandIsReadyActsAsInOneProcess)
{
	struct sigaction dfl {
	}, old{};
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	ASSERT_EQ(sigaction(SIGTERM, &dfl, &old), 0);

	const pid_t parent = getpid();
	const int status = run_surviving_kill([&] {
		kill(parent, SIGTERM);
		for (int i = 0; i < 500; i++)
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		return 3;
	});
	EXPECT_EQ(status, 128 + SIGTERM);
	sigaction(SIGTERM, &old, nullptr);
}
