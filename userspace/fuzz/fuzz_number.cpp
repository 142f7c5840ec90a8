// SPDX-License-Identifier: GPL-2.0
//
// The other command line values against reference readings: parse_u64()
// and parse_u32() (ids, nodes, counts, sequence numbers), parse_timeout()
// (seconds with up to three decimals, at most 1000000 whole seconds,
// positive), parse_online_type() and parse_zone_policy() (one of their
// words exactly), parse_tier() (one of its words, or an abstract distance
// from 1 to MEMPLUG_ADISTANCE_MAX). Accepted values written back read the
// same.
#include <limits>
#include <optional>
#include <string>

#include "fuzz.hpp"
#include "memplug/parse.hpp"

using namespace memplug;

namespace {

std::optional<std::uint64_t> decimal(std::string_view s)
{
	if (s.empty() || (s.size() > 1 && s[0] == '0'))
		return std::nullopt;
	unsigned __int128 v = 0;
	for (char c : s) {
		if (c < '0' || c > '9')
			return std::nullopt;
		v = v * 10 + static_cast<unsigned>(c - '0');
		if (v > std::numeric_limits<std::uint64_t>::max())
			return std::nullopt;
	}
	return static_cast<std::uint64_t>(v);
}

std::optional<std::uint64_t> timeout_ms(std::string_view s)
{
	const std::size_t dot = s.find('.');
	const auto whole = decimal(s.substr(0, dot));
	if (!whole || *whole > 1000000)
		return std::nullopt;
	std::uint64_t ms = *whole * 1000;
	if (dot != std::string_view::npos) {
		const std::string_view frac = s.substr(dot + 1);
		if (frac.empty() || frac.size() > 3)
			return std::nullopt;
		std::uint64_t scale = 100;
		for (char c : frac) {
			if (c < '0' || c > '9')
				return std::nullopt;
			ms += static_cast<std::uint64_t>(c - '0') * scale;
			scale /= 10;
		}
	}
	if (ms == 0)
		return std::nullopt;
	return ms;
}

std::optional<TierRequest> tier(std::string_view s)
{
	if (s == "auto")
		return TierRequest{Tier::Auto, std::nullopt};
	if (s == "dram")
		return TierRequest{Tier::Dram, std::nullopt};
	if (s == "slow")
		return TierRequest{Tier::Slow, std::nullopt};
	const auto d = decimal(s);
	if (!d || *d < 1 || *d > MEMPLUG_ADISTANCE_MAX)
		return std::nullopt;
	return TierRequest{Tier::Adistance, static_cast<std::uint32_t>(*d)};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	const std::string_view text = fuzz::as_text(data, size);

	const auto want = decimal(text);
	const auto u64 = parse_u64(text, "number");
	FUZZ_CHECK(static_cast<bool>(u64) == want.has_value());
	if (u64) {
		FUZZ_CHECK(*u64 == *want);
		FUZZ_CHECK(fuzz::is(parse_u64(std::to_string(*u64), "number"), *u64));
	} else {
		FUZZ_CHECK(u64.error().kind() == ErrorKind::Usage);
	}

	const auto u32 = parse_u32(text, "id");
	FUZZ_CHECK(static_cast<bool>(u32) ==
		   (want && *want <= std::numeric_limits<std::uint32_t>::max()));
	if (u32)
		FUZZ_CHECK(*u32 == *want);

	const auto ms = timeout_ms(text);
	const auto timeout = parse_timeout(text);
	FUZZ_CHECK(static_cast<bool>(timeout) == ms.has_value());
	if (timeout) {
		FUZZ_CHECK(timeout->count() > 0);
		FUZZ_CHECK(static_cast<std::uint64_t>(timeout->count()) == *ms);
		const auto c = static_cast<std::uint64_t>(timeout->count());
		char frac[8];
		std::snprintf(frac, sizeof(frac), ".%03u", static_cast<unsigned>(c % 1000));
		FUZZ_CHECK(fuzz::is(parse_timeout(std::to_string(c / 1000) + frac), *timeout));
	}

	const auto online = parse_online_type(text);
	FUZZ_CHECK(static_cast<bool>(online) ==
		   (text == "none" || text == "online" || text == "kernel" || text == "movable"));
	if (online)
		FUZZ_CHECK(online_type_name(*online) == text);

	const auto zone = parse_zone_policy(text);
	FUZZ_CHECK(static_cast<bool>(zone) ==
		   (text == "movable" || text == "kernel" || text == "any"));
	if (zone)
		FUZZ_CHECK(zone_policy_name(static_cast<std::uint32_t>(*zone)) == text);

	const auto t = parse_tier(text);
	FUZZ_CHECK(fuzz::agrees(t, tier(text)));
	if (t) {
		const std::string back = t->adistance
						 ? std::to_string(*t->adistance)
						 : tier_name(static_cast<std::uint32_t>(t->tier));
		FUZZ_CHECK(fuzz::is(parse_tier(back), *t));
	}
	return 0;
}
