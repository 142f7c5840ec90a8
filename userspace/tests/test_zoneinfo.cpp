// SPDX-License-Identifier: GPL-2.0
#include <cerrno>

#include <gtest/gtest.h>

#include "memplug/zoneinfo.hpp"

using namespace memplug;

namespace {

constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;

// Shaped like a 6.1 guest with 3 GiB and 1 GiB of movable memory plugged,
// cut down: per-node stats, pagesets and an unpopulated zone included.
constexpr const char *kZoneinfo = R"(Node 0, zone      DMA
  per-node stats
      nr_inactive_anon 1024
      nr_managed_something 7
  pages free     3840
        boost    0
        min      23
        low      28
        high     33
        spanned  4095
        present  3998
        managed  3840
        cma      0
        protection: (0, 1908, 1908, 2932, 2932)
      nr_free_pages 3840
  pagesets
    cpu: 0
              count: 0
  node_unreclaimable:  0
  start_pfn:           1
Node 0, zone    DMA32
  pages free     400000
        boost    0
        spanned  1044480
        present  520000
        managed  500000
        cma      0
Node 0, zone   Normal
  pages free     0
        boost    0
        spanned  0
        present  0
        managed  0
        cma      0
        protection: (0, 0, 0, 0, 0)
Node 0, zone  Movable
  pages free     262144
        managed  262144
Node 0, zone   Device
  pages free     0
        managed  0
Node 1, zone   Normal
  pages free     100
        managed  262144
)";

} // namespace

TEST(Zoneinfo, ParsesManagedPerZone)
{
	const auto zones = parse_zoneinfo(kZoneinfo).value();
	const std::vector<ZoneManaged> expected = {
		{0, "DMA", 3840},       {0, "DMA32", 500000}, {0, "Normal", 0},
		{0, "Movable", 262144}, {0, "Device", 0},     {1, "Normal", 262144},
	};
	EXPECT_EQ(zones, expected);
}

TEST(Zoneinfo, SumsKernelZonesAndMovablePerNode)
{
	const auto nodes = node_memory(parse_zoneinfo(kZoneinfo).value(), 4096);
	ASSERT_EQ(nodes.size(), 2u);
	EXPECT_EQ(nodes[0].node, 0u);
	EXPECT_EQ(nodes[0].kernel_bytes, (3840u + 500000u) * 4096u);
	EXPECT_EQ(nodes[0].movable_bytes, kGiB);
	ASSERT_TRUE(nodes[0].movable_ratio());
	EXPECT_NEAR(*nodes[0].movable_ratio(), 1073741824.0 / (503840.0 * 4096.0), 1e-9);
	EXPECT_EQ(nodes[1].kernel_bytes, kGiB);
	EXPECT_EQ(nodes[1].movable_bytes, 0u); // no Movable zone at all
	EXPECT_EQ(nodes[1].movable_ratio(), 0.0);
}

TEST(Zoneinfo, EmptyAndMalformed)
{
	EXPECT_TRUE(parse_zoneinfo("").value().empty());
	auto bad = parse_zoneinfo("Node x, zone DMA\n  managed 1\n");
	ASSERT_FALSE(bad.ok());
	EXPECT_EQ(bad.error().errnum(), EPROTO);
	EXPECT_NE(bad.error().message().find("line 1"), std::string::npos);
	bad = parse_zoneinfo("Node 0, zone DMA\n        managed  lots\n");
	ASSERT_FALSE(bad.ok());
	EXPECT_NE(bad.error().message().find("line 2"), std::string::npos);
	bad = parse_zoneinfo("Node 0 zone DMA\n");
	EXPECT_FALSE(bad.ok());
	// A managed line outside a section is not ours to judge.
	EXPECT_TRUE(parse_zoneinfo("        managed  5\n").value().empty());
}

TEST(Zoneinfo, SumsSaturateInsteadOfWrapping)
{
	// 2^52 pages of 4 KiB are 2^64 bytes: wrapped, that was no movable
	// memory at all and a ratio of 0.
	const std::vector<ZoneManaged> zones = {
		{0, "DMA32", std::uint64_t{1} << 51},
		{0, "Normal", std::uint64_t{1} << 51},
		{0, "Movable", std::uint64_t{1} << 52},
		{1, "Normal", 1},
		{1, "Movable", 1},
	};
	const auto nodes = node_memory(zones, 4096);
	ASSERT_EQ(nodes.size(), 2u);
	EXPECT_EQ(nodes[0].kernel_bytes, UINT64_MAX);
	EXPECT_EQ(nodes[0].movable_bytes, UINT64_MAX);
	EXPECT_EQ(nodes[1].kernel_bytes, 4096u);

	const std::vector<NodeMemory> full = {{1, kGiB, UINT64_MAX - 1}};
	const MovableRatio r = movable_ratio_after(full, 1, kGiB);
	EXPECT_EQ(r.movable_bytes, UINT64_MAX);
	EXPECT_TRUE(r.exceeds());
}

TEST(MovableRatio, AfterAPlug)
{
	const std::vector<NodeMemory> nodes = {{0, 2 * kGiB, kGiB}, {1, kGiB, 0}};

	MovableRatio r = movable_ratio_after(nodes, 0, 4 * kGiB);
	EXPECT_EQ(r.movable_bytes, 5 * kGiB);
	EXPECT_EQ(r.ratio, 2.5);
	EXPECT_FALSE(r.exceeds());

	r = movable_ratio_after(nodes, 0, 5 * kGiB);
	EXPECT_EQ(r.ratio, 3.0);
	EXPECT_FALSE(r.exceeds()) << "3.0 itself is allowed";

	r = movable_ratio_after(nodes, 1, 4 * kGiB);
	EXPECT_EQ(r.ratio, 4.0);
	EXPECT_TRUE(r.exceeds());
	EXPECT_EQ(r.describe(4 * kGiB),
		  "onlining 4G into ZONE_MOVABLE on node 1 makes its movable memory 4.00 times "
		  "its kernel-zone memory (movable 4G after the plug, kernel 1G; limit 3.0)");

	// Just above the limit never reads as the limit itself.
	MovableRatio just = r;
	just.ratio = 3.003;
	EXPECT_TRUE(just.exceeds());
	EXPECT_NE(just.describe(kGiB).find(" 3.0030 times "), std::string::npos)
		<< just.describe(kGiB);

	// A node without memory so far (a memory-only node) has no bound.
	r = movable_ratio_after(nodes, 2, kGiB);
	EXPECT_FALSE(r.ratio);
	EXPECT_TRUE(r.exceeds());
	EXPECT_EQ(r.describe(kGiB), "onlining 1G into ZONE_MOVABLE on node 2, which has no memory "
				    "in kernel zones, leaves the kernel nothing there (movable 1G "
				    "after the plug)");
}
