// SPDX-License-Identifier: GPL-2.0
#include <cerrno>

#include <gtest/gtest.h>

#include "memplug/sysfs.hpp"
#include "test_util.hpp"

using namespace memplug;
using memplug::test::read_file;
using memplug::test::TempDir;
using memplug::test::write_file;

TEST(Sysfs, BlockIdAndPath)
{
	constexpr std::uint64_t bs = std::uint64_t{128} << 20;
	EXPECT_EQ(MemorySysfs::block_id(0x40000000, bs), 8u);
	EXPECT_EQ(MemorySysfs::block_id(0x47ffffff, bs), 8u);
	EXPECT_EQ(MemorySysfs::block_id(0x48000000, bs), 9u);
	EXPECT_EQ(MemorySysfs::block_id(std::uint64_t{1} << 40, std::uint64_t{2} << 30), 512u);

	const MemorySysfs sys;
	EXPECT_EQ(sys.root(), "/sys/devices/system/memory");
	EXPECT_EQ(sys.state_path(8), "/sys/devices/system/memory/memory8/state");
	const MemorySysfs other("/tmp/x");
	EXPECT_EQ(other.state_path(123), "/tmp/x/memory123/state");
}

TEST(Sysfs, ReadAndWriteState)
{
	TempDir dir;
	write_file(dir.path() / "memory8" / "state", "offline\n");
	const MemorySysfs sys(dir.path());

	EXPECT_EQ(sys.read_state(8).value(), "offline");
	ASSERT_TRUE(sys.write_state(8, "online_movable").ok());
	// One write of exactly the word, as the kernel's store expects.
	EXPECT_EQ(read_file(dir.path() / "memory8" / "state"), "online_movable");
	EXPECT_EQ(sys.read_state(8).value(), "online_movable");
}

TEST(Sysfs, WriteErrorsCarryErrnoAndBlock)
{
	TempDir dir;
	const MemorySysfs sys(dir.path());

	auto missing = sys.write_state(9, "online");
	ASSERT_FALSE(missing.ok());
	EXPECT_EQ(missing.error().errnum(), ENOENT);
	EXPECT_NE(missing.error().message().find("memory block 9"), std::string::npos);
	EXPECT_NE(missing.error().message().find("(ENOENT)"), std::string::npos);

	std::filesystem::create_directories(dir.path() / "memory10" / "state");
	auto isdir = sys.write_state(10, "online_kernel");
	ASSERT_FALSE(isdir.ok());
	EXPECT_EQ(isdir.error().errnum(), EISDIR);
	EXPECT_NE(isdir.error().message().find("\"online_kernel\""), std::string::npos);

	EXPECT_FALSE(sys.read_state(11).ok());
}

TEST(Sysfs, BlockSizeAndAutoOnline)
{
	TempDir dir;
	const MemorySysfs sys(dir.path());
	EXPECT_FALSE(sys.block_size().ok());

	write_file(dir.path() / "block_size_bytes", "8000000\n");
	EXPECT_EQ(sys.block_size().value(), std::uint64_t{128} << 20);
	write_file(dir.path() / "block_size_bytes", "80000000\n");
	EXPECT_EQ(sys.block_size().value(), std::uint64_t{2} << 30);

	for (const char *bad : {"", "0\n", "zz\n", "0x8000000\n", "11111111111111111\n"}) {
		write_file(dir.path() / "block_size_bytes", bad);
		auto r = sys.block_size();
		ASSERT_FALSE(r.ok()) << bad;
		EXPECT_EQ(r.error().errnum(), EPROTO);
	}

	write_file(dir.path() / "auto_online_blocks", "offline\n");
	EXPECT_EQ(sys.auto_online_blocks().value(), "offline");
}
