// SPDX-License-Identifier: GPL-2.0
//
// Strict parsers for everything memplugctl reads from its command line.
// They refuse anything ambiguous instead of guessing:
//
// - Addresses are hexadecimal and must carry "0x": 0x40000000.
// - Sizes are bytes, decimal (536870912) or hexadecimal with "0x"
//   (0x20000000), optionally followed by one of K, M, G, T (either case)
//   or KiB, MiB, GiB, TiB, binary multiples: 512M = 512MiB = 512 * 2^20.
//   KB, MB, GB, TB are refused: SI reads them as powers of ten. A decimal
//   size may have a fraction when the result is a whole number of bytes
//   (1.5G, 0.5GiB; not 1.3K, which is 1331.2 bytes); hex never has one.
// - Ids, nodes and other counts are plain decimal.
// - Decimal numbers never start with 0 unless they are 0: "010" is refused
//   rather than read as 8 (octal, as strtoull's base 0 would) or 10.
// - No signs, no spaces, no empty strings, nothing that overflows 64 bits.
//
// Every failure is an Error of kind Usage naming the text and the reason.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "memplug/error.hpp"
#include "memplug/types.hpp"

namespace memplug {

Result<std::uint64_t> parse_address(std::string_view text);
// Hex digits as the kernel prints them in /proc/iomem and sysfs: no "0x",
// nothing else, no overflow; nothing otherwise.
std::optional<std::uint64_t> parse_kernel_hex(std::string_view text);
Result<std::uint64_t> parse_size(std::string_view text);
// @what names the value in the error ("range id", "node").
Result<std::uint32_t> parse_u32(std::string_view text, std::string_view what);
Result<std::uint64_t> parse_u64(std::string_view text, std::string_view what);
// none | online | kernel | movable
Result<OnlineType> parse_online_type(std::string_view text);
// movable | kernel | any
Result<ZonePolicy> parse_zone_policy(std::string_view text);
// auto | dram | slow | an abstract distance, decimal, 1 to
// MEMPLUG_ADISTANCE_MAX (Tier::Adistance with it).
Result<TierRequest> parse_tier(std::string_view text);
// Positive seconds, decimal, at most three fractional digits: 10, 0.5.
Result<std::chrono::milliseconds> parse_timeout(std::string_view text);
// START-END, both physical addresses with 0x, END inclusive and page
// aligned: START % 4096 == 0 and (END + 1) % 4096 == 0, e.g.
// 0x40200000-0x403fffff. Whether it lies inside the range, how many there
// are and overlaps are the kernel's to judge.
Result<Exclude> parse_exclude(std::string_view text);

} // namespace memplug
