// SPDX-License-Identifier: GPL-2.0
#include <cerrno>

#include <gtest/gtest.h>

#include "memplug/host.hpp"
#include "memplug/iomem.hpp"
#include "test_util.hpp"

using namespace memplug;
using memplug::test::TempDir;
using memplug::test::write_file;

namespace {

constexpr std::uint64_t kBlock = std::uint64_t{128} << 20;

// The test VM's /proc/iomem with one range plugged (memmap=1G!1G), as
// modules before the claim left it: memplug's memory directly in the
// region.
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

// The same with the claim: the memory nests in "memplug range 3". Range 4
// was plugged with memmap-on-memory (a resource per block), range 5 with
// --force into firmware-reserved memory.
constexpr const char *kVmClaimed = R"(00000000-00000fff : Reserved
00001000-0009fbff : System RAM
00100000-3fffffff : System RAM
40000000-7fffffff : Persistent Memory (legacy)
  40000000-4fffffff : memplug range 3
    40000000-4fffffff : System RAM (memplug)
  50000000-5fffffff : memplug range 4
    50000000-57ffffff : System RAM (memplug)
    58000000-5fffffff : System RAM (memplug)
80000000-bffdffff : System RAM
fd00000000-ffffffffff : Reserved
  fe00000000-fe7fffffff : memplug range 5
    fe00000000-fe7fffffff : System RAM (memplug)
)";

// A CXL window with a committed region (part of it plugged by memplug), a
// region not committed, and room outside both; a second window whose
// region dax/kmem holds.
constexpr const char *kCxl = R"(1050000000-144fffffff : CXL Window 0
  1050000000-108fffffff : region0
    1050000000-105fffffff : memplug range 1
      1050000000-105fffffff : System RAM (memplug)
  1090000000-10cfffffff : region1
1450000000-164fffffff : CXL Window 1
  1450000000-154fffffff : region2
    1450000000-154fffffff : dax2.0
      1450000000-154fffffff : System RAM (kmem)
)";

// "type reason" of each candidate, for failure messages.
std::vector<std::string> seen(const std::vector<Candidate> &c)
{
	std::vector<std::string> out;
	for (const auto &x : c)
		out.push_back(x.type + " " + x.reason.value_or("usable"));
	return out;
}

std::vector<Candidate> candidates(const char *text, std::vector<Range> ranges = {},
				  std::vector<std::string> committed = {})
{
	return find_candidates(parse_iomem(text).value(), kBlock, ranges, committed);
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
	EXPECT_FALSE(c[5].needs_force) << "--force does not make it bigger";
	// Firmware's 12 GiB at the top is whole blocks, but whether anything
	// is behind them only the firmware knows: memplug wants --force.
	EXPECT_EQ(c[6].start, 0xfd00000000u);
	EXPECT_EQ(c[6].end, 0xffffffffffu);
	EXPECT_FALSE(c[6].usable);
	EXPECT_TRUE(c[6].needs_force);
	EXPECT_EQ(c[6].reason, kReservedNeedsForce);
	EXPECT_EQ(c[6].size, std::uint64_t{12} << 30);
	EXPECT_FALSE(c[3].needs_force);
	EXPECT_FALSE(c[4].needs_force);
}

TEST(Candidates, ClaimsNameTheirRanges)
{
	// No ranges from the module: the claims say whose memory it is.
	const auto c = candidates(kVmClaimed);
	ASSERT_EQ(c.size(), 7u) << ::testing::PrintToString(seen(c));

	EXPECT_EQ(c[0].reason, "too small");
	EXPECT_EQ(c[1].start, 0x40000000u);
	EXPECT_EQ(c[1].end, 0x4fffffffu);
	EXPECT_EQ(c[1].type, "Persistent Memory (legacy)");
	EXPECT_FALSE(c[1].usable);
	EXPECT_FALSE(c[1].needs_force);
	EXPECT_EQ(c[1].reason, "plugged by memplug (range 3)");
	EXPECT_EQ(c[1].range, 3u);
	// Per-block memory inside one claim: one entry, the claim's.
	EXPECT_EQ(c[2].start, 0x50000000u);
	EXPECT_EQ(c[2].end, 0x5fffffffu);
	EXPECT_EQ(c[2].reason, "plugged by memplug (range 4)");
	EXPECT_EQ(c[2].range, 4u);
	EXPECT_TRUE(c[3].usable);
	EXPECT_EQ(c[3].start, 0x60000000u);
	EXPECT_EQ(c[3].end, 0x7fffffffu);

	// Around a forced plug in firmware-reserved memory.
	EXPECT_EQ(c[4].start, 0xfd00000000u);
	EXPECT_EQ(c[4].end, 0xfdffffffffu);
	EXPECT_TRUE(c[4].needs_force);
	EXPECT_EQ(c[5].start, 0xfe00000000u);
	EXPECT_EQ(c[5].reason, "plugged by memplug (range 5)");
	EXPECT_EQ(c[5].type, "Reserved");
	EXPECT_FALSE(c[5].needs_force);
	EXPECT_EQ(c[6].start, 0xfe80000000u);
	EXPECT_EQ(c[6].end, 0xffffffffffu);
	EXPECT_TRUE(c[6].needs_force);
	EXPECT_EQ(c[6].reason, kReservedNeedsForce);

	for (const auto &x : c)
		EXPECT_EQ(x.reason.value_or("").find("busy"), std::string::npos) << x.start;

	// The claim's id wins over what the module's ranges would say.
	const auto again = candidates(kVmClaimed, {range(9, 0x40000000, 0x10000000)});
	EXPECT_EQ(again[1].range, 3u);
}

TEST(Candidates, MalformedClaimFallsBackToTheModulesRanges)
{
	const char *text = "40000000-7fffffff : Soft Reserved\n"
			   "  40000000-4fffffff : memplug range x\n"
			   "    40000000-4fffffff : System RAM (memplug)\n";
	auto c = candidates(text);
	ASSERT_EQ(c.size(), 2u);
	EXPECT_EQ(c[0].reason, "plugged by memplug");
	EXPECT_FALSE(c[0].range);
	c = candidates(text, {range(6, 0x40000000, 0x10000000)});
	EXPECT_EQ(c[0].reason, "plugged by memplug (range 6)");
}

TEST(Candidates, OnlyMemoryWithoutAClaimNeedsTheModule)
{
	EXPECT_TRUE(needs_range_ids(parse_iomem(kVm).value()));
	EXPECT_FALSE(needs_range_ids(parse_iomem(kVmClaimed).value()));
	EXPECT_FALSE(needs_range_ids(parse_iomem(kCxl).value()));
	EXPECT_FALSE(needs_range_ids(
		parse_iomem("40000000-7fffffff : Persistent Memory (legacy)\n").value()));
}

TEST(Candidates, CxlWindowsAndRegions)
{
	const auto entries = parse_iomem(kCxl).value();
	EXPECT_FALSE(is_cxl_region(entries, 0));
	EXPECT_TRUE(is_cxl_region(entries, 1));
	EXPECT_FALSE(is_cxl_region(entries, 2)) << "a claim inside a region";
	EXPECT_EQ(cxl_regions(entries),
		  (std::vector<std::string>{"region0", "region1", "region2"}));

	const auto c = candidates(kCxl, {}, {"region0", "region2"});
	ASSERT_EQ(c.size(), 6u) << ::testing::PrintToString(seen(c));

	// The committed region: memplug's part and the usable rest.
	EXPECT_EQ(c[0].type, "CXL region0");
	EXPECT_EQ(c[0].start, 0x1050000000u);
	EXPECT_EQ(c[0].end, 0x105fffffffu);
	EXPECT_EQ(c[0].reason, "plugged by memplug (range 1)");
	EXPECT_EQ(c[1].type, "CXL region0");
	EXPECT_EQ(c[1].start, 0x1060000000u);
	EXPECT_EQ(c[1].end, 0x108fffffffu);
	EXPECT_TRUE(c[1].usable);
	EXPECT_FALSE(c[1].needs_force);
	EXPECT_FALSE(c[1].reason);

	// The region not committed.
	EXPECT_EQ(c[2].type, "CXL region1");
	EXPECT_EQ(c[2].start, 0x1090000000u);
	EXPECT_EQ(c[2].end, 0x10cfffffffu);
	EXPECT_FALSE(c[2].usable);
	EXPECT_TRUE(c[2].needs_force);
	EXPECT_EQ(c[2].reason, kCxlRegionNotCommitted);

	// The window around its regions.
	EXPECT_EQ(c[3].type, "CXL Window 0");
	EXPECT_EQ(c[3].start, 0x10d0000000u);
	EXPECT_EQ(c[3].end, 0x144fffffffu);
	EXPECT_FALSE(c[3].usable);
	EXPECT_TRUE(c[3].needs_force);
	EXPECT_EQ(c[3].reason, kCxlWindowNeedsForce);

	// A committed region that dax/kmem holds, and the rest of its window.
	EXPECT_EQ(c[4].type, "CXL region2");
	EXPECT_EQ(c[4].reason, "busy: claimed by dax2.0");
	EXPECT_FALSE(c[4].needs_force);
	EXPECT_EQ(c[5].type, "CXL Window 1");
	EXPECT_EQ(c[5].start, 0x1550000000u);
	EXPECT_TRUE(c[5].needs_force);

	// Nothing committed: region0's free part needs --force too.
	const auto none = candidates(kCxl);
	EXPECT_TRUE(none[1].needs_force);
	EXPECT_EQ(none[1].reason, kCxlRegionNotCommitted);
	EXPECT_EQ(none[0].reason, "plugged by memplug (range 1)");
}

TEST(Candidates, RegionsOnlyCountInsideACxlWindow)
{
	const auto c = candidates("1000000000-1fffffffff : PCI Bus 0000:00\n"
				  "  1000000000-10ffffffff : region0\n"
				  "2000000000-2fffffffff : Soft Reserved\n"
				  "  2000000000-20ffffffff : region1\n",
				  {}, {"region0", "region1"});
	ASSERT_EQ(c.size(), 2u) << ::testing::PrintToString(seen(c));
	EXPECT_EQ(c[0].type, "Soft Reserved");
	EXPECT_EQ(c[0].reason, "busy: claimed by region1");
	EXPECT_TRUE(c[1].usable);
	EXPECT_TRUE(cxl_regions(parse_iomem("1000000000-1fffffffff : CXL Window 0\n"
					    "  1000000000-10ffffffff : region12\n"
					    "  1100000000-11ffffffff : regionx\n")
					.value()) == std::vector<std::string>{"region12"});
}

TEST(Host, CxlRegionCommitted)
{
	TempDir dir;
	const HostFiles files = HostFiles::under(dir.path());
	EXPECT_EQ(files.cxl_devices, dir.path() / "sys/bus/cxl/devices");
	EXPECT_EQ(HostFiles().cxl_devices, "/sys/bus/cxl/devices");
	write_file(files.cxl_devices / "region0" / "commit", "1\n");
	write_file(files.cxl_devices / "region1" / "commit", "0\n");
	EXPECT_TRUE(cxl_region_committed(files, "region0"));
	EXPECT_FALSE(cxl_region_committed(files, "region1"));
	EXPECT_FALSE(cxl_region_committed(files, "region2")) << "no such region";
	EXPECT_FALSE(cxl_region_committed(files, "../region0"));
	EXPECT_FALSE(cxl_region_committed(files, ""));
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
	EXPECT_FALSE(low[0].needs_force);

	const auto top = candidates("ffffffff00000000-ffffffffffffffff : Soft Reserved\n");
	ASSERT_EQ(top.size(), 1u);
	EXPECT_TRUE(top[0].usable);
	EXPECT_EQ(top[0].end, UINT64_MAX);
	EXPECT_EQ(top[0].size, std::uint64_t{1} << 32);

	const auto reserved = candidates("fffffffe08000001-ffffffffffffffff : Reserved\n");
	ASSERT_EQ(reserved.size(), 1u);
	EXPECT_FALSE(reserved[0].usable);
	EXPECT_TRUE(reserved[0].needs_force);
	EXPECT_EQ(reserved[0].start, 0xfffffffe10000000u) << "trimmed as a usable part is";
	EXPECT_EQ(reserved[0].end, UINT64_MAX);
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
	// region of its own, and its parent offers what is around it, with
	// --force.
	ASSERT_EQ(c.size(), 4u) << ::testing::PrintToString(seen);
	EXPECT_EQ(c[0].type, "Reserved");
	EXPECT_EQ(c[0].start, 0x100000000u);
	EXPECT_EQ(c[0].end, 0x13fffffffu);
	EXPECT_FALSE(c[0].usable);
	EXPECT_TRUE(c[0].needs_force);
	EXPECT_EQ(c[0].reason, kReservedNeedsForce);
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
	EXPECT_TRUE(c[3].needs_force);
}
