// SPDX-License-Identifier: GPL-2.0
#include <cerrno>

#include <gtest/gtest.h>

#include "memplug/iomem.hpp"

using namespace memplug;

namespace {

constexpr std::uint64_t kBlock = std::uint64_t{128} << 20;

// The test VM's /proc/iomem with one range plugged (memmap=1G!1G).
constexpr const char *kVm = R"(00000000-00000fff : Reserved
00001000-0009fbff : System RAM
0009fc00-0009ffff : Reserved
000a0000-000bffff : PCI Bus 0000:00
000c0000-000c99ff : Video ROM
000f0000-000fffff : Reserved
  000f0000-000fffff : System ROM
00100000-3fffffff : System RAM
  0e000000-0ec02fff : Kernel code
40000000-7fffffff : Persistent Memory (legacy)
  40000000-4fffffff : System RAM (memplug)
80000000-bffdffff : System RAM
bffe0000-bfffffff : Reserved
fd00000000-ffffffffff : Reserved
)";

std::vector<Candidate> candidates(const char *text, std::vector<Range> ranges = {})
{
	return find_candidates(parse_iomem(text).value(), kBlock, ranges);
}

Range range(std::uint32_t id, std::uint64_t start, std::uint64_t size)
{
	Range r;
	r.id = id;
	r.start = start;
	r.size = size;
	return r;
}

} // namespace

TEST(Iomem, ParsesNestingAndWideAddresses)
{
	const auto e = parse_iomem(kVm).value();
	ASSERT_EQ(e.size(), 14u);
	EXPECT_EQ(e[0].start, 0u);
	EXPECT_EQ(e[0].end, 0xfffu);
	EXPECT_EQ(e[0].name, "Reserved");
	EXPECT_EQ(e[0].parent, -1);
	EXPECT_EQ(e[6].name, "System ROM");
	EXPECT_EQ(e[6].indent, 2u);
	EXPECT_EQ(e[6].parent, 5);
	EXPECT_EQ(e[10].name, "System RAM (memplug)");
	EXPECT_EQ(e[10].parent, 9);
	EXPECT_EQ(e[13].start, 0xfd00000000u);
	EXPECT_EQ(e[13].end, 0xffffffffffu);
	EXPECT_FALSE(iomem_hidden(e));
}

TEST(Iomem, DeepAndOddNesting)
{
	const auto e = parse_iomem("1000000000-1fffffffff : Soft Reserved\n"
				   "  1000000000-1fffffffff : dax1.0\n"
				   "    1000000000-107fffffff : System RAM (kmem)\n"
				   "   1080000000-10ffffffff : odd : name - with : colons\n"
				   "ffffffff00000000-ffffffffffffffff : Reserved\r\n"
				   "\n")
			       .value();
	ASSERT_EQ(e.size(), 5u);
	EXPECT_EQ(e[2].indent, 4u);
	EXPECT_EQ(e[2].parent, 1);
	EXPECT_EQ(e[3].name, "odd : name - with : colons");
	EXPECT_EQ(e[3].parent, 1) << "3 spaces nest under the 2-space entry";
	EXPECT_EQ(e[4].end, UINT64_MAX);
	EXPECT_EQ(e[4].name, "Reserved");
}

TEST(Iomem, Malformed)
{
	for (const char *bad : {"40000000 : x\n", "40000000-3fffffff : x\n", "zz-ff : x\n",
				"0-1fffffffffffffffff : x\n", "0-ff\n"}) {
		auto r = parse_iomem(bad);
		ASSERT_FALSE(r.ok()) << bad;
		EXPECT_EQ(r.error().errnum(), EPROTO);
		EXPECT_NE(r.error().message().find("line 1"), std::string::npos);
	}
}

TEST(Iomem, HiddenFromUnprivileged)
{
	const auto e = parse_iomem("00000000-00000000 : Reserved\n"
				   "00000000-00000000 : System RAM\n"
				   "  00000000-00000000 : Kernel code\n")
			       .value();
	EXPECT_TRUE(iomem_hidden(e));
	EXPECT_FALSE(iomem_hidden({}));
}

TEST(Candidates, TheTestVm)
{
	const auto c = candidates(kVm, {range(3, 0x40000000, 0x10000000)});
	// Small Reserved regions are listed as too small; the System ROM
	// fills its Reserved parent.
	std::vector<std::string> seen;
	for (const auto &x : c)
		seen.push_back(x.type + " " + x.reason.value_or("usable"));
	ASSERT_EQ(c.size(), 7u) << ::testing::PrintToString(seen);

	EXPECT_EQ(c[0].start, 0u);
	EXPECT_EQ(c[0].reason, "too small");
	EXPECT_EQ(c[2].reason, "busy: claimed by System ROM");
	EXPECT_EQ(c[2].start, 0xf0000u);

	EXPECT_EQ(c[3].type, "Persistent Memory (legacy)");
	EXPECT_EQ(c[3].start, 0x40000000u);
	EXPECT_EQ(c[3].end, 0x4fffffffu);
	EXPECT_FALSE(c[3].usable);
	EXPECT_EQ(c[3].reason, "plugged by memplug (range 3)");
	EXPECT_EQ(c[3].range, 3u);

	EXPECT_EQ(c[4].start, 0x50000000u);
	EXPECT_EQ(c[4].end, 0x7fffffffu);
	EXPECT_EQ(c[4].size, 0x30000000u);
	EXPECT_TRUE(c[4].usable);
	EXPECT_FALSE(c[4].reason);
	EXPECT_FALSE(c[4].range);

	EXPECT_EQ(c[5].reason, "too small"); // bffe0000-bfffffff
	// Firmware's 12 GiB at the top is whole blocks: that it is a candidate
	// says nothing about what is behind it.
	EXPECT_EQ(c[6].start, 0xfd00000000u);
	EXPECT_EQ(c[6].end, 0xffffffffffu);
	EXPECT_TRUE(c[6].usable);
	EXPECT_EQ(c[6].size, std::uint64_t{12} << 30);
}

TEST(Candidates, TrimsInwardToBlocks)
{
	const auto c = candidates("40001000-7fffefff : Persistent Memory\n");
	ASSERT_EQ(c.size(), 1u);
	EXPECT_EQ(c[0].start, 0x48000000u);
	EXPECT_EQ(c[0].end, 0x77ffffffu);
	EXPECT_EQ(c[0].size, 6 * kBlock);
	EXPECT_TRUE(c[0].usable);

	const auto small = candidates("40001000-47ffffff : Soft Reserved\n");
	ASSERT_EQ(small.size(), 1u);
	EXPECT_FALSE(small[0].usable);
	EXPECT_EQ(small[0].reason, "too small");
	EXPECT_EQ(small[0].start, 0x40001000u) << "too small parts keep their own bounds";
	EXPECT_EQ(small[0].size, 0x7fff000u);

	const auto low = candidates("00000000-0009ffff : Reserved\n");
	ASSERT_EQ(low.size(), 1u);
	EXPECT_EQ(low[0].reason, "too small");

	const auto top = candidates("ffffffff00000000-ffffffffffffffff : Reserved\n");
	ASSERT_EQ(top.size(), 1u);
	EXPECT_TRUE(top[0].usable);
	EXPECT_EQ(top[0].end, UINT64_MAX);
	EXPECT_EQ(top[0].size, std::uint64_t{1} << 32);
}

TEST(Candidates, PartlyClaimedRegionsOfferTheRest)
{
	const auto c = candidates("100000000-2ffffffff : Persistent Memory\n"
				  "  100000000-17fffffff : namespace0.0\n"
				  "  200000000-2001fffff : dax1.0\n"
				  "300000000-33fffffff : Soft Reserved\n"
				  "  300000000-33fffffff : dax0.0\n"
				  "    300000000-33fffffff : System RAM (kmem)\n");
	ASSERT_EQ(c.size(), 5u);
	EXPECT_EQ(c[0].reason, "busy: claimed by namespace0.0");
	EXPECT_EQ(c[0].size, std::uint64_t{2} << 30);
	EXPECT_TRUE(c[1].usable);
	EXPECT_EQ(c[1].start, 0x180000000u);
	EXPECT_EQ(c[1].end, 0x1ffffffffu);
	EXPECT_EQ(c[2].reason, "busy: claimed by dax1.0");
	EXPECT_TRUE(c[3].usable);
	EXPECT_EQ(c[3].start, 0x208000000u) << "trimmed up past the 2 MiB claim";
	EXPECT_EQ(c[3].end, 0x2ffffffffu);
	EXPECT_EQ(c[4].type, "Soft Reserved");
	EXPECT_EQ(c[4].reason, "busy: claimed by dax0.0");
	EXPECT_FALSE(c[4].usable);
	EXPECT_EQ(c[4].size, std::uint64_t{1} << 30) << "nothing of it is free";
}

TEST(Candidates, NestedReservedAndOtherParents)
{
	const auto c = candidates("e0000000-efffffff : PCI MMCONFIG 0000 [bus 00-ff]\n"
				  "  e0000000-efffffff : Reserved\n"
				  "100000000-1ffffffff : Reserved\n"
				  "  140000000-17fffffff : Soft Reserved\n"
				  "    140000000-147ffffff : System RAM (memplug)\n"
				  "    148000000-14fffffff : System RAM (memplug)\n"
				  "    150000000-157ffffff : System RAM (memplug)\n");
	std::vector<std::string> seen;
	for (const auto &x : c)
		seen.push_back(x.type + " " + x.reason.value_or("usable"));
	// Not the Reserved inside PCI MMCONFIG; the nested Soft Reserved is a
	// region of its own, and its parent offers what is around it.
	ASSERT_EQ(c.size(), 4u) << ::testing::PrintToString(seen);
	EXPECT_EQ(c[0].type, "Reserved");
	EXPECT_EQ(c[0].start, 0x100000000u);
	EXPECT_EQ(c[0].end, 0x13fffffffu);
	EXPECT_TRUE(c[0].usable);
	// memmap-on-memory ranges have a resource per block: one entry.
	EXPECT_EQ(c[1].type, "Soft Reserved");
	EXPECT_EQ(c[1].start, 0x140000000u);
	EXPECT_EQ(c[1].end, 0x157ffffffu);
	EXPECT_EQ(c[1].reason, "plugged by memplug");
	EXPECT_FALSE(c[1].range);
	EXPECT_EQ(c[2].type, "Soft Reserved");
	EXPECT_EQ(c[2].start, 0x158000000u);
	EXPECT_EQ(c[2].end, 0x17fffffffu);
	EXPECT_TRUE(c[2].usable);
	EXPECT_EQ(c[3].type, "Reserved");
	EXPECT_EQ(c[3].start, 0x180000000u);
	EXPECT_EQ(c[3].end, 0x1ffffffffu);
	EXPECT_TRUE(c[3].usable);
}
