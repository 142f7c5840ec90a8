// SPDX-License-Identifier: GPL-2.0
//
// Helpers of the libFuzzer targets: invariant checks, and an attribute
// walker and message builder of their own, independent of libnl and of
// the codec they check; attributes are read as the spec types them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "memplug/error.hpp"
#include "memplug/proto.gen.hpp"

// Aborts, so that libFuzzer saves the input, when an invariant fails.
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__,  \
				     #cond);                                                       \
			std::abort();                                                              \
		}                                                                                  \
	} while (0)

namespace memplug::fuzz {

// Whether @r succeeded with @v.
template <typename T, typename U>
bool is(const Result<T> &r, const U &v)
{
	return r.ok() && *r == v;
}

inline std::string_view as_text(const std::uint8_t *data, std::size_t size)
{
	return {reinterpret_cast<const char *>(data), size};
}

// The value of digit @c in @base (10 or 16), or -1: the references'
// own, not the parsers'.
inline int ref_digit(char c, unsigned base)
{
	int d = -1;
	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	return d >= 0 && static_cast<unsigned>(d) < base ? d : -1;
}

// The reference for a physical address: "0x" or "0X", then at least one
// hex digit, nothing else, at most 2^64 - 1.
inline std::optional<std::uint64_t> ref_address(std::string_view s)
{
	if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return std::nullopt;
	unsigned __int128 v = 0;
	for (char c : s.substr(2)) {
		const int d = ref_digit(c, 16);
		if (d < 0)
			return std::nullopt;
		v = v * 16 + static_cast<unsigned>(d);
		if (v > ~std::uint64_t{0})
			return std::nullopt;
	}
	return static_cast<std::uint64_t>(v);
}

// A parser's answer against its reference's: both refuse, the parser
// with a usage error that says why, or both give the same value.
template <typename T>
bool agrees(const Result<T> &got, const std::optional<T> &want)
{
	if (!got)
		return !want && got.error().kind() == ErrorKind::Usage &&
		       !got.error().message().empty();
	return want && *got == *want;
}

// One attribute of a stream: its type without the flag bits, its payload.
struct Tlv {
	std::uint16_t type;
	const unsigned char *data;
	std::size_t len;
};

// The attributes of [data, data + len) as netlink lays them out: each
// header's length covers header and payload, the next one starts 4-byte
// aligned; the walk stops at the first header that does not fit.
inline std::vector<Tlv> walk(const unsigned char *data, std::size_t len)
{
	std::vector<Tlv> out;
	while (len >= NLA_HDRLEN) {
		nlattr a;
		std::memcpy(&a, data, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len)
			break;
		out.push_back({static_cast<std::uint16_t>(a.nla_type & NLA_TYPE_MASK),
			       data + NLA_HDRLEN,
			       static_cast<std::size_t>(a.nla_len - NLA_HDRLEN)});
		const std::size_t step = NLA_ALIGN(a.nla_len);
		if (step >= len)
			break;
		data += step;
		len -= step;
	}
	return out;
}

// The last attribute of @type: the one a parser into tb[] keeps.
inline const Tlv *last(const std::vector<Tlv> &tlvs, std::uint16_t type)
{
	const Tlv *found = nullptr;
	for (const auto &t : tlvs)
		if (t.type == type)
			found = &t;
	return found;
}

template <typename T>
std::optional<T> value(const std::vector<Tlv> &tlvs, std::uint16_t type)
{
	const Tlv *t = last(tlvs, type);
	if (t == nullptr)
		return std::nullopt;
	FUZZ_CHECK(t->len >= sizeof(T)); // a decode that succeeded checked it
	T v;
	std::memcpy(&v, t->data, sizeof(v));
	return v;
}

// A string attribute: its bytes up to the first NUL.
inline std::optional<std::string> string_value(const std::vector<Tlv> &tlvs, std::uint16_t type)
{
	const Tlv *t = last(tlvs, type);
	if (t == nullptr)
		return std::nullopt;
	const char *s = reinterpret_cast<const char *>(t->data);
	return std::string(s, strnlen(s, t->len));
}

inline bool has(const std::vector<Tlv> &tlvs, std::uint16_t type)
{
	return last(tlvs, type) != nullptr;
}

// Attribute @attr as the spec types it: a flag whether it came, a
// string up to its NUL, a scalar its value.
template <std::uint16_t Id, proto::Type T>
auto value(const std::vector<Tlv> &tlvs, proto::AttrId<Id, T>)
{
	if constexpr (T == proto::Type::Flag)
		return has(tlvs, Id);
	else if constexpr (T == proto::Type::String)
		return string_value(tlvs, Id);
	else
		return value<proto::value_t<T>>(tlvs, Id);
}

// Whether every attribute of @tlvs that set @attrs (proto::range_attrs
// and the like) knows is as long as its type needs and a string ends in
// NUL: what a decode that succeeded has checked.
template <std::size_t N>
bool well_formed(const std::vector<Tlv> &tlvs, const std::array<proto::Attr, N> &attrs)
{
	for (const Tlv &t : tlvs) {
		if (t.type >= N)
			continue;
		const proto::Type type = attrs[t.type].type;
		if (t.len < proto::min_len(type))
			return false;
		if (type == proto::Type::String && t.data[t.len - 1] != '\0')
			return false;
	}
	return true;
}

// A generic netlink message of @family: headers, then @payload as the
// attribute stream, nlmsg_len exactly the bytes there are.
inline std::vector<unsigned char> genl_message(std::uint16_t family, std::uint8_t cmd,
					       std::uint8_t version, const unsigned char *payload,
					       std::size_t len)
{
	std::vector<unsigned char> buf(NLMSG_HDRLEN + GENL_HDRLEN + len);
	nlmsghdr nlh{};
	nlh.nlmsg_len = static_cast<std::uint32_t>(buf.size());
	nlh.nlmsg_type = family;
	nlh.nlmsg_seq = 1;
	genlmsghdr genl{};
	genl.cmd = cmd;
	genl.version = version;
	std::memcpy(buf.data(), &nlh, sizeof(nlh));
	std::memcpy(buf.data() + NLMSG_HDRLEN, &genl, sizeof(genl));
	if (len > 0)
		std::memcpy(buf.data() + NLMSG_HDRLEN + GENL_HDRLEN, payload, len);
	return buf;
}

// The attribute stream of a message genl_message() built.
inline std::vector<Tlv> genl_attrs(const std::vector<unsigned char> &msg)
{
	return walk(msg.data() + NLMSG_HDRLEN + GENL_HDRLEN,
		    msg.size() - NLMSG_HDRLEN - GENL_HDRLEN);
}

} // namespace memplug::fuzz
