// SPDX-License-Identifier: GPL-2.0
//
// Encoding of memplug requests and decoding of its replies, ACKs and dump
// ends. Nothing here touches a socket: every function works on a message in
// memory, so all of it is unit tested on hand-built messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <linux/netlink.h>

#include "memplug/error.hpp"
#include "memplug/nl_ptr.hpp"
#include "memplug/types.hpp"

namespace memplug {

// Requests, complete but for port and sequence number (filled in on send).
Result<NlMsgPtr> encode_status_get(int family);
Result<NlMsgPtr> encode_range_add(int family, const RangeAddRequest &request);
Result<NlMsgPtr> encode_range_del(int family, std::uint32_t id);
// With @id a doit for one range, without a dump of all ranges.
Result<NlMsgPtr> encode_range_get(int family, std::optional<std::uint32_t> id);
Result<NlMsgPtr> encode_range_set(int family, const RangeSetRequest &request);
Result<NlMsgPtr> encode_range_cancel(int family, std::uint32_t id);
Result<NlMsgPtr> encode_block_get(int family, std::optional<std::uint32_t> range_id);
Result<NlMsgPtr> encode_event_get(int family, std::uint64_t first_seq);

// Replies. @hdr must point at nlmsg_len readable bytes. Attributes this
// program does not know are ignored; missing required ones are an EPROTO
// error.
Result<Status> decode_status(const nlmsghdr *hdr);
Result<Range> decode_range(const nlmsghdr *hdr);
Result<Block> decode_block(const nlmsghdr *hdr);
Result<Event> decode_event(const nlmsghdr *hdr);

// What an NLMSG_ERROR or NLMSG_DONE message says.
struct AckInfo {
	int error = 0;                             // positive errno, 0 for success
	std::string message;                       // NLMSGERR_ATTR_MSG, the kernel's explanation
	std::optional<std::uint32_t> offset;       // NLMSGERR_ATTR_OFFS
	std::optional<std::uint32_t> missing_type; // NLMSGERR_ATTR_MISS_TYPE
};

// Parses an NLMSG_ERROR message (ACK or error) including the extended ACK
// attributes that follow the echoed request (NLM_F_ACK_TLVS; the echo is only
// the header when NLM_F_CAPPED is set). Malformed TLVs are skipped.
Result<AckInfo> parse_ack(const nlmsghdr *hdr);
// Parses the NLMSG_DONE that ends a dump: an int error, then TLVs.
Result<AckInfo> parse_done(const nlmsghdr *hdr);

} // namespace memplug
