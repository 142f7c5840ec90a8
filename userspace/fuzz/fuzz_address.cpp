// SPDX-License-Identifier: GPL-2.0
//
// parse_address() (plug --start) against a reference: "0x" or "0X", then
// only hex digits, any number of leading zeros, at most 2^64 - 1. An
// accepted address written back with hex() reads the same, as an address
// and as a size.
#include <optional>

#include "fuzz.hpp"
#include "memplug/format.hpp"
#include "memplug/parse.hpp"

using namespace memplug;

namespace {

std::optional<std::uint64_t> reference(std::string_view s)
{
	if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return std::nullopt;
	unsigned __int128 v = 0;
	for (char c : s.substr(2)) {
		int d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return std::nullopt;
		v = v * 16 + static_cast<unsigned>(d);
		if (v > ~std::uint64_t{0})
			return std::nullopt;
	}
	return static_cast<std::uint64_t>(v);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	const std::string_view text = fuzz::as_text(data, size);
	const auto got = parse_address(text);
	const auto want = reference(text);

	FUZZ_CHECK(static_cast<bool>(got) == want.has_value());
	if (!got) {
		FUZZ_CHECK(got.error().kind() == ErrorKind::Usage);
		return 0;
	}
	FUZZ_CHECK(*got == *want);
	FUZZ_CHECK(fuzz::is(parse_address(hex(*got)), *got));
	FUZZ_CHECK(fuzz::is(parse_size(hex(*got)), *got));
	return 0;
}
