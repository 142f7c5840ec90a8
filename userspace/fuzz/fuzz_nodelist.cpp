// SPDX-License-Identifier: GPL-2.0
//
// parse_nodelist() (memory tiers' nodelist, has_memory) on the input as a
// sysfs node list, against a reference reading of the kernel's format:
// NODE or FIRST-LAST items, comma separated, ascending without repeats,
// nodes up to 65535, one trailing newline allowed. The list written back
// with format_nodelist() reads the same.
#include <limits>
#include <string>

#include "fuzz.hpp"
#include "memplug/tiers.hpp"

using namespace memplug;

namespace {

std::optional<std::uint32_t> node(std::string_view s)
{
	if (s.empty() || s.size() > 5 || (s.size() > 1 && s[0] == '0'))
		return std::nullopt;
	std::uint32_t v = 0;
	for (char c : s) {
		const int d = fuzz::ref_digit(c, 10);
		if (d < 0)
			return std::nullopt;
		v = v * 10 + static_cast<std::uint32_t>(d);
	}
	if (v > 65535)
		return std::nullopt;
	return v;
}

std::optional<std::vector<std::uint32_t>> nodelist(std::string_view s)
{
	if (!s.empty() && s.back() == '\n')
		s.remove_suffix(1);
	std::vector<std::uint32_t> out;
	if (s.empty())
		return out;
	std::size_t from = 0;
	for (;;) {
		const std::size_t to = std::min(s.find(',', from), s.size());
		const std::string_view item = s.substr(from, to - from);
		const std::size_t dash = item.find('-');
		const auto a = node(item.substr(0, dash));
		const auto b = dash == std::string_view::npos ? a : node(item.substr(dash + 1));
		if (!a || !b || *b < *a || (!out.empty() && *a <= out.back()))
			return std::nullopt;
		for (std::uint32_t n = *a; n <= *b; n++)
			out.push_back(n);
		if (to == s.size())
			return out;
		from = to + 1;
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	const std::string_view text = fuzz::as_text(data, size);
	const auto got = parse_nodelist(text);
	const auto want = nodelist(text);
	FUZZ_CHECK(got.has_value() == want.has_value());
	if (!got)
		return 0;
	FUZZ_CHECK(*got == *want);
	for (std::size_t i = 1; i < got->size(); i++)
		FUZZ_CHECK((*got)[i - 1] < (*got)[i]);
	const std::string back = format_nodelist(*got);
	FUZZ_CHECK(back.size() <= text.size());
	FUZZ_CHECK(parse_nodelist(back) == got);
	return 0;
}
