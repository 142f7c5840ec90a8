// SPDX-License-Identifier: GPL-2.0
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <unistd.h>

#include "memplug/signals.hpp"
#include "memplug/survive.hpp"
#include "test_util.hpp"

using namespace memplug;
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
