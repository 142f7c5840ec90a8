// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "exit_code.hpp"
#include "memplug/parse.hpp"

using namespace memplug;
using memplug::cli::exit_code;
using memplug::cli::ExitCode;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;

template <typename T>
void expect_usage_error(const Result<T> &r, const std::string &needle = {})
{
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().kind(), ErrorKind::Usage);
	EXPECT_EQ(exit_code(r.error()), ExitCode::Usage);
	if (!needle.empty()) {
		EXPECT_NE(r.error().message().find(needle), std::string::npos)
			<< r.error().message();
	}
}

} // namespace

TEST(ParseAddress, AcceptsHexWithPrefix)
{
	EXPECT_EQ(parse_address("0x0").value(), 0u);
	EXPECT_EQ(parse_address("0x40000000").value(), 0x40000000u);
	EXPECT_EQ(parse_address("0X1f").value(), 0x1fu);
	EXPECT_EQ(parse_address("0x0000000040000000").value(), 0x40000000u);
	EXPECT_EQ(parse_address("0xffffffffffffffff").value(), UINT64_MAX);
	// A hex digit, not a "byte" suffix as CLI::AsSizeValue would read it.
	EXPECT_EQ(parse_address("0x1B").value(), 0x1bu);
}

TEST(ParseAddress, RefusesEverythingElse)
{
	expect_usage_error(parse_address(""), "empty");
	expect_usage_error(parse_address("0x"), "no hex digits");
	expect_usage_error(parse_address("40000000"), "0x");
	expect_usage_error(parse_address("010"), "0x");
	expect_usage_error(parse_address("-1"), "sign");
	expect_usage_error(parse_address("-0x1"), "sign");
	expect_usage_error(parse_address("+0x1"), "sign");
	expect_usage_error(parse_address("0x-1"));
	expect_usage_error(parse_address("0x1G"), "trailing");
	expect_usage_error(parse_address("0x10000000000000000"), "64 bits");
	expect_usage_error(parse_address(" 0x1"));
	expect_usage_error(parse_address("0x1 "));
	expect_usage_error(parse_address("0xg"));
	expect_usage_error(parse_address("x10"));
}

TEST(ParseSize, AcceptsDecimalHexAndSuffixes)
{
	EXPECT_EQ(parse_size("0").value(), 0u);
	EXPECT_EQ(parse_size("1").value(), 1u);
	EXPECT_EQ(parse_size("536870912").value(), 512 * kMiB);
	EXPECT_EQ(parse_size("512M").value(), 512 * kMiB);
	EXPECT_EQ(parse_size("512m").value(), 512 * kMiB);
	EXPECT_EQ(parse_size("4K").value(), 4096u);
	EXPECT_EQ(parse_size("4k").value(), 4096u);
	EXPECT_EQ(parse_size("1G").value(), 1024 * kMiB);
	EXPECT_EQ(parse_size("2T").value(), std::uint64_t{2} << 40);
	EXPECT_EQ(parse_size("0x20000000").value(), 512 * kMiB);
	EXPECT_EQ(parse_size("0x10M").value(), 16 * kMiB);
	EXPECT_EQ(parse_size("0x1B").value(), 0x1bu);
	EXPECT_EQ(parse_size("18446744073709551615").value(), UINT64_MAX);
	EXPECT_EQ(parse_size("16777215T").value(), std::uint64_t{16777215} << 40);
}

TEST(ParseSize, AcceptsIecSuffixes)
{
	EXPECT_EQ(parse_size("4KiB").value(), 4096u);
	EXPECT_EQ(parse_size("4kiB").value(), 4096u);
	EXPECT_EQ(parse_size("512MiB").value(), 512 * kMiB);
	EXPECT_EQ(parse_size("1GiB").value(), 1024 * kMiB);
	EXPECT_EQ(parse_size("2TiB").value(), std::uint64_t{2} << 40);
	EXPECT_EQ(parse_size("0x10MiB").value(), 16 * kMiB);
	EXPECT_EQ(parse_size("16777215TiB").value(), std::uint64_t{16777215} << 40);
	expect_usage_error(parse_size("16777216TiB"), "too large");
}

TEST(ParseSize, AcceptsExactDecimals)
{
	EXPECT_EQ(parse_size("1.5G").value(), 1536 * kMiB);
	EXPECT_EQ(parse_size("0.5GiB").value(), 512 * kMiB);
	EXPECT_EQ(parse_size("0.25K").value(), 256u);
	EXPECT_EQ(parse_size("2.125M").value(), 2176u * 1024);
	EXPECT_EQ(parse_size("1.0").value(), 1u);
	EXPECT_EQ(parse_size("0.0").value(), 0u);
	// Trailing zeros do not count against exactness.
	EXPECT_EQ(parse_size("1.50000000000000000000000000G").value(), 1536 * kMiB);
	// 2^-40 T is one byte.
	EXPECT_EQ(parse_size("0.5T").value(), std::uint64_t{1} << 39);
	EXPECT_EQ(parse_size("16777215.5T").value(),
		  (std::uint64_t{16777215} << 40) + (1ull << 39));
	EXPECT_EQ(parse_size("0.0009765625K").value(), 1u);
}

TEST(ParseSize, RefusesInexactDecimals)
{
	expect_usage_error(parse_size("1.3K"), "not a whole number of bytes");
	expect_usage_error(parse_size("0.5"), "not a whole number of bytes");
	expect_usage_error(parse_size("0.1G"), "not a whole number of bytes");
	expect_usage_error(parse_size("0.00000000000000000001T"), "too many decimals");
	expect_usage_error(parse_size("1."), "no digits after the decimal point");
	expect_usage_error(parse_size("1.G"), "no digits after the decimal point");
	expect_usage_error(parse_size(".5G"), "not a number");
	expect_usage_error(parse_size("01.5G"), "leading zeros");
	expect_usage_error(parse_size("1.5.5G"), "suffix");
	expect_usage_error(parse_size("1,5G"), "suffix");
	expect_usage_error(parse_size("0x1.8G"), "no fractions in hex");
	expect_usage_error(parse_size("16777215.9999T"), "not a whole number");
	expect_usage_error(parse_size("16777216.5T"), "too large");
	expect_usage_error(parse_size("18446744073709551615.5"), "not a whole number");
	expect_usage_error(parse_size("18446744073709551615.5K"), "too large");
}

TEST(ParseSize, RefusesAmbiguousAndBroken)
{
	expect_usage_error(parse_size(""), "empty");
	expect_usage_error(parse_size("010"), "leading zeros");
	expect_usage_error(parse_size("00"), "leading zeros");
	expect_usage_error(parse_size("-1"), "sign");
	expect_usage_error(parse_size("+1"), "sign");
	expect_usage_error(parse_size("1Q"), "suffix");
	expect_usage_error(parse_size("1KB"), "write KiB or K");
	expect_usage_error(parse_size("1GB"), "write GiB or G");
	expect_usage_error(parse_size("1gb"), "ambiguous");
	expect_usage_error(parse_size("1Mb"), "ambiguous");
	expect_usage_error(parse_size("1KIB"), "suffix");
	expect_usage_error(parse_size("1Kib"), "suffix");
	expect_usage_error(parse_size("1i"), "suffix");
	expect_usage_error(parse_size("1GiBs"), "suffix");
	expect_usage_error(parse_size("1 G"), "suffix");
	expect_usage_error(parse_size("0x"), "no hex digits");
	expect_usage_error(parse_size("0xM"), "no hex digits");
	expect_usage_error(parse_size("M"), "not a number");
	expect_usage_error(parse_size("18446744073709551616"), "too large");
	expect_usage_error(parse_size("16777216T"), "too large");
	expect_usage_error(parse_size("0x10000000000000000"), "too large");
	expect_usage_error(parse_size("0xffffffffffffffffK"), "too large");
}

TEST(ParseU32, PlainDecimalOnly)
{
	EXPECT_EQ(parse_u32("0", "node").value(), 0u);
	EXPECT_EQ(parse_u32("7", "node").value(), 7u);
	EXPECT_EQ(parse_u32("4294967295", "id").value(), UINT32_MAX);
	expect_usage_error(parse_u32("4294967296", "id"), "too large");
	expect_usage_error(parse_u32("99999999999999999999999", "id"), "too large");
	expect_usage_error(parse_u32("010", "node"), "leading zeros");
	expect_usage_error(parse_u32("-1", "node"), "sign");
	expect_usage_error(parse_u32("0x1", "node"), "decimal");
	expect_usage_error(parse_u32("1a", "node"), "decimal");
	expect_usage_error(parse_u32("", "node"), "empty");
	expect_usage_error(parse_u32(" 1", "node"));
	expect_usage_error(parse_u32("x", "range id"), "invalid range id");
}

TEST(ParseU64, Bounds)
{
	EXPECT_EQ(parse_u64("18446744073709551615", "seq").value(), UINT64_MAX);
	expect_usage_error(parse_u64("18446744073709551616", "seq"), "too large");
}

TEST(ParseOnlineType, Words)
{
	EXPECT_EQ(parse_online_type("none").value(), OnlineType::None);
	EXPECT_EQ(parse_online_type("online").value(), OnlineType::Online);
	EXPECT_EQ(parse_online_type("kernel").value(), OnlineType::Kernel);
	EXPECT_EQ(parse_online_type("movable").value(), OnlineType::Movable);
	expect_usage_error(parse_online_type("Movable"));
	expect_usage_error(parse_online_type("online_movable"));
	expect_usage_error(parse_online_type(""));
}

TEST(ParseZonePolicy, Words)
{
	EXPECT_EQ(parse_zone_policy("movable").value(), ZonePolicy::Movable);
	EXPECT_EQ(parse_zone_policy("kernel").value(), ZonePolicy::Kernel);
	EXPECT_EQ(parse_zone_policy("any").value(), ZonePolicy::Any);
	expect_usage_error(parse_zone_policy("normal"));
	expect_usage_error(parse_zone_policy(""));
}

TEST(ParseTier, WordsAndAbstractDistances)
{
	EXPECT_EQ(parse_tier("auto").value(), (TierRequest{Tier::Auto, std::nullopt}));
	EXPECT_EQ(parse_tier("dram").value(), (TierRequest{Tier::Dram, std::nullopt}));
	EXPECT_EQ(parse_tier("slow").value(), (TierRequest{Tier::Slow, std::nullopt}));
	EXPECT_EQ(parse_tier("1").value(), (TierRequest{Tier::Adistance, 1u}));
	EXPECT_EQ(parse_tier("576").value(), (TierRequest{Tier::Adistance, 576u}));
	EXPECT_EQ(parse_tier("2880").value(), (TierRequest{Tier::Adistance, 2880u}));
	EXPECT_EQ(parse_tier("32767").value(), (TierRequest{Tier::Adistance, 32767u}));
	EXPECT_EQ(static_cast<std::uint32_t>(Tier::Adistance), MEMPLUG_TIER_ADISTANCE);
	EXPECT_EQ(tier_name(MEMPLUG_TIER_AUTO), "auto");
	EXPECT_EQ(tier_name(MEMPLUG_TIER_ADISTANCE), "adistance");
	EXPECT_EQ(tier_name(0), "unknown(0)");
}

TEST(ParseTier, RefusesWithTheAcceptedForms)
{
	const std::string forms =
		"expected auto, dram, slow or an abstract distance from 1 to 32767";
	for (const char *bad : {"0",     "32768", "99999999999999999999999",
				"-1",    "-576",  "+576",
				"0576",  "00",    "0x240",
				"576.0", "5 76",  " 576",
				"1e3",   "",      "Dram",
				"DRAM",  "fast",  "adistance",
				"tier4", "auto "}) {
		SCOPED_TRACE(bad);
		expect_usage_error(parse_tier(bad),
				   "invalid tier \"" + std::string(bad) + "\": " + forms);
	}
}

TEST(ParseTimeout, Seconds)
{
	EXPECT_EQ(parse_timeout("10").value(), 10000ms);
	EXPECT_EQ(parse_timeout("0.5").value(), 500ms);
	EXPECT_EQ(parse_timeout("1.25").value(), 1250ms);
	EXPECT_EQ(parse_timeout("0.001").value(), 1ms);
	EXPECT_EQ(parse_timeout("1000000").value(), 1000000000ms);
	expect_usage_error(parse_timeout("0"), "positive");
	expect_usage_error(parse_timeout("0.0"), "positive");
	expect_usage_error(parse_timeout("-1"));
	expect_usage_error(parse_timeout("1."));
	expect_usage_error(parse_timeout(".5"));
	expect_usage_error(parse_timeout("1.2345"));
	expect_usage_error(parse_timeout("010"));
	expect_usage_error(parse_timeout("1e3"));
	expect_usage_error(parse_timeout("1000001"));
	expect_usage_error(parse_timeout(""));
}

TEST(ParseExclude, InclusiveStartEnd)
{
	Exclude ex = parse_exclude("0x40200000-0x403fffff").value();
	EXPECT_EQ(ex.start, 0x40200000u);
	EXPECT_EQ(ex.size, 2 * kMiB);
	ex = parse_exclude("0x40200000-0x40200fff").value();
	EXPECT_EQ(ex.size, 4096u);
	ex = parse_exclude("0X1000-0X1FFF").value();
	EXPECT_EQ(ex.start, 0x1000u);
	EXPECT_EQ(ex.size, 4096u);
	ex = parse_exclude("0x100000000000-0x1000ffffffff").value();
	EXPECT_EQ(ex.size, std::uint64_t{1} << 32);
}

TEST(ParseExclude, RefusesOtherSpellings)
{
	expect_usage_error(parse_exclude("0x40200000"), "START-END");
	expect_usage_error(parse_exclude("0x40200000:2M"), "START-END");
	expect_usage_error(parse_exclude("0x40200000-"), "empty");
	expect_usage_error(parse_exclude("-0x403fffff"), "empty");
	expect_usage_error(parse_exclude("1000-1fff"), "0x");
	expect_usage_error(parse_exclude("0x1000-2M"), "0x");
	expect_usage_error(parse_exclude("0x1000-0x1fff-0x2fff"), "trailing");
	expect_usage_error(parse_exclude("0x2000-0x1fff"), "below");
	expect_usage_error(parse_exclude("0x1001-0x1fff"), "page aligned");
	expect_usage_error(parse_exclude("0x1000-0x2000"), "last byte");
	expect_usage_error(parse_exclude("0x1000-0x1ffe"), "last byte");
	expect_usage_error(parse_exclude("0x0-0xffffffffffffffff"), "last byte");
	expect_usage_error(parse_exclude(" 0x1000-0x1fff"));
}
