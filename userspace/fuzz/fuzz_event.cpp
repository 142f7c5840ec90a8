// SPDX-License-Identifier: GPL-2.0
//
// decode_event() on events as the monitor receives them. With the first
// input byte even, the rest is the attribute stream of one EVENT_NTF
// message; odd, it is a whole receive buffer of netlink messages, walked
// the way the event socket walks it (NLMSG_OK/NLMSG_NEXT, only this
// family's EVENT_NTF decoded). Each decoded event must agree with an
// independent reading of its attributes as the spec types them (each
// long enough for its type), carry a negative errno if any, and print as
// text and as one line of JSON with the same seq and action (the same
// record in the events list).
#include <cerrno>
#include <sstream>

#include <nlohmann/json.hpp>

#include "fuzz.hpp"
#include "memplug/codec.hpp"
#include "memplug/format.hpp"

using namespace memplug;
using fuzz::Tlv;
using fuzz::value;

namespace {

constexpr std::uint16_t kFamily = 0x1d;

void check_event(const nlmsghdr *hdr)
{
	const auto e = decode_event(hdr);
	if (!e) {
		FUZZ_CHECK(e.error().errnum() == EPROTO);
		return;
	}
	const auto *base = reinterpret_cast<const unsigned char *>(hdr);
	const auto a = fuzz::walk(base + NLMSG_HDRLEN + GENL_HDRLEN,
				  hdr->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
	FUZZ_CHECK(fuzz::well_formed(a, proto::event_attrs));
	FUZZ_CHECK(e->seq == value(a, proto::event::seq));
	FUZZ_CHECK(e->time_ns == value(a, proto::event::time_ns));
	FUZZ_CHECK(e->realtime_ns == value(a, proto::event::realtime_ns));
	FUZZ_CHECK(e->action == value(a, proto::event::action));
	FUZZ_CHECK(e->start_pfn == value(a, proto::event::start_pfn));
	FUZZ_CHECK(e->nr_pages == value(a, proto::event::nr_pages));
	FUZZ_CHECK(e->start == value(a, proto::event::start));
	FUZZ_CHECK(e->size == value(a, proto::event::size));
	FUZZ_CHECK(e->block == value(a, proto::event::block));
	FUZZ_CHECK(e->node == value(a, proto::event::node));
	FUZZ_CHECK(e->zone == value(a, proto::event::zone));
	FUZZ_CHECK(e->status_change_nid == value(a, proto::event::status_change_nid));
	FUZZ_CHECK(e->status_change_nid_normal == value(a, proto::event::status_change_nid_normal));
	FUZZ_CHECK(e->range_id == value(a, proto::event::range_id));
	FUZZ_CHECK(e->veto_errno == value(a, proto::event::veto_errno));
	FUZZ_CHECK(!e->veto_errno || (*e->veto_errno < 0 && *e->veto_errno >= -4095));
	FUZZ_CHECK(e->veto_reason == value(a, proto::event::veto_reason));
	FUZZ_CHECK(e->error == value(a, proto::event::error));
	FUZZ_CHECK(!e->error || (*e->error < 0 && *e->error >= -4095));
	FUZZ_CHECK(e->reason == value(a, proto::event::reason));
	FUZZ_CHECK(e->blocks_done == value(a, proto::event::blocks_done));
	FUZZ_CHECK(e->blocks_total == value(a, proto::event::blocks_total));

	for (const auto format : {OutputFormat::Text, OutputFormat::Json}) {
		std::ostringstream stream, list;
		make_formatter(format, stream)->event(*e);
		make_formatter(format, list)->events({*e}, e->seq);
		const std::string line = stream.str();
		FUZZ_CHECK(!line.empty() && line.back() == '\n');
		FUZZ_CHECK(!list.str().empty());
		// Text passes the kernel's strings through as they are; JSON
		// escapes them, one record per line whatever they hold.
		if (format != OutputFormat::Json)
			continue;
		FUZZ_CHECK(line.find('\n') == line.size() - 1);
		const auto j = nlohmann::json::parse(line);
		FUZZ_CHECK(j["seq"] == e->seq);
		FUZZ_CHECK(j["action"] == event_action_name(e->action));
		FUZZ_CHECK(j["error"] ==
			   (e->error ? nlohmann::json(errno_name(*e->error)) : nullptr));
		FUZZ_CHECK(j["blocks_done"] ==
			   (e->blocks_done ? nlohmann::json(*e->blocks_done) : nullptr));
		// A monitor line is the event plus the output's format version.
		FUZZ_CHECK(j["format"] == kJsonFormat);
		auto record = j;
		record.erase("format");
		FUZZ_CHECK(nlohmann::json::parse(list.str())["events"][0] == record);
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] % 2 == 0) {
		const auto msg = fuzz::genl_message(kFamily, MEMPLUG_CMD_EVENT_NTF,
						    MEMPLUG_FAMILY_VERSION, data + 1, size - 1);
		check_event(reinterpret_cast<const nlmsghdr *>(msg.data()));
		return 0;
	}

	// A receive buffer, aligned as the socket's is, walked as NLMSG_OK()
	// and NLMSG_NEXT() walk it.
	std::vector<unsigned char> buf(data + 1, data + size);
	std::size_t off = 0;
	while (buf.size() - off >= NLMSG_HDRLEN) {
		const auto *hdr = reinterpret_cast<const nlmsghdr *>(buf.data() + off);
		if (hdr->nlmsg_len < NLMSG_HDRLEN || hdr->nlmsg_len > buf.size() - off)
			break;
		if (hdr->nlmsg_type == kFamily && hdr->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN) &&
		    static_cast<const genlmsghdr *>(NLMSG_DATA(hdr))->cmd == MEMPLUG_CMD_EVENT_NTF)
			check_event(hdr);
		off += NLMSG_ALIGN(hdr->nlmsg_len);
		if (off >= buf.size())
			break;
	}
	return 0;
}
