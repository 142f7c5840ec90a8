// SPDX-License-Identifier: GPL-2.0
#include "memplug/parse.hpp"

#include <limits>
#include <string>

namespace memplug {

namespace {

constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();

Error invalid(std::string_view what, std::string_view text, std::string_view why)
{
	return Error::usage("invalid " + std::string(what) + " \"" + std::string(text) +
			    "\": " + std::string(why));
}

bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool has_hex_prefix(std::string_view text)
{
	return text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

// Reads the longest run of hex digits at the start of @text into @value.
// Returns the number of digits consumed, or -1 on overflow.
int read_hex(std::string_view text, std::uint64_t &value)
{
	value = 0;
	int n = 0;
	for (char c : text) {
		const int d = hex_value(c);
		if (d < 0)
			break;
		if (value > (kU64Max >> 4))
			return -1;
		value = (value << 4) | static_cast<std::uint64_t>(d);
		n++;
	}
	return n;
}

// Same for decimal digits.
int read_dec(std::string_view text, std::uint64_t &value)
{
	value = 0;
	int n = 0;
	for (char c : text) {
		if (!is_digit(c))
			break;
		const auto d = static_cast<std::uint64_t>(c - '0');
		if (value > (kU64Max - d) / 10)
			return -1;
		value = value * 10 + d;
		n++;
	}
	return n;
}

// Common checks of a decimal number: digits only, no sign, no leading zero.
Result<std::uint64_t> parse_decimal(std::string_view text, std::string_view what)
{
	if (text.empty())
		return invalid(what, text, "empty");
	if (text[0] == '-' || text[0] == '+')
		return invalid(what, text, "no sign allowed");
	std::uint64_t value = 0;
	const int n = read_dec(text, value);
	if (n < 0)
		return invalid(what, text, "too large");
	if (n == 0 || static_cast<std::size_t>(n) != text.size())
		return invalid(what, text, "not a decimal number");
	if (n > 1 && text[0] == '0')
		return invalid(what, text, "leading zeros are not allowed");
	return value;
}

} // namespace

std::optional<std::uint64_t> parse_kernel_hex(std::string_view text)
{
	std::uint64_t value = 0;
	const int n = read_hex(text, value);
	if (n <= 0 || static_cast<std::size_t>(n) != text.size())
		return std::nullopt;
	return value;
}

Result<std::uint64_t> parse_address(std::string_view text)
{
	constexpr std::string_view what = "address";
	if (text.empty())
		return invalid(what, text, "empty");
	if (text[0] == '-' || text[0] == '+')
		return invalid(what, text, "no sign allowed");
	if (!has_hex_prefix(text))
		return invalid(what, text, "must be hexadecimal with 0x, e.g. 0x40000000");
	const std::string_view digits = text.substr(2);
	std::uint64_t value = 0;
	const int n = read_hex(digits, value);
	if (n < 0)
		return invalid(what, text, "larger than 64 bits");
	if (n == 0)
		return invalid(what, text, "no hex digits after 0x");
	if (static_cast<std::size_t>(n) != digits.size())
		return invalid(what, text, "trailing characters after the hex digits");
	return value;
}

namespace {

constexpr std::string_view kSizeSuffixes = "use K, M, G, T or KiB, MiB, GiB, TiB";

// The binary multiple a size suffix names: K, M, G, T (either case) or
// KiB, MiB, GiB, TiB, as a shift; nothing for an empty suffix. "KB" and
// the like are refused: SI would read them as powers of ten.
Result<unsigned> size_shift(std::string_view text, std::string_view rest)
{
	constexpr std::string_view what = "size";
	if (rest.empty())
		return 0u;
	// K is 2^10, M 2^20, G 2^30, T 2^40, in either case.
	constexpr std::string_view letters = "KMGT";
	const char letter = static_cast<char>(rest[0] & ~0x20);
	const auto pos = letters.find(letter);
	if (pos == std::string_view::npos)
		return invalid(what, text, "unknown suffix (" + std::string(kSizeSuffixes) + ")");
	const unsigned shift = 10 * static_cast<unsigned>(pos + 1);
	const std::string_view unit = rest.substr(1);
	if (unit.empty() || unit == "iB")
		return shift;
	if (unit == "B" || unit == "b")
		return invalid(what, text,
			       std::string("ambiguous suffix (SI would read it as a power of ten): "
					   "write ") +
				       letter + "iB or " + letter + " for the binary multiple");
	return invalid(what, text, "unknown suffix (" + std::string(kSizeSuffixes) + ")");
}

} // namespace

Result<std::uint64_t> parse_size(std::string_view text)
{
	constexpr std::string_view what = "size";
	if (text.empty())
		return invalid(what, text, "empty");
	if (text[0] == '-' || text[0] == '+')
		return invalid(what, text, "no sign allowed");

	std::uint64_t value = 0;
	std::string_view rest;
	// The decimal fraction after a ".", without its trailing zeros.
	std::string_view fraction;
	if (has_hex_prefix(text)) {
		const std::string_view digits = text.substr(2);
		const int n = read_hex(digits, value);
		if (n < 0)
			return invalid(what, text, "too large");
		if (n == 0)
			return invalid(what, text, "no hex digits after 0x");
		rest = digits.substr(static_cast<std::size_t>(n));
		if (!rest.empty() && rest[0] == '.')
			return invalid(what, text,
				       "no fractions in hex (write 0x... without a point, "
				       "or a decimal such as 1.5G)");
	} else {
		const int n = read_dec(text, value);
		if (n < 0)
			return invalid(what, text, "too large");
		if (n == 0)
			return invalid(what, text, "not a number");
		if (n > 1 && text[0] == '0')
			return invalid(what, text,
				       "leading zeros are not allowed (write 10 or 0x10, not 010)");
		rest = text.substr(static_cast<std::size_t>(n));
		if (!rest.empty() && rest[0] == '.') {
			std::size_t digits = 1;
			while (digits < rest.size() && is_digit(rest[digits]))
				digits++;
			if (digits == 1)
				return invalid(what, text, "no digits after the decimal point");
			fraction = rest.substr(1, digits - 1);
			rest = rest.substr(digits);
			while (!fraction.empty() && fraction.back() == '0')
				fraction.remove_suffix(1);
		}
	}

	auto shift = size_shift(text, rest);
	if (!shift)
		return std::move(shift).error();
	if (value > (kU64Max >> *shift))
		return invalid(what, text, "too large");
	value <<= *shift;
	if (fraction.empty())
		return value;

	// value + 0.fraction * 2^shift bytes, which must be a whole number:
	// fraction * 2^shift divisible by 10^digits. 19 digits keep both
	// below 2^128.
	if (fraction.size() > 19)
		return invalid(what, text, "not a whole number of bytes (too many decimals)");
	using U128 = unsigned __int128;
	U128 numerator = 0;
	U128 denominator = 1;
	for (char c : fraction) {
		numerator = numerator * 10 + static_cast<unsigned>(c - '0');
		denominator *= 10;
	}
	numerator <<= *shift;
	if (numerator % denominator != 0)
		return invalid(what, text,
			       "not a whole number of bytes (write it in a smaller unit, "
			       "or in bytes)");
	const auto part = static_cast<std::uint64_t>(numerator / denominator);
	if (value > kU64Max - part)
		return invalid(what, text, "too large");
	return value + part;
}

Result<std::uint64_t> parse_u64(std::string_view text, std::string_view what)
{
	return parse_decimal(text, what);
}

Result<std::uint32_t> parse_u32(std::string_view text, std::string_view what)
{
	auto value = parse_decimal(text, what);
	if (!value)
		return std::move(value).error();
	if (*value > std::numeric_limits<std::uint32_t>::max())
		return invalid(what, text, "too large");
	return static_cast<std::uint32_t>(*value);
}

Result<OnlineType> parse_online_type(std::string_view text)
{
	if (text == "none")
		return OnlineType::None;
	if (text == "online")
		return OnlineType::Online;
	if (text == "kernel")
		return OnlineType::Kernel;
	if (text == "movable")
		return OnlineType::Movable;
	return invalid("online type", text, "expected none, online, kernel or movable");
}

Result<ZonePolicy> parse_zone_policy(std::string_view text)
{
	if (text == "movable")
		return ZonePolicy::Movable;
	if (text == "kernel")
		return ZonePolicy::Kernel;
	if (text == "any")
		return ZonePolicy::Any;
	return invalid("zone", text, "expected movable, kernel or any");
}

Result<TierRequest> parse_tier(std::string_view text)
{
	if (text == "auto")
		return TierRequest{Tier::Auto, std::nullopt};
	if (text == "dram")
		return TierRequest{Tier::Dram, std::nullopt};
	if (text == "slow")
		return TierRequest{Tier::Slow, std::nullopt};
	// A number that is no abstract distance (0, too large, signed,
	// leading zeros) is as wrong as a word that is no tier.
	std::uint64_t value = 0;
	const int n = read_dec(text, value);
	if (n <= 0 || static_cast<std::size_t>(n) != text.size() || (n > 1 && text[0] == '0') ||
	    value < 1 || value > MEMPLUG_ADISTANCE_MAX)
		return invalid("tier", text,
			       "expected auto, dram, slow or an abstract distance from 1 to " +
				       std::to_string(MEMPLUG_ADISTANCE_MAX));
	return TierRequest{Tier::Adistance, static_cast<std::uint32_t>(value)};
}

Result<std::chrono::milliseconds> parse_timeout(std::string_view text)
{
	constexpr std::string_view what = "timeout";
	// Bounded so that the milliseconds cannot overflow anything downstream.
	constexpr std::uint64_t max_seconds = 1000000;

	const std::size_t dot = text.find('.');
	const std::string_view whole = text.substr(0, dot);
	auto seconds = parse_decimal(whole, what);
	if (!seconds)
		return invalid(what, text, "expected seconds, e.g. 10 or 0.5");
	if (*seconds > max_seconds)
		return invalid(what, text, "longer than 1000000 seconds");

	std::uint64_t millis = *seconds * 1000;
	if (dot != std::string_view::npos) {
		const std::string_view frac = text.substr(dot + 1);
		if (frac.empty() || frac.size() > 3)
			return invalid(what, text, "one to three digits after the point");
		std::uint64_t scale = 100;
		for (char c : frac) {
			if (!is_digit(c))
				return invalid(what, text, "expected seconds, e.g. 10 or 0.5");
			millis += static_cast<std::uint64_t>(c - '0') * scale;
			scale /= 10;
		}
	}
	if (millis == 0)
		return invalid(what, text, "must be positive");
	return std::chrono::milliseconds(millis);
}

Result<Exclude> parse_exclude(std::string_view text)
{
	constexpr std::string_view what = "exclusion";
	constexpr std::uint64_t page = 4096;
	const std::size_t dash = text.find('-');
	if (dash == std::string_view::npos)
		return invalid(what, text,
			       "expected START-END, inclusive, e.g. 0x40200000-0x403fffff");
	auto start = parse_address(text.substr(0, dash));
	if (!start)
		return std::move(start).error();
	auto end = parse_address(text.substr(dash + 1));
	if (!end)
		return std::move(end).error();
	if (*end < *start)
		return invalid(what, text, "END is below START");
	if (*start % page != 0)
		return invalid(what, text, "START must be page aligned (a multiple of 0x1000)");
	if (*end == kU64Max || (*end + 1) % page != 0)
		return invalid(what, text,
			       "END is the last byte and must end a page (END+1 a multiple of "
			       "0x1000, e.g. 0x403fffff)");
	return Exclude{*start, *end - *start + 1};
}

} // namespace memplug
