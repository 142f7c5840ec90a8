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

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	const std::string_view text = fuzz::as_text(data, size);
	const auto got = parse_address(text);
	FUZZ_CHECK(fuzz::agrees(got, fuzz::ref_address(text)));
	if (!got)
		return 0;
	FUZZ_CHECK(fuzz::is(parse_address(hex(*got)), *got));
	FUZZ_CHECK(fuzz::is(parse_size(hex(*got)), *got));
	return 0;
}
