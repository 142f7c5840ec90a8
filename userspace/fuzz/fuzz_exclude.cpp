// SPDX-License-Identifier: GPL-2.0
//
// plug --exclude, repeated: each line of the input is one START-END value
// for parse_exclude(), checked against a reference (two 0x addresses,
// START page aligned, END+1 page aligned, END >= START). An accepted
// exclusion is a non-empty whole number of pages that reads the same when
// written back. The accepted list then goes through encode_range_add()
// and, as the kernel would echo it, decode_range(): the same exclusions
// in the same order come back.
#include <optional>
#include <string>
#include <vector>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "fuzz.hpp"
#include "memplug/codec.hpp"
#include "memplug/format.hpp"
#include "memplug/parse.hpp"

using namespace memplug;

namespace {

constexpr std::uint64_t kPage = 4096;

std::optional<Exclude> reference(std::string_view s)
{
	const std::size_t dash = s.find('-');
	if (dash == std::string_view::npos)
		return std::nullopt;
	const auto start = fuzz::ref_address(s.substr(0, dash));
	const auto end = fuzz::ref_address(s.substr(dash + 1));
	if (!start || !end || *end < *start || *start % kPage != 0 ||
	    (static_cast<unsigned __int128>(*end) + 1) % kPage != 0 || *end == ~std::uint64_t{0})
		return std::nullopt;
	return Exclude{*start, *end - *start + 1};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string_view text = fuzz::as_text(data, size);
	std::vector<Exclude> excludes;
	while (!text.empty()) {
		const std::size_t nl = text.find('\n');
		const std::string_view arg = text.substr(0, nl);
		text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);

		const auto got = parse_exclude(arg);
		const auto want = reference(arg);
		FUZZ_CHECK(static_cast<bool>(got) == want.has_value());
		if (!got) {
			FUZZ_CHECK(got.error().kind() == ErrorKind::Usage);
			continue;
		}
		FUZZ_CHECK(*got == *want);
		FUZZ_CHECK(got->size > 0 && got->size % kPage == 0 && got->start % kPage == 0);
		FUZZ_CHECK(got->start + (got->size - 1) >= got->start); // no wrap
		FUZZ_CHECK(fuzz::is(
			parse_exclude(hex(got->start) + "-" + hex(got->start + (got->size - 1))),
			*got));
		excludes.push_back(*got);
	}

	RangeAddRequest req;
	req.start = 0x40000000;
	req.size = 0x40000000;
	req.hold = true;
	req.excludes = excludes;
	auto msg = encode_range_add(0x1d, req);
	if (!msg) {
		// Only a list longer than the kernel takes may not fit a message.
		FUZZ_CHECK(excludes.size() > MEMPLUG_MAX_EXCLUDES);
		return 0;
	}
	if (nla_put_u32(msg->get(), MEMPLUG_A_RANGE_ID, 7) != 0) {
		FUZZ_CHECK(excludes.size() > MEMPLUG_MAX_EXCLUDES);
		return 0;
	}
	const auto range = decode_range(nlmsg_hdr(msg->get()));
	FUZZ_CHECK(range.ok());
	FUZZ_CHECK(range->id == 7 && range->start == req.start && range->size == req.size);
	FUZZ_CHECK(range->excludes == excludes);
	return 0;
}
