// SPDX-License-Identifier: GPL-2.0
//
// parse_ack() and parse_done() on the input as a netlink message: its own
// length is set to the input's, its type to NLMSG_ERROR or NLMSG_DONE by
// the low bit of the type field. What they report must match an
// independent reading: the errno is a positive errno or 0, and the
// extended ACK attributes (message, offset, missing type) are read only
// from where they start, after the echoed request, never from inside it.
#include <cerrno>
#include <optional>
#include <string>

#include "fuzz.hpp"
#include "memplug/codec.hpp"

using namespace memplug;
using fuzz::Tlv;

namespace {

// What the attributes from @off on say.
AckInfo expected_tlvs(const std::vector<unsigned char> &msg, std::uint64_t off, int error)
{
	AckInfo info;
	info.error = error;
	if (off >= msg.size())
		return info;
	for (const Tlv &t : fuzz::walk(msg.data() + off, msg.size() - off)) {
		std::uint32_t v;
		switch (t.type) {
		case NLMSGERR_ATTR_MSG:
			info.message.assign(reinterpret_cast<const char *>(t.data),
					    strnlen(reinterpret_cast<const char *>(t.data), t.len));
			break;
		case NLMSGERR_ATTR_OFFS:
			if (t.len >= sizeof(v)) {
				std::memcpy(&v, t.data, sizeof(v));
				info.offset = v;
			}
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (t.len >= sizeof(v)) {
				std::memcpy(&v, t.data, sizeof(v));
				info.missing_type = v;
			}
			break;
		default:
			break;
		}
	}
	return info;
}

void same(const AckInfo &got, const AckInfo &want)
{
	FUZZ_CHECK(got.error == want.error);
	FUZZ_CHECK(got.message == want.message);
	FUZZ_CHECK(got.offset == want.offset);
	FUZZ_CHECK(got.missing_type == want.missing_type);
}

// The errno an ACK's error field stands for, if it is one.
std::optional<int> errno_of(std::int32_t e)
{
	if (e < -4095 || e > 4095)
		return std::nullopt;
	return e < 0 ? -e : e;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	if (size < sizeof(nlmsghdr) || size > UINT32_MAX)
		return 0;
	std::vector<unsigned char> msg(data, data + size);
	nlmsghdr h;
	std::memcpy(&h, msg.data(), sizeof(h));
	h.nlmsg_len = static_cast<std::uint32_t>(size);
	const bool done = h.nlmsg_type & 1;
	h.nlmsg_type = done ? NLMSG_DONE : NLMSG_ERROR;
	std::memcpy(msg.data(), &h, sizeof(h));
	const auto *hdr = reinterpret_cast<const nlmsghdr *>(msg.data());
	const bool tlvs = h.nlmsg_flags & NLM_F_ACK_TLVS;

	// The other parser refuses the other type.
	FUZZ_CHECK(!(done ? parse_ack(hdr) : parse_done(hdr)));

	if (done) {
		const auto info = parse_done(hdr);
		if (size < NLMSG_HDRLEN + sizeof(std::int32_t)) {
			FUZZ_CHECK(info.ok());
			same(*info, AckInfo{});
			return 0;
		}
		std::int32_t e;
		std::memcpy(&e, msg.data() + NLMSG_HDRLEN, sizeof(e));
		const auto want = errno_of(e);
		FUZZ_CHECK(info.ok() == want.has_value());
		if (!info) {
			FUZZ_CHECK(info.error().errnum() == EPROTO);
			return 0;
		}
		same(*info, expected_tlvs(msg, tlvs ? NLMSG_HDRLEN + sizeof(e) : size, *want));
		return 0;
	}

	const auto info = parse_ack(hdr);
	if (size < NLMSG_HDRLEN + sizeof(nlmsgerr)) {
		FUZZ_CHECK(!info && info.error().errnum() == EPROTO);
		return 0;
	}
	nlmsgerr err;
	std::memcpy(&err, msg.data() + NLMSG_HDRLEN, sizeof(err));
	const auto want = errno_of(err.error);
	FUZZ_CHECK(info.ok() == want.has_value());
	if (!info) {
		FUZZ_CHECK(info.error().errnum() == EPROTO);
		return 0;
	}
	// The TLVs follow the error code and the echoed request: its header
	// only when capped, else as long as the echo's own length says.
	std::uint64_t off = size; // none
	if (tlvs) {
		const bool capped = h.nlmsg_flags & NLM_F_CAPPED;
		if (capped || err.msg.nlmsg_len >= sizeof(nlmsghdr)) {
			const std::uint64_t echoed = capped ? sizeof(nlmsghdr) : err.msg.nlmsg_len;
			off = (NLMSG_HDRLEN + sizeof(std::int32_t) + echoed + 3) / 4 * 4;
		}
	}
	same(*info, expected_tlvs(msg, off, *want));
	return 0;
}
