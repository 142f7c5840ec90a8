// SPDX-License-Identifier: GPL-2.0
//
// parse_size() (plug --size) against a reference reading of its grammar:
// 0x hex, or decimal without leading zeros and with an optional fraction
// that comes to whole bytes; an optional K, M, G or T, or KiB, MiB, GiB or
// TiB; nothing above 2^64 - 1. An accepted size, written back the ways
// memplugctl writes sizes (decimal, hex, human_size()), reads the same.
#include <optional>
#include <string>

#include "fuzz.hpp"
#include "memplug/format.hpp"
#include "memplug/parse.hpp"

using namespace memplug;

namespace {

using U128 = unsigned __int128;
constexpr U128 kMax = ~std::uint64_t{0};

std::optional<std::uint64_t> reference(std::string_view s)
{
	unsigned base = 10;
	if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s.remove_prefix(2);
	}
	if (s.size() >= 2 && s.substr(s.size() - 2) == "iB") {
		s.remove_suffix(2);
		if (s.empty() ||
		    std::string_view("kKmMgGtT").find(s.back()) == std::string_view::npos)
			return std::nullopt;
	}
	unsigned shift = 0;
	if (!s.empty()) {
		switch (s.back()) {
		case 'k':
		case 'K':
			shift = 10;
			break;
		case 'm':
		case 'M':
			shift = 20;
			break;
		case 'g':
		case 'G':
			shift = 30;
			break;
		case 't':
		case 'T':
			shift = 40;
			break;
		}
		if (shift != 0)
			s.remove_suffix(1);
	}
	// A decimal may have a fraction: whole.fraction, digits on both sides.
	std::string_view fraction;
	if (const auto dot = s.find('.'); base == 10 && dot != std::string_view::npos) {
		fraction = s.substr(dot + 1);
		s = s.substr(0, dot);
		if (fraction.empty())
			return std::nullopt;
	}
	if (s.empty() || (base == 10 && s.size() > 1 && s[0] == '0'))
		return std::nullopt;
	U128 v = 0;
	for (char c : s) {
		const int d = fuzz::ref_digit(c, base);
		if (d < 0)
			return std::nullopt;
		v = v * base + static_cast<unsigned>(d);
		if (v > kMax)
			return std::nullopt;
	}
	v <<= shift;
	if (v > kMax)
		return std::nullopt;
	// The fraction's bytes digit by digit: 0.d1d2... * 2^shift is whole
	// when the remainder of the long division ends at 0.
	for (char c : fraction)
		if (fuzz::ref_digit(c, 10) < 0)
			return std::nullopt;
	while (!fraction.empty() && fraction.back() == '0')
		fraction.remove_suffix(1);
	if (fraction.size() > 19)
		return std::nullopt;
	U128 num = 0, den = 1;
	for (char c : fraction) {
		num = num * 10 + static_cast<unsigned>(c - '0');
		den *= 10;
	}
	num <<= shift;
	if (num % den != 0)
		return std::nullopt;
	v += num / den;
	if (v > kMax)
		return std::nullopt;
	return static_cast<std::uint64_t>(v);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	const std::string_view text = fuzz::as_text(data, size);
	const auto got = parse_size(text);
	FUZZ_CHECK(fuzz::agrees(got, reference(text)));
	if (!got)
		return 0;

	const std::uint64_t v = *got;
	FUZZ_CHECK(fuzz::is(parse_size(std::to_string(v)), v));
	FUZZ_CHECK(fuzz::is(parse_size(hex(v)), v));
	const std::string human = human_size(v);
	if (human.find('.') == std::string::npos) // exact: "512M", "100"
		FUZZ_CHECK(fuzz::is(parse_size(human), v));
	// A plain decimal is a size and a u64 alike.
	const auto as_u64 = parse_u64(text, "number");
	if (as_u64)
		FUZZ_CHECK(*as_u64 == v);
	return 0;
}
