// SPDX-License-Identifier: GPL-2.0
#include <cerrno>

#include <gtest/gtest.h>

#include "memplug/host.hpp"
#include "memplug/tiers.hpp"
#include "test_util.hpp"

using namespace memplug;
using memplug::test::TempDir;
using memplug::test::write_file;
using Nodes = std::vector<std::uint32_t>;

TEST(Nodelist, KernelFormat)
{
	EXPECT_EQ(parse_nodelist(""), Nodes{});
	EXPECT_EQ(parse_nodelist("\n"), Nodes{}) << "a tier or mask without nodes";
	EXPECT_EQ(parse_nodelist("0\n"), Nodes{0});
	EXPECT_EQ(parse_nodelist("0-1,3\n"), (Nodes{0, 1, 3}));
	EXPECT_EQ(parse_nodelist("0-1,3"), (Nodes{0, 1, 3}));
	EXPECT_EQ(parse_nodelist("2,4-6,9"), (Nodes{2, 4, 5, 6, 9}));
	EXPECT_EQ(parse_nodelist("7-7"), Nodes{7});
	EXPECT_EQ(parse_nodelist("1023"), Nodes{1023});
	EXPECT_EQ(parse_nodelist("65535"), Nodes{65535});
	EXPECT_EQ(parse_nodelist("65534-65535"), (Nodes{65534, 65535}));
}

TEST(Nodelist, RefusesWhatTheKernelDoesNotPrint)
{
	for (const char *bad : {"x",       "-1",
				"1-",      "-",
				",",       "0,",
				",0",      "0,,1",
				"3-1",     "1,0",
				"0,0",     "0-2,2",
				"0-2,1-3", "01",
				"0x1",     " 0",
				"0 ",      "0\n\n",
				"1\n2",    "65536",
				"0-65536", "99999999999999999999",
				"1:2",     "0-7:2/4"}) {
		EXPECT_FALSE(parse_nodelist(bad)) << '"' << bad << '"';
	}
}

TEST(Nodelist, FormatsAsTheKernelDoes)
{
	EXPECT_EQ(format_nodelist({}), "");
	EXPECT_EQ(format_nodelist({0}), "0");
	EXPECT_EQ(format_nodelist({0, 1, 3}), "0-1,3");
	EXPECT_EQ(format_nodelist({0, 2, 3, 4, 7, 8}), "0,2-4,7-8");
	for (const char *text : {"0-3", "1,3,5", "0-1,4-7,9", "12"})
		EXPECT_EQ(format_nodelist(parse_nodelist(text).value()), text);
}

TEST(Nodelist, ReadsAFile)
{
	TempDir dir;
	const HostFiles files = HostFiles::under(dir.path());
	EXPECT_EQ(files.node_has_memory, dir.path() / "sys/devices/system/node/has_memory");
	EXPECT_EQ(HostFiles().node_has_memory, "/sys/devices/system/node/has_memory");

	auto missing = read_nodelist(files.node_has_memory);
	ASSERT_FALSE(missing.ok());
	EXPECT_EQ(missing.error().errnum(), ENOENT);

	write_file(files.node_has_memory, "0-1\n");
	EXPECT_EQ(read_nodelist(files.node_has_memory).value(), (Nodes{0, 1}));

	write_file(files.node_has_memory, "0-\n");
	auto bad = read_nodelist(files.node_has_memory);
	ASSERT_FALSE(bad.ok());
	EXPECT_EQ(bad.error().errnum(), EPROTO);
	EXPECT_NE(bad.error().message().find("has_memory: unexpected content \"0-\""),
		  std::string::npos)
		<< bad.error().message();
}

TEST(MemoryTier, AbstractDistances)
{
	EXPECT_EQ(memory_tier_of(0), 0u);
	EXPECT_EQ(memory_tier_of(127), 0u);
	EXPECT_EQ(memory_tier_of(128), 1u);
	EXPECT_EQ(memory_tier_of(kDramAdistance), 4u);
	EXPECT_EQ(memory_tier_of(2880), 22u) << "dax/kmem's default";
	EXPECT_EQ(memory_tier_of(MEMPLUG_ADISTANCE_MAX), 255u);

	const MemoryTier dram{4, {0}};
	EXPECT_EQ(dram.adistance_min(), 512u);
	EXPECT_EQ(dram.adistance_max(), 639u);
	EXPECT_TRUE(dram.dram());
	const MemoryTier slow{22, {1}};
	EXPECT_EQ(slow.adistance_min(), 2816u);
	EXPECT_EQ(slow.adistance_max(), 2943u);
	EXPECT_FALSE(slow.dram());
	const MemoryTier last{UINT32_MAX >> kMemtierChunkBits, {}};
	EXPECT_EQ(last.adistance_max(), UINT32_MAX) << "no overflow";
}

namespace {

// A sysfs tree with memory_tiering under a temporary directory.
class Tiers : public ::testing::Test {
protected:
	Tiers()
	    : files(HostFiles::under(dir.path()))
	{
	}

	void tier(const std::string &name, const std::string &nodelist)
	{
		write_file(files.memory_tiering / name / "nodelist", nodelist);
	}

	TempDir dir;
	HostFiles files;
};

} // namespace

TEST_F(Tiers, FastestFirst)
{
	EXPECT_EQ(files.memory_tiering, dir.path() / "sys/devices/virtual/memory_tiering");
	EXPECT_EQ(HostFiles().memory_tiering, "/sys/devices/virtual/memory_tiering");
	tier("memory_tier22", "2-3\n");
	tier("memory_tier4", "0-1\n");
	tier("memory_tier100", "\n");
	// What else the directory may hold.
	write_file(files.memory_tiering / "uevent", "");
	write_file(files.memory_tiering / "power" / "control", "auto\n");
	write_file(files.memory_tiering / "memory_tierx" / "nodelist", "9\n");
	write_file(files.memory_tiering / "memory_tier04" / "nodelist", "9\n");

	const auto tiers = read_memory_tiers(files.memory_tiering).value();
	const std::vector<MemoryTier> expected = {{4, {0, 1}}, {22, {2, 3}}, {100, {}}};
	EXPECT_EQ(tiers, expected);
	EXPECT_EQ(node_tier(tiers, 0), 4u);
	EXPECT_EQ(node_tier(tiers, 3), 22u);
	EXPECT_FALSE(node_tier(tiers, 9));
}

TEST_F(Tiers, NoneWithoutTheDirectory)
{
	const auto tiers = read_memory_tiers(files.memory_tiering);
	ASSERT_TRUE(tiers.ok()) << tiers.error().message();
	EXPECT_TRUE(tiers->empty());
	EXPECT_FALSE(node_tier(*tiers, 0));

	// A kernel with memory tiers but none registered yet.
	std::filesystem::create_directories(files.memory_tiering);
	EXPECT_TRUE(read_memory_tiers(files.memory_tiering).value().empty());
}

TEST_F(Tiers, ABrokenTierIsAnError)
{
	tier("memory_tier4", "0-1\n");
	tier("memory_tier22", "one\n");
	auto bad = read_memory_tiers(files.memory_tiering);
	ASSERT_FALSE(bad.ok());
	EXPECT_EQ(bad.error().errnum(), EPROTO);
	EXPECT_NE(bad.error().message().find("memory_tier22/nodelist"), std::string::npos)
		<< bad.error().message();

	std::filesystem::remove_all(files.memory_tiering / "memory_tier22");
	std::filesystem::create_directories(files.memory_tiering / "memory_tier22");
	bad = read_memory_tiers(files.memory_tiering);
	ASSERT_FALSE(bad.ok());
	EXPECT_EQ(bad.error().errnum(), ENOENT);

	// The root is a file, not a directory.
	std::filesystem::remove_all(files.memory_tiering);
	write_file(files.memory_tiering, "");
	bad = read_memory_tiers(files.memory_tiering);
	ASSERT_FALSE(bad.ok());
	EXPECT_EQ(bad.error().errnum(), ENOTDIR);
}

TEST(NodeTiers, NodesWithMemoryAndMemplugsTypes)
{
	const std::vector<MemoryTier> tiers = {{4, {0}}, {22, {1, 2}}};
	const std::vector<MemType> memtypes = {{2, 2880, 2}, {5, 1000, 1}};
	const std::vector<NodeTier> got = node_tiers({1, 0}, tiers, memtypes);
	const std::vector<NodeTier> expected = {
		{0, 4u, std::nullopt, 0},
		{1, 22u, std::nullopt, 0},
		{2, 22u, 2880u, 2},
		{5, std::nullopt, 1000u, 1},
	};
	EXPECT_EQ(got, expected);

	EXPECT_TRUE(node_tiers({}, tiers, {}).empty());
	EXPECT_EQ(node_tiers({0, 0}, {}, {{0, 576, 1}}),
		  (std::vector<NodeTier>{{0, std::nullopt, 576u, 1}}));
}
