// SPDX-License-Identifier: GPL-2.0
#include <array>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstring>
#include <functional>
#include <vector>

#include <gtest/gtest.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "memplug/codec.hpp"
#include "memplug/proto.gen.hpp"

using namespace memplug;

namespace {

constexpr int kFamily = 0x1d;

// A reply as the module would build it: generic netlink header, then
// whatever attributes the test puts.
NlMsgPtr reply(std::uint8_t cmd, int flags = 0)
{
	NlMsgPtr msg(nlmsg_alloc());
	EXPECT_NE(genlmsg_put(msg.get(), 1234, 7, kFamily, 0, flags, cmd, MEMPLUG_FAMILY_VERSION),
		  nullptr);
	return msg;
}

const nlmsghdr *hdr(const NlMsgPtr &msg)
{
	return nlmsg_hdr(msg.get());
}

const genlmsghdr *genl(const NlMsgPtr &msg)
{
	return static_cast<const genlmsghdr *>(nlmsg_data(nlmsg_hdr(msg.get())));
}

// The attributes of a request, parsed without any policy.
struct Attrs {
	explicit Attrs(const NlMsgPtr &msg, int maxtype)
	{
		tb.resize(static_cast<std::size_t>(maxtype) + 1, nullptr);
		EXPECT_EQ(genlmsg_parse(nlmsg_hdr(msg.get()), 0, tb.data(), maxtype, nullptr), 0);
	}
	nlattr *operator[](int type) const { return tb[static_cast<std::size_t>(type)]; }
	std::vector<nlattr *> tb;
};

// Appends an attribute in wire format.
void put_tlv(std::vector<unsigned char> &buf, std::uint16_t type, const void *data, std::size_t len)
{
	nlattr attr{};
	attr.nla_len = static_cast<std::uint16_t>(NLA_HDRLEN + len);
	attr.nla_type = type;
	const auto *a = reinterpret_cast<const unsigned char *>(&attr);
	buf.insert(buf.end(), a, a + sizeof(attr));
	const auto *d = static_cast<const unsigned char *>(data);
	buf.insert(buf.end(), d, d + len);
	buf.resize(NLA_ALIGN(buf.size()), 0);
}

void put_tlv_string(std::vector<unsigned char> &buf, std::uint16_t type, const std::string &s)
{
	put_tlv(buf, type, s.c_str(), s.size() + 1);
}

void put_tlv_u32(std::vector<unsigned char> &buf, std::uint16_t type, std::uint32_t v)
{
	put_tlv(buf, type, &v, sizeof(v));
}

void set_len(std::vector<unsigned char> &buf)
{
	const auto len = static_cast<std::uint32_t>(buf.size());
	std::memcpy(buf.data(), &len, sizeof(len));
}

// NLMSG_ERROR as the kernel's netlink_ack() lays it out.
std::vector<unsigned char> build_error(int error, const nlmsghdr *request, bool capped,
				       const std::vector<unsigned char> &tlvs)
{
	std::vector<unsigned char> buf(NLMSG_HDRLEN, 0);
	nlmsghdr h{};
	h.nlmsg_type = NLMSG_ERROR;
	h.nlmsg_flags = static_cast<std::uint16_t>((capped ? NLM_F_CAPPED : 0) |
						   (tlvs.empty() ? 0 : NLM_F_ACK_TLVS));
	h.nlmsg_seq = request->nlmsg_seq;
	std::memcpy(buf.data(), &h, sizeof(h));

	const auto *e = reinterpret_cast<const unsigned char *>(&error);
	buf.insert(buf.end(), e, e + sizeof(error));
	const auto *req = reinterpret_cast<const unsigned char *>(request);
	buf.insert(buf.end(), req, req + (capped ? sizeof(nlmsghdr) : request->nlmsg_len));
	buf.resize(NLMSG_ALIGN(buf.size()), 0);
	buf.insert(buf.end(), tlvs.begin(), tlvs.end());
	set_len(buf);
	return buf;
}

const nlmsghdr *as_hdr(const std::vector<unsigned char> &buf)
{
	return reinterpret_cast<const nlmsghdr *>(buf.data());
}

RangeAddRequest full_add_request()
{
	RangeAddRequest r;
	r.start = 0x40000000;
	r.size = std::uint64_t{512} << 20;
	r.node = 1;
	r.name = "cxl0";
	r.zone_policy = ZonePolicy::Movable;
	r.protect = true;
	r.verify = true;
	r.memmap_on_memory = true;
	r.hold = true;
	r.defer_online = true;
	r.force = true;
	r.excludes = {{0x40200000, 0x200000}, {0x50000000, 0x1000}};
	r.tier = TierRequest{Tier::Adistance, 2880};
	return r;
}

} // namespace

TEST(Encode, RangeAddRoundTrip)
{
	const RangeAddRequest request = full_add_request();
	NlMsgPtr msg = encode_range_add(kFamily, request).value();

	EXPECT_EQ(hdr(msg)->nlmsg_type, kFamily);
	EXPECT_EQ(hdr(msg)->nlmsg_flags & NLM_F_DUMP, 0);
	EXPECT_EQ(genl(msg)->cmd, MEMPLUG_CMD_RANGE_ADD);
	EXPECT_EQ(genl(msg)->version, MEMPLUG_FAMILY_VERSION);

	const Attrs a(msg, MEMPLUG_A_RANGE_MAX);
	ASSERT_NE(a[MEMPLUG_A_RANGE_HOLD], nullptr);
	EXPECT_EQ(nla_len(a[MEMPLUG_A_RANGE_HOLD]), 0);
	ASSERT_NE(a[MEMPLUG_A_RANGE_DEFER_ONLINE], nullptr);
	EXPECT_EQ(nla_len(a[MEMPLUG_A_RANGE_DEFER_ONLINE]), 0);
	ASSERT_NE(a[MEMPLUG_A_RANGE_FORCE], nullptr);
	EXPECT_EQ(nla_len(a[MEMPLUG_A_RANGE_FORCE]), 0);
	EXPECT_EQ(a[MEMPLUG_A_RANGE_COMMIT], nullptr);
	EXPECT_EQ(a[MEMPLUG_A_RANGE_ID], nullptr);
	ASSERT_NE(a[MEMPLUG_A_RANGE_PROTECT], nullptr);
	EXPECT_EQ(nla_len(a[MEMPLUG_A_RANGE_PROTECT]), 1);
	EXPECT_EQ(nla_len(a[MEMPLUG_A_RANGE_START]), 8);
	EXPECT_EQ(nla_len(a[MEMPLUG_A_RANGE_NODE]), 4);
	ASSERT_NE(a[MEMPLUG_A_RANGE_TIER], nullptr);
	EXPECT_EQ(nla_len(a[MEMPLUG_A_RANGE_TIER]), 4);
	EXPECT_EQ(nla_get_u32(a[MEMPLUG_A_RANGE_TIER]), MEMPLUG_TIER_ADISTANCE);
	ASSERT_NE(a[MEMPLUG_A_RANGE_ADISTANCE], nullptr);
	EXPECT_EQ(nla_len(a[MEMPLUG_A_RANGE_ADISTANCE]), 4);
	EXPECT_EQ(nla_get_u32(a[MEMPLUG_A_RANGE_ADISTANCE]), 2880u);

	// A reply carries the id the kernel assigned.
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_ID, 1);
	const Range r = decode_range(hdr(msg)).value();
	EXPECT_EQ(r.id, 1u);
	EXPECT_EQ(r.start, request.start);
	EXPECT_EQ(r.size, request.size);
	EXPECT_EQ(r.node, 1u);
	EXPECT_EQ(r.name, "cxl0");
	EXPECT_EQ(r.zone_policy, MEMPLUG_ZONE_POLICY_MOVABLE);
	EXPECT_TRUE(r.protect);
	EXPECT_TRUE(r.verify);
	EXPECT_TRUE(r.memmap_on_memory);
	EXPECT_TRUE(r.defer_online);
	EXPECT_EQ(r.excludes, request.excludes);
}

TEST(Encode, RangeAddMinimal)
{
	RangeAddRequest request;
	request.start = 0x100000000;
	request.size = 0x8000000;
	NlMsgPtr msg = encode_range_add(kFamily, request).value();
	const Attrs a(msg, MEMPLUG_A_RANGE_MAX);
	EXPECT_NE(a[MEMPLUG_A_RANGE_START], nullptr);
	EXPECT_NE(a[MEMPLUG_A_RANGE_SIZE], nullptr);
	for (int t :
	     {MEMPLUG_A_RANGE_NODE, MEMPLUG_A_RANGE_NAME, MEMPLUG_A_RANGE_ZONE_POLICY,
	      MEMPLUG_A_RANGE_PROTECT, MEMPLUG_A_RANGE_VERIFY, MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY,
	      MEMPLUG_A_RANGE_HOLD, MEMPLUG_A_RANGE_DEFER_ONLINE, MEMPLUG_A_RANGE_FORCE,
	      MEMPLUG_A_RANGE_EXCLUDE, MEMPLUG_A_RANGE_TIER, MEMPLUG_A_RANGE_ADISTANCE})
		EXPECT_EQ(a[t], nullptr) << "attribute " << t;
	// A request carries no id; a reply without one is malformed.
	auto r = decode_range(hdr(msg));
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().errnum(), EPROTO);
	EXPECT_NE(r.error().message().find("RANGE_ID"), std::string::npos);
}

// A named tier is TIER alone; the kernel refuses ADISTANCE with it.
TEST(Encode, RangeAddTier)
{
	for (const Tier tier : {Tier::Auto, Tier::Dram, Tier::Slow}) {
		RangeAddRequest request;
		request.start = 0x100000000;
		request.size = 0x8000000;
		request.tier = TierRequest{tier, std::nullopt};
		NlMsgPtr msg = encode_range_add(kFamily, request).value();
		const Attrs a(msg, MEMPLUG_A_RANGE_MAX);
		ASSERT_NE(a[MEMPLUG_A_RANGE_TIER], nullptr);
		EXPECT_EQ(nla_get_u32(a[MEMPLUG_A_RANGE_TIER]), static_cast<std::uint32_t>(tier));
		EXPECT_EQ(a[MEMPLUG_A_RANGE_ADISTANCE], nullptr);
	}
}

TEST(Encode, OtherRequests)
{
	NlMsgPtr status = encode_status_get(kFamily).value();
	EXPECT_EQ(genl(status)->cmd, MEMPLUG_CMD_STATUS_GET);
	EXPECT_EQ(genlmsg_attrlen(genl(status), 0), 0);

	NlMsgPtr del = encode_range_del(kFamily, 42).value();
	EXPECT_EQ(genl(del)->cmd, MEMPLUG_CMD_RANGE_DEL);
	EXPECT_EQ(nla_get_u32(Attrs(del, MEMPLUG_A_RANGE_MAX)[MEMPLUG_A_RANGE_ID]), 42u);

	NlMsgPtr get = encode_range_get(kFamily, 3).value();
	EXPECT_EQ(hdr(get)->nlmsg_flags & NLM_F_DUMP, 0);
	EXPECT_EQ(nla_get_u32(Attrs(get, MEMPLUG_A_RANGE_MAX)[MEMPLUG_A_RANGE_ID]), 3u);

	NlMsgPtr dump = encode_range_get(kFamily, std::nullopt).value();
	EXPECT_EQ(hdr(dump)->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
	EXPECT_EQ(genlmsg_attrlen(genl(dump), 0), 0);

	NlMsgPtr blocks = encode_block_get(kFamily, 5).value();
	EXPECT_EQ(genl(blocks)->cmd, MEMPLUG_CMD_BLOCK_GET);
	EXPECT_EQ(hdr(blocks)->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
	EXPECT_EQ(nla_get_u32(Attrs(blocks, MEMPLUG_A_BLOCK_MAX)[MEMPLUG_A_BLOCK_RANGE_ID]), 5u);
	NlMsgPtr all_blocks = encode_block_get(kFamily, std::nullopt).value();
	EXPECT_EQ(genlmsg_attrlen(genl(all_blocks), 0), 0);

	NlMsgPtr events = encode_event_get(kFamily, 77).value();
	EXPECT_EQ(genl(events)->cmd, MEMPLUG_CMD_EVENT_GET);
	EXPECT_EQ(hdr(events)->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
	EXPECT_EQ(nla_get_u64(Attrs(events, MEMPLUG_A_EVENT_MAX)[MEMPLUG_A_EVENT_SEQ]), 77u);
}

TEST(Encode, RangeCancel)
{
	NlMsgPtr msg = encode_range_cancel(kFamily, 6).value();
	EXPECT_EQ(hdr(msg)->nlmsg_type, kFamily);
	EXPECT_EQ(hdr(msg)->nlmsg_flags & NLM_F_DUMP, 0);
	EXPECT_EQ(genl(msg)->cmd, MEMPLUG_CMD_RANGE_CANCEL);
	EXPECT_EQ(genl(msg)->version, MEMPLUG_FAMILY_VERSION);
	const Attrs a(msg, MEMPLUG_A_RANGE_MAX);
	ASSERT_NE(a[MEMPLUG_A_RANGE_ID], nullptr);
	EXPECT_EQ(nla_get_u32(a[MEMPLUG_A_RANGE_ID]), 6u);
	// The id and nothing else.
	EXPECT_EQ(genlmsg_attrlen(genl(msg), 0), NLA_HDRLEN + 4);
}

TEST(Encode, RangeSet)
{
	RangeSetRequest commit;
	commit.id = 9;
	commit.commit = true;
	NlMsgPtr msg = encode_range_set(kFamily, commit).value();
	EXPECT_EQ(genl(msg)->cmd, MEMPLUG_CMD_RANGE_SET);
	const Attrs a(msg, MEMPLUG_A_RANGE_MAX);
	EXPECT_EQ(nla_get_u32(a[MEMPLUG_A_RANGE_ID]), 9u);
	EXPECT_NE(a[MEMPLUG_A_RANGE_COMMIT], nullptr);
	EXPECT_EQ(a[MEMPLUG_A_RANGE_PROTECT], nullptr);
	EXPECT_EQ(a[MEMPLUG_A_RANGE_ZONE_POLICY], nullptr);

	RangeSetRequest change;
	change.id = 9;
	change.protect = false;
	change.zone_policy = ZonePolicy::Kernel;
	NlMsgPtr msg2 = encode_range_set(kFamily, change).value();
	const Attrs b(msg2, MEMPLUG_A_RANGE_MAX);
	EXPECT_EQ(b[MEMPLUG_A_RANGE_COMMIT], nullptr);
	ASSERT_NE(b[MEMPLUG_A_RANGE_PROTECT], nullptr);
	EXPECT_EQ(nla_get_u8(b[MEMPLUG_A_RANGE_PROTECT]), 0);
	EXPECT_EQ(nla_get_u32(b[MEMPLUG_A_RANGE_ZONE_POLICY]), MEMPLUG_ZONE_POLICY_KERNEL);
}

TEST(Decode, StatusPrivileged)
{
	NlMsgPtr msg = reply(MEMPLUG_CMD_STATUS_GET);
	nla_put_string(msg.get(), MEMPLUG_A_STATUS_VERSION, "0.1.0");
	nla_put_u64(msg.get(), MEMPLUG_A_STATUS_BLOCK_SIZE, 0x8000000);
	nla_put_u64(msg.get(), MEMPLUG_A_STATUS_PLUGGABLE_START, 0);
	nla_put_u64(msg.get(), MEMPLUG_A_STATUS_PLUGGABLE_END, 0x3fffffffffff);
	nla_put_u32(msg.get(), MEMPLUG_A_STATUS_ONLINE_CB, MEMPLUG_ONLINE_CB_UNAVAILABLE);
	nla_put_string(msg.get(), MEMPLUG_A_STATUS_ONLINE_CB_REASON, "held by virtio_mem");
	nla_put_u32(msg.get(), MEMPLUG_A_STATUS_RANGES, 2);
	nla_put_u64(msg.get(), MEMPLUG_A_STATUS_PLUGGED_BYTES, 0x40000000);
	nla_put_u64(msg.get(), MEMPLUG_A_STATUS_PLUGS, 5);
	nla_put_u64(msg.get(), MEMPLUG_A_STATUS_UNPLUGS, 3);
	nla_put_u64(msg.get(), MEMPLUG_A_STATUS_PLUG_FAILURES, 1);
	nla_put_u64(msg.get(), MEMPLUG_A_STATUS_UNPLUG_FAILURES, 2);
	nla_put_u64(msg.get(), MEMPLUG_A_STATUS_VETOES, 4);
	nla_put_u64(msg.get(), MEMPLUG_A_STATUS_EVENT_SEQ, 1000);
	nla_put_u64(msg.get(), MEMPLUG_A_STATUS_EVENT_OLDEST, 488);
	nla_put_u32(msg.get(), MEMPLUG_A_STATUS_EVENT_RING_SIZE, 512);
	nla_put_u32(msg.get(), MEMPLUG_A_STATUS_OBJECTS, 17);
	nla_put_flag(msg.get(), MEMPLUG_A_STATUS_KDUMP);
	// An attribute from a newer module is ignored.
	nla_put_u32(msg.get(), MEMPLUG_A_STATUS_MAX + 5, 1);

	const Status s = decode_status(hdr(msg)).value();
	EXPECT_EQ(s.version, "0.1.0");
	EXPECT_EQ(s.block_size, 0x8000000u);
	EXPECT_EQ(s.pluggable_start, 0u);
	EXPECT_EQ(s.pluggable_end, 0x3fffffffffffu);
	EXPECT_EQ(s.online_cb, MEMPLUG_ONLINE_CB_UNAVAILABLE);
	EXPECT_EQ(s.online_cb_reason, "held by virtio_mem");
	EXPECT_EQ(s.ranges, 2u);
	EXPECT_EQ(s.plugged_bytes, 0x40000000u);
	EXPECT_EQ(s.plugs, 5u);
	EXPECT_EQ(s.unplugs, 3u);
	EXPECT_EQ(s.plug_failures, 1u);
	EXPECT_EQ(s.unplug_failures, 2u);
	EXPECT_EQ(s.vetoes, 4u);
	EXPECT_EQ(s.event_seq, 1000u);
	EXPECT_EQ(s.event_oldest, 488u);
	EXPECT_EQ(s.event_ring_size, 512u);
	EXPECT_EQ(s.objects, 17u);
	EXPECT_TRUE(s.kdump);
	EXPECT_FALSE(s.online_cb_ranges);
	EXPECT_EQ(online_cb_name(*s.online_cb), "unavailable");
}

TEST(Decode, StatusOnlineCallback)
{
	NlMsgPtr held = reply(MEMPLUG_CMD_STATUS_GET);
	nla_put_u32(held.get(), MEMPLUG_A_STATUS_ONLINE_CB, MEMPLUG_ONLINE_CB_MEMPLUG);
	nla_put_u32(held.get(), MEMPLUG_A_STATUS_ONLINE_CB_RANGES, 2);
	const Status h = decode_status(hdr(held)).value();
	EXPECT_EQ(h.online_cb, MEMPLUG_ONLINE_CB_MEMPLUG);
	EXPECT_EQ(h.online_cb_ranges, 2u);
	EXPECT_EQ(online_cb_name(*h.online_cb), "memplug");

	NlMsgPtr idle = reply(MEMPLUG_CMD_STATUS_GET);
	nla_put_u32(idle.get(), MEMPLUG_A_STATUS_ONLINE_CB, MEMPLUG_ONLINE_CB_IDLE);
	nla_put_u32(idle.get(), MEMPLUG_A_STATUS_ONLINE_CB_RANGES, 0);
	const Status i = decode_status(hdr(idle)).value();
	EXPECT_EQ(i.online_cb, MEMPLUG_ONLINE_CB_IDLE);
	EXPECT_EQ(i.online_cb_ranges, 0u);
	EXPECT_EQ(online_cb_name(*i.online_cb), "idle");
	EXPECT_EQ(online_cb_name(MEMPLUG_ONLINE_CB_MAX + 1),
		  "unknown(" + std::to_string(MEMPLUG_ONLINE_CB_MAX + 1) + ")");

	// A u32 of one byte is refused, not read past its end.
	NlMsgPtr bad = reply(MEMPLUG_CMD_STATUS_GET);
	nla_put_u8(bad.get(), MEMPLUG_A_STATUS_ONLINE_CB_RANGES, 2);
	EXPECT_FALSE(decode_status(hdr(bad)).ok());
}

TEST(Decode, StatusUnprivileged)
{
	NlMsgPtr msg = reply(MEMPLUG_CMD_STATUS_GET);
	nla_put_string(msg.get(), MEMPLUG_A_STATUS_VERSION, "0.1.0");
	nla_put_u64(msg.get(), MEMPLUG_A_STATUS_BLOCK_SIZE, 0x8000000);
	const Status s = decode_status(hdr(msg)).value();
	EXPECT_FALSE(s.pluggable_start);
	EXPECT_FALSE(s.pluggable_end);
	EXPECT_FALSE(s.plugs);
	EXPECT_FALSE(s.kdump);
}

TEST(Decode, RangeReply)
{
	NlMsgPtr msg = reply(MEMPLUG_CMD_RANGE_GET);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_ID, 4);
	nla_put_u64(msg.get(), MEMPLUG_A_RANGE_START, 0x40000000);
	nla_put_u64(msg.get(), MEMPLUG_A_RANGE_SIZE, 0x20000000);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_NODE, 0);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_STATE, MEMPLUG_RANGE_STATE_PLUGGED);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_BLOCKS, 4);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_BLOCKS_ONLINE, 3);
	nla_put_u8(msg.get(), MEMPLUG_A_RANGE_PROTECT, 0);
	nla_put_u64(msg.get(), MEMPLUG_A_RANGE_PAGES_ONLINE, 98304);
	nla_put_u64(msg.get(), MEMPLUG_A_RANGE_REMOVE_NS, 123456789);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_FAIL_BLOCK, 11);
	nla_put_s32(msg.get(), MEMPLUG_A_RANGE_FAIL_ERRNO, -EBUSY);

	const Range r = decode_range(hdr(msg)).value();
	EXPECT_EQ(r.id, 4u);
	EXPECT_EQ(r.node, 0u);
	EXPECT_EQ(r.name, "");
	EXPECT_EQ(r.state, MEMPLUG_RANGE_STATE_PLUGGED);
	EXPECT_EQ(r.blocks, 4u);
	EXPECT_EQ(r.blocks_online, 3u);
	EXPECT_FALSE(r.protect);
	EXPECT_EQ(r.pages_online, 98304u);
	EXPECT_EQ(r.remove_ns, 123456789u);
	EXPECT_FALSE(r.add_ns);
	EXPECT_EQ(r.fail_block, 11u);
	EXPECT_EQ(r.fail_errno, -EBUSY);
	EXPECT_EQ(range_state_name(r), "partial");
	EXPECT_FALSE(r.blocks_present);
	EXPECT_FALSE(r.rollback_attempts);
}

// TIER is the tier asked for, ADISTANCE what memplug gave the node, if
// anything: absent is nothing, not 0.
TEST(Decode, RangeTierAndAdistance)
{
	NlMsgPtr msg = reply(MEMPLUG_CMD_RANGE_GET);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_ID, 4);
	nla_put_u64(msg.get(), MEMPLUG_A_RANGE_START, 0x40000000);
	nla_put_u64(msg.get(), MEMPLUG_A_RANGE_SIZE, 0x20000000);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_TIER, MEMPLUG_TIER_SLOW);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_ADISTANCE, 2880);
	const Range r = decode_range(hdr(msg)).value();
	EXPECT_EQ(r.tier, static_cast<std::uint32_t>(MEMPLUG_TIER_SLOW));
	EXPECT_EQ(r.adistance, 2880u);
	EXPECT_EQ(tier_name(*r.tier), "slow");

	NlMsgPtr kept = reply(MEMPLUG_CMD_RANGE_GET);
	nla_put_u32(kept.get(), MEMPLUG_A_RANGE_ID, 5);
	nla_put_u64(kept.get(), MEMPLUG_A_RANGE_START, 0x60000000);
	nla_put_u64(kept.get(), MEMPLUG_A_RANGE_SIZE, 0x20000000);
	nla_put_u32(kept.get(), MEMPLUG_A_RANGE_TIER, MEMPLUG_TIER_AUTO);
	const Range k = decode_range(hdr(kept)).value();
	EXPECT_EQ(k.tier, static_cast<std::uint32_t>(MEMPLUG_TIER_AUTO));
	EXPECT_FALSE(k.adistance);
	EXPECT_EQ(tier_name(MEMPLUG_TIER_MAX + 1),
		  "unknown(" + std::to_string(MEMPLUG_TIER_MAX + 1) + ")");
}

namespace {

// One MEMTYPE nest of a status reply.
void put_memtype(nl_msg *msg, std::uint32_t node, std::uint32_t adistance, std::uint32_t ranges)
{
	nlattr *nest = nla_nest_start(msg, MEMPLUG_A_STATUS_MEMTYPE);
	nla_put_u32(msg, MEMPLUG_A_MEMTYPE_NODE, node);
	nla_put_u32(msg, MEMPLUG_A_MEMTYPE_ADISTANCE, adistance);
	nla_put_u32(msg, MEMPLUG_A_MEMTYPE_RANGES, ranges);
	nla_nest_end(msg, nest);
}

} // namespace

TEST(Decode, StatusMemTypes)
{
	NlMsgPtr none = reply(MEMPLUG_CMD_STATUS_GET);
	nla_put_string(none.get(), MEMPLUG_A_STATUS_VERSION, "0.1.0");
	EXPECT_TRUE(decode_status(hdr(none)).value().memtypes.empty());

	NlMsgPtr msg = reply(MEMPLUG_CMD_STATUS_GET);
	put_memtype(msg.get(), 2, 2880, 1);
	nla_put_u32(msg.get(), MEMPLUG_A_STATUS_RANGES, 3);
	put_memtype(msg.get(), 1, 1000, 2);
	const Status s = decode_status(hdr(msg)).value();
	const std::vector<MemType> expected = {{2, 2880, 1}, {1, 1000, 2}};
	EXPECT_EQ(s.memtypes, expected) << "every nest, in the kernel's order";
	EXPECT_EQ(s.ranges, 3u);

	// Each nest needs all three, as long as their type.
	NlMsgPtr half = reply(MEMPLUG_CMD_STATUS_GET);
	nlattr *nest = nla_nest_start(half.get(), MEMPLUG_A_STATUS_MEMTYPE);
	nla_put_u32(half.get(), MEMPLUG_A_MEMTYPE_NODE, 1);
	nla_put_u32(half.get(), MEMPLUG_A_MEMTYPE_ADISTANCE, 1000);
	nla_nest_end(half.get(), nest);
	auto r = decode_status(hdr(half));
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().errnum(), EPROTO);
	EXPECT_NE(r.error().message().find("MEMTYPE_RANGES"), std::string::npos)
		<< r.error().message();

	NlMsgPtr shorter = reply(MEMPLUG_CMD_STATUS_GET);
	nest = nla_nest_start(shorter.get(), MEMPLUG_A_STATUS_MEMTYPE);
	nla_put_u32(shorter.get(), MEMPLUG_A_MEMTYPE_NODE, 1);
	nla_put_u16(shorter.get(), MEMPLUG_A_MEMTYPE_ADISTANCE, 1000);
	nla_put_u32(shorter.get(), MEMPLUG_A_MEMTYPE_RANGES, 1);
	nla_nest_end(shorter.get(), nest);
	r = decode_status(hdr(shorter));
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().errnum(), EPROTO);
}

namespace {

// An EVENT_NTF of @action of range 3, sequence number @seq.
NlMsgPtr range_event(std::uint64_t seq, std::uint32_t action)
{
	NlMsgPtr msg = reply(MEMPLUG_CMD_EVENT_NTF);
	nla_put_u64(msg.get(), MEMPLUG_A_EVENT_SEQ, seq);
	nla_put_u32(msg.get(), MEMPLUG_A_EVENT_ACTION, action);
	nla_put_u32(msg.get(), MEMPLUG_A_EVENT_RANGE_ID, 3);
	return msg;
}

// A RANGE_GET reply for range 3 at 0x40000000+512M in @state.
NlMsgPtr range_reply(std::uint32_t state)
{
	NlMsgPtr msg = reply(MEMPLUG_CMD_RANGE_GET);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_ID, 3);
	nla_put_u64(msg.get(), MEMPLUG_A_RANGE_START, 0x40000000);
	nla_put_u64(msg.get(), MEMPLUG_A_RANGE_SIZE, 0x20000000);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_STATE, state);
	return msg;
}

} // namespace

TEST(Decode, FailedRange)
{
	NlMsgPtr msg = range_reply(MEMPLUG_RANGE_STATE_FAILED);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_BLOCKS, 4);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_BLOCKS_ONLINE, 1);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_BLOCKS_PRESENT, 2);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_ROLLBACK_ATTEMPTS, 8);
	const Range r = decode_range(hdr(msg)).value();
	EXPECT_EQ(r.state, MEMPLUG_RANGE_STATE_FAILED);
	EXPECT_EQ(range_state_name(r), "failed");
	EXPECT_EQ(r.blocks, 4u);
	EXPECT_EQ(r.blocks_online, 1u);
	EXPECT_EQ(r.blocks_present, 2u);
	EXPECT_EQ(r.rollback_attempts, 8u);

	// Zero is a value, not an absence.
	NlMsgPtr none = reply(MEMPLUG_CMD_RANGE_CANCEL);
	nla_put_u32(none.get(), MEMPLUG_A_RANGE_ID, 3);
	nla_put_u64(none.get(), MEMPLUG_A_RANGE_START, 0x40000000);
	nla_put_u64(none.get(), MEMPLUG_A_RANGE_SIZE, 0x20000000);
	nla_put_u32(none.get(), MEMPLUG_A_RANGE_STATE, MEMPLUG_RANGE_STATE_PLUGGED);
	nla_put_u32(none.get(), MEMPLUG_A_RANGE_BLOCKS_PRESENT, 4);
	nla_put_u32(none.get(), MEMPLUG_A_RANGE_ROLLBACK_ATTEMPTS, 0);
	const Range p = decode_range(hdr(none)).value();
	EXPECT_EQ(p.blocks_present, 4u);
	EXPECT_EQ(p.rollback_attempts, 0u);

	for (const int type : {MEMPLUG_A_RANGE_BLOCKS_PRESENT, MEMPLUG_A_RANGE_ROLLBACK_ATTEMPTS}) {
		NlMsgPtr bad = reply(MEMPLUG_CMD_RANGE_GET);
		nla_put_u32(bad.get(), MEMPLUG_A_RANGE_ID, 3);
		nla_put_u64(bad.get(), MEMPLUG_A_RANGE_START, 0x40000000);
		nla_put_u64(bad.get(), MEMPLUG_A_RANGE_SIZE, 0x20000000);
		nla_put_u16(bad.get(), type, 2);
		EXPECT_FALSE(decode_range(hdr(bad)).ok()) << type;
	}
}

TEST(Decode, RefusesShortAttributes)
{
	// A u64 attribute of four bytes must not be read as eight.
	NlMsgPtr msg = reply(MEMPLUG_CMD_RANGE_GET);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_ID, 4);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_START, 0x4000);
	nla_put_u64(msg.get(), MEMPLUG_A_RANGE_SIZE, 0x20000000);
	auto r = decode_range(hdr(msg));
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().errnum(), EPROTO);

	// Same for an s32 sent as a single byte.
	NlMsgPtr ev = reply(MEMPLUG_CMD_EVENT_GET);
	nla_put_u64(ev.get(), MEMPLUG_A_EVENT_SEQ, 1);
	nla_put_u32(ev.get(), MEMPLUG_A_EVENT_ACTION, MEMPLUG_EVENT_ONLINE);
	nla_put_u8(ev.get(), MEMPLUG_A_EVENT_NODE, 1);
	EXPECT_FALSE(decode_event(hdr(ev)).ok());

	// And an unterminated string.
	NlMsgPtr b = reply(MEMPLUG_CMD_BLOCK_GET);
	nla_put_u32(b.get(), MEMPLUG_A_BLOCK_ID, 8);
	nla_put_u64(b.get(), MEMPLUG_A_BLOCK_START, 0x40000000);
	nla_put_u32(b.get(), MEMPLUG_A_BLOCK_STATE, MEMPLUG_BLOCK_STATE_ONLINE);
	nla_put(b.get(), MEMPLUG_A_BLOCK_ZONE, 7, "Movable");
	EXPECT_FALSE(decode_block(hdr(b)).ok());
}

TEST(Decode, Block)
{
	NlMsgPtr msg = reply(MEMPLUG_CMD_BLOCK_GET, NLM_F_MULTI);
	nla_put_u32(msg.get(), MEMPLUG_A_BLOCK_ID, 8);
	nla_put_u32(msg.get(), MEMPLUG_A_BLOCK_RANGE_ID, 1);
	nla_put_u64(msg.get(), MEMPLUG_A_BLOCK_START, 0x40000000);
	nla_put_u64(msg.get(), MEMPLUG_A_BLOCK_SIZE, 0x8000000);
	nla_put_u32(msg.get(), MEMPLUG_A_BLOCK_STATE, MEMPLUG_BLOCK_STATE_ONLINE);
	nla_put_string(msg.get(), MEMPLUG_A_BLOCK_ZONE, "Movable");
	nla_put_u32(msg.get(), MEMPLUG_A_BLOCK_NODE, 1);
	const Block b = decode_block(hdr(msg)).value();
	EXPECT_EQ(b.id, 8u);
	EXPECT_EQ(b.range_id, 1u);
	EXPECT_EQ(b.start, 0x40000000u);
	EXPECT_EQ(b.size, 0x8000000u);
	EXPECT_TRUE(b.online());
	EXPECT_EQ(b.zone, "Movable");
	EXPECT_EQ(b.node, 1u);

	NlMsgPtr off = reply(MEMPLUG_CMD_BLOCK_GET, NLM_F_MULTI);
	nla_put_u32(off.get(), MEMPLUG_A_BLOCK_ID, 9);
	nla_put_u64(off.get(), MEMPLUG_A_BLOCK_START, 0x48000000);
	nla_put_u32(off.get(), MEMPLUG_A_BLOCK_STATE, MEMPLUG_BLOCK_STATE_OFFLINE);
	const Block o = decode_block(hdr(off)).value();
	EXPECT_FALSE(o.online());
	EXPECT_FALSE(o.zone);
	EXPECT_EQ(block_state_name(o.state), "offline");
}

TEST(Decode, Event)
{
	NlMsgPtr msg = reply(MEMPLUG_CMD_EVENT_NTF);
	nla_put_u64(msg.get(), MEMPLUG_A_EVENT_SEQ, 42);
	nla_put_u64(msg.get(), MEMPLUG_A_EVENT_TIME_NS, 1000);
	nla_put_u32(msg.get(), MEMPLUG_A_EVENT_ACTION, MEMPLUG_EVENT_CANCEL_ONLINE);
	nla_put_u64(msg.get(), MEMPLUG_A_EVENT_START, 0x40000000);
	nla_put_u64(msg.get(), MEMPLUG_A_EVENT_SIZE, 0x8000000);
	nla_put_u32(msg.get(), MEMPLUG_A_EVENT_BLOCK, 8);
	nla_put_s32(msg.get(), MEMPLUG_A_EVENT_NODE, -1);
	nla_put_string(msg.get(), MEMPLUG_A_EVENT_ZONE, "Normal");
	nla_put_u32(msg.get(), MEMPLUG_A_EVENT_RANGE_ID, 1);
	nla_put_s32(msg.get(), MEMPLUG_A_EVENT_VETO_ERRNO, -EPERM);
	nla_put_string(msg.get(), MEMPLUG_A_EVENT_VETO_REASON, "zone policy is movable");
	const Event e = decode_event(hdr(msg)).value();
	EXPECT_EQ(e.seq, 42u);
	EXPECT_EQ(e.time_ns, 1000u);
	EXPECT_FALSE(e.realtime_ns);
	EXPECT_EQ(event_action_name(e.action), "cancel-online");
	EXPECT_EQ(e.node, -1);
	EXPECT_EQ(e.zone, "Normal");
	EXPECT_EQ(e.range_id, 1u);
	EXPECT_EQ(e.veto_errno, -EPERM);
	EXPECT_EQ(e.veto_reason, "zone policy is movable");

	NlMsgPtr bad = reply(MEMPLUG_CMD_EVENT_NTF);
	nla_put_u32(bad.get(), MEMPLUG_A_EVENT_ACTION, MEMPLUG_EVENT_ONLINE);
	EXPECT_FALSE(decode_event(hdr(bad)).ok());
}

TEST(Decode, FailedEvent)
{
	NlMsgPtr msg = range_event(31, MEMPLUG_EVENT_FAILED);
	nla_put_u64(msg.get(), MEMPLUG_A_EVENT_START, 0x40000000);
	nla_put_u64(msg.get(), MEMPLUG_A_EVENT_SIZE, 0x20000000);
	const Event e = decode_event(hdr(msg)).value();
	EXPECT_EQ(e.action, MEMPLUG_EVENT_FAILED);
	EXPECT_EQ(event_action_name(e.action), "failed");
	EXPECT_EQ(e.start, 0x40000000u);
	EXPECT_EQ(e.size, 0x20000000u);
	EXPECT_EQ(e.range_id, 3u);
	EXPECT_EQ(event_action_name(MEMPLUG_EVENT_MAX + 1),
		  "unknown(" + std::to_string(MEMPLUG_EVENT_MAX + 1) + ")");
}

// The outcome of work the module's worker did, and the progress of work
// under way, as events and in RANGE_GET.
TEST(Decode, OutcomeAndProgress)
{
	NlMsgPtr failed = range_event(40, MEMPLUG_EVENT_UNPLUG_FAILED);
	nla_put_u32(failed.get(), MEMPLUG_A_EVENT_BLOCK, 9);
	nla_put_s32(failed.get(), MEMPLUG_A_EVENT_ERROR, -EBUSY);
	nla_put_string(failed.get(), MEMPLUG_A_EVENT_REASON,
		       "memplug: a memory block could not be offlined");
	const Event e = decode_event(hdr(failed)).value();
	EXPECT_EQ(event_action_name(e.action), "unplug-failed");
	EXPECT_EQ(event_action_name(MEMPLUG_EVENT_PLUG_FAILED), "plug-failed");
	EXPECT_EQ(e.error, -EBUSY);
	EXPECT_EQ(e.reason, "memplug: a memory block could not be offlined");
	EXPECT_FALSE(e.blocks_done);

	NlMsgPtr off = range_event(41, MEMPLUG_EVENT_OFFLINE);
	nla_put_u32(off.get(), MEMPLUG_A_EVENT_BLOCKS_DONE, 12);
	nla_put_u32(off.get(), MEMPLUG_A_EVENT_BLOCKS_TOTAL, 512);
	const Event p = decode_event(hdr(off)).value();
	EXPECT_EQ(p.blocks_done, 12u);
	EXPECT_EQ(p.blocks_total, 512u);
	EXPECT_FALSE(p.error);

	NlMsgPtr range = range_reply(MEMPLUG_RANGE_STATE_UNPLUGGING);
	nla_put_u32(range.get(), MEMPLUG_A_RANGE_BLOCKS_DONE, 2);
	nla_put_u64(range.get(), MEMPLUG_A_RANGE_BYTES_DONE, 0x10000000);
	nla_put_string(range.get(), MEMPLUG_A_RANGE_FAIL_REASON, "memplug: unplug cancelled");
	const Range r = decode_range(hdr(range)).value();
	EXPECT_EQ(r.blocks_done, 2u);
	EXPECT_EQ(r.bytes_done, 0x10000000u);
	EXPECT_EQ(r.fail_reason, "memplug: unplug cancelled");
}

// A node's first memory and its last: the node is the event's node, and
// the old status-change attributes are not sent.
TEST(Decode, NodeEvents)
{
	for (const auto &[action, name] : {std::pair{MEMPLUG_EVENT_NODE_ONLINE, "node-online"},
					   std::pair{MEMPLUG_EVENT_NODE_OFFLINE, "node-offline"}}) {
		NlMsgPtr msg = reply(MEMPLUG_CMD_EVENT_NTF);
		nla_put_u64(msg.get(), MEMPLUG_A_EVENT_SEQ, 7);
		nla_put_u32(msg.get(), MEMPLUG_A_EVENT_ACTION, action);
		nla_put_s32(msg.get(), MEMPLUG_A_EVENT_NODE, 1);
		const Event e = decode_event(hdr(msg)).value();
		EXPECT_EQ(event_action_name(e.action), name);
		EXPECT_EQ(e.node, 1);
		EXPECT_FALSE(e.status_change_nid);
	}
}

TEST(Decode, RefusesErrnosThatAreNotNegativeErrnos)
{
	// FAIL_ERRNO and VETO_ERRNO are printed by name; INT_MIN once reached
	// errno_name(), which negates it.
	for (const std::int32_t v : {INT_MIN, -4096, 0, 5}) {
		NlMsgPtr msg = reply(MEMPLUG_CMD_RANGE_GET);
		nla_put_u32(msg.get(), MEMPLUG_A_RANGE_ID, 4);
		nla_put_u64(msg.get(), MEMPLUG_A_RANGE_START, 0x40000000);
		nla_put_u64(msg.get(), MEMPLUG_A_RANGE_SIZE, 0x20000000);
		nla_put_s32(msg.get(), MEMPLUG_A_RANGE_FAIL_ERRNO, v);
		auto r = decode_range(hdr(msg));
		ASSERT_FALSE(r.ok()) << v;
		EXPECT_EQ(r.error().errnum(), EPROTO);
		EXPECT_NE(r.error().message().find("FAIL_ERRNO"), std::string::npos);

		NlMsgPtr ev = reply(MEMPLUG_CMD_EVENT_NTF);
		nla_put_u64(ev.get(), MEMPLUG_A_EVENT_SEQ, 1);
		nla_put_u32(ev.get(), MEMPLUG_A_EVENT_ACTION, MEMPLUG_EVENT_GOING_OFFLINE);
		nla_put_s32(ev.get(), MEMPLUG_A_EVENT_VETO_ERRNO, v);
		EXPECT_FALSE(decode_event(hdr(ev)).ok()) << v;

		NlMsgPtr failed = range_event(1, MEMPLUG_EVENT_PLUG_FAILED);
		nla_put_s32(failed.get(), MEMPLUG_A_EVENT_ERROR, v);
		auto f = decode_event(hdr(failed));
		ASSERT_FALSE(f.ok()) << v;
		EXPECT_NE(f.error().message().find("ERROR"), std::string::npos);
	}

	NlMsgPtr ev = reply(MEMPLUG_CMD_EVENT_NTF);
	nla_put_u64(ev.get(), MEMPLUG_A_EVENT_SEQ, 1);
	nla_put_u32(ev.get(), MEMPLUG_A_EVENT_ACTION, MEMPLUG_EVENT_GOING_OFFLINE);
	nla_put_s32(ev.get(), MEMPLUG_A_EVENT_VETO_ERRNO, -4095);
	EXPECT_EQ(decode_event(hdr(ev)).value().veto_errno, -4095);
}

// The policies the codec decodes with are the spec's: every attribute of
// a reply's set, one byte short of what its type needs or a string
// without its NUL, makes the reply malformed; as long as its type, it
// decodes. @base puts the attributes the decoder requires.
template <std::size_t N, typename Decode>
void check_spec_lengths(const std::array<proto::Attr, N> &attrs, std::uint8_t cmd,
			const std::function<void(nl_msg *)> &base, Decode decode)
{
	int checked = 0;
	for (std::size_t id = 0; id < N; ++id) {
		const proto::Attr &attr = attrs[id];
		const std::size_t len = proto::min_len(attr.type);
		if (len == 0)
			continue; // unused, pad, flag, nest: no length to check
		const auto type = static_cast<int>(id);
		// 0xff: a u8 that is not 0, an s32 that is a negative errno.
		const std::vector<unsigned char> good(len, 0xff);
		std::vector<unsigned char> bad(len - 1, 0xff);
		if (attr.type == proto::Type::String)
			bad = {'x'};

		NlMsgPtr ok = reply(cmd);
		base(ok.get());
		if (attr.type == proto::Type::String)
			nla_put_string(ok.get(), type, "x");
		else
			nla_put(ok.get(), type, static_cast<int>(good.size()), good.data());
		EXPECT_TRUE(decode(hdr(ok)).ok()) << attr.name;

		NlMsgPtr short_one = reply(cmd);
		base(short_one.get());
		nla_put(short_one.get(), type, static_cast<int>(bad.size()), bad.data());
		const auto r = decode(hdr(short_one));
		ASSERT_FALSE(r.ok()) << attr.name;
		EXPECT_EQ(r.error().errnum(), EPROTO) << attr.name;
		++checked;
	}
	EXPECT_GT(checked, 0);
}

TEST(Decode, PoliciesAreTheSpecs)
{
	check_spec_lengths(
		proto::status_attrs, MEMPLUG_CMD_STATUS_GET, [](nl_msg *) {}, decode_status);
	check_spec_lengths(
		proto::range_attrs, MEMPLUG_CMD_RANGE_GET,
		[](nl_msg *m) {
			nla_put_u32(m, MEMPLUG_A_RANGE_ID, 4);
			nla_put_u64(m, MEMPLUG_A_RANGE_START, 0x40000000);
			nla_put_u64(m, MEMPLUG_A_RANGE_SIZE, 0x20000000);
		},
		decode_range);
	check_spec_lengths(
		proto::block_attrs, MEMPLUG_CMD_BLOCK_GET,
		[](nl_msg *m) {
			nla_put_u32(m, MEMPLUG_A_BLOCK_ID, 8);
			nla_put_u64(m, MEMPLUG_A_BLOCK_START, 0x40000000);
			nla_put_u32(m, MEMPLUG_A_BLOCK_STATE, MEMPLUG_BLOCK_STATE_ONLINE);
		},
		decode_block);
	check_spec_lengths(
		proto::event_attrs, MEMPLUG_CMD_EVENT_NTF,
		[](nl_msg *m) {
			nla_put_u64(m, MEMPLUG_A_EVENT_SEQ, 1);
			nla_put_u32(m, MEMPLUG_A_EVENT_ACTION, MEMPLUG_EVENT_ONLINE);
		},
		decode_event);
}

// EXCLUDE nests are read with the exclude set's policy.
TEST(Decode, ExcludeNestPolicyIsTheSpecs)
{
	NlMsgPtr msg = reply(MEMPLUG_CMD_RANGE_GET);
	nla_put_u32(msg.get(), MEMPLUG_A_RANGE_ID, 4);
	nla_put_u64(msg.get(), MEMPLUG_A_RANGE_START, 0x40000000);
	nla_put_u64(msg.get(), MEMPLUG_A_RANGE_SIZE, 0x20000000);
	nlattr *nest = nla_nest_start(msg.get(), MEMPLUG_A_RANGE_EXCLUDE);
	nla_put_u64(msg.get(), MEMPLUG_A_EXCLUDE_START, 0x40200000);
	nla_put_u32(msg.get(), MEMPLUG_A_EXCLUDE_SIZE, 0x200000);
	nla_nest_end(msg.get(), nest);
	auto r = decode_range(hdr(msg));
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().errnum(), EPROTO);

	NlMsgPtr half = reply(MEMPLUG_CMD_RANGE_GET);
	nla_put_u32(half.get(), MEMPLUG_A_RANGE_ID, 4);
	nla_put_u64(half.get(), MEMPLUG_A_RANGE_START, 0x40000000);
	nla_put_u64(half.get(), MEMPLUG_A_RANGE_SIZE, 0x20000000);
	nest = nla_nest_start(half.get(), MEMPLUG_A_RANGE_EXCLUDE);
	nla_put_u64(half.get(), MEMPLUG_A_EXCLUDE_START, 0x40200000);
	nla_nest_end(half.get(), nest);
	r = decode_range(hdr(half));
	ASSERT_FALSE(r.ok());
	EXPECT_NE(r.error().message().find("EXCLUDE_START/EXCLUDE_SIZE"), std::string::npos);
}

TEST(Decode, ShortHeader)
{
	nlmsghdr h{};
	h.nlmsg_len = NLMSG_HDRLEN;
	h.nlmsg_type = kFamily;
	auto r = decode_status(&h);
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().errnum(), EPROTO);
}

TEST(Ack, ErrorWithExtackUncapped)
{
	NlMsgPtr request = encode_range_add(kFamily, full_add_request()).value();
	std::vector<unsigned char> tlvs;
	put_tlv_string(tlvs, NLMSGERR_ATTR_MSG, "start is not aligned to the memory block size");
	put_tlv_u32(tlvs, NLMSGERR_ATTR_OFFS, 20);
	const auto buf = build_error(-EINVAL, hdr(request), false, tlvs);

	const AckInfo info = parse_ack(as_hdr(buf)).value();
	EXPECT_EQ(info.error, EINVAL);
	EXPECT_EQ(info.message, "start is not aligned to the memory block size");
	EXPECT_EQ(info.offset, 20u);
	EXPECT_FALSE(info.missing_type);
}

TEST(Ack, ErrorWithExtackCapped)
{
	NlMsgPtr request = encode_range_del(kFamily, 3).value();
	std::vector<unsigned char> tlvs;
	put_tlv_string(tlvs, NLMSGERR_ATTR_MSG, "range is protected");
	put_tlv_u32(tlvs, NLMSGERR_ATTR_MISS_TYPE, MEMPLUG_A_RANGE_ID);
	const auto buf = build_error(-EBUSY, hdr(request), true, tlvs);

	const AckInfo info = parse_ack(as_hdr(buf)).value();
	EXPECT_EQ(info.error, EBUSY);
	EXPECT_EQ(info.message, "range is protected");
	EXPECT_EQ(info.missing_type, static_cast<std::uint32_t>(MEMPLUG_A_RANGE_ID));
}

TEST(Ack, WithoutTlvsAndSuccess)
{
	NlMsgPtr request = encode_range_del(kFamily, 3).value();
	const auto err = build_error(-EPERM, hdr(request), false, {});
	const AckInfo info = parse_ack(as_hdr(err)).value();
	EXPECT_EQ(info.error, EPERM);
	EXPECT_EQ(info.message, "");

	const auto ack = build_error(0, hdr(request), true, {});
	const AckInfo ok = parse_ack(as_hdr(ack)).value();
	EXPECT_EQ(ok.error, 0);
}

TEST(Ack, MalformedTlvsAreSkipped)
{
	NlMsgPtr request = encode_range_del(kFamily, 3).value();

	// An attribute claiming more bytes than the message holds.
	std::vector<unsigned char> tlvs;
	put_tlv_string(tlvs, NLMSGERR_ATTR_MSG, "truncated");
	tlvs[0] = 0xff;
	auto buf = build_error(-EINVAL, hdr(request), false, tlvs);
	AckInfo info = parse_ack(as_hdr(buf)).value();
	EXPECT_EQ(info.error, EINVAL);
	EXPECT_EQ(info.message, "");

	// A message without its terminating NUL is bounded by its length.
	std::vector<unsigned char> raw;
	put_tlv(raw, NLMSGERR_ATTR_MSG, "abcd", 4);
	buf = build_error(-EINVAL, hdr(request), true, raw);
	info = parse_ack(as_hdr(buf)).value();
	EXPECT_EQ(info.message, "abcd");

	// An echoed request whose length is nonsense.
	std::vector<unsigned char> ok;
	put_tlv_string(ok, NLMSGERR_ATTR_MSG, "x");
	buf = build_error(-EINVAL, hdr(request), false, ok);
	const std::uint32_t huge = 0xfffffff0;
	std::memcpy(buf.data() + NLMSG_HDRLEN + sizeof(int), &huge, sizeof(huge));
	info = parse_ack(as_hdr(buf)).value();
	EXPECT_EQ(info.error, EINVAL);
	EXPECT_EQ(info.message, "");

	// Too short to hold an nlmsgerr at all.
	nlmsghdr h{};
	h.nlmsg_len = NLMSG_HDRLEN;
	h.nlmsg_type = NLMSG_ERROR;
	EXPECT_FALSE(parse_ack(&h).ok());
}

TEST(Ack, RefusesAnErrorCodeThatIsNoErrno)
{
	// -INT_MIN does not exist; it was computed all the same.
	NlMsgPtr request = encode_range_del(kFamily, 3).value();
	for (const int v : {INT_MIN, -4096, 4096}) {
		auto ack = parse_ack(as_hdr(build_error(v, hdr(request), true, {})));
		ASSERT_FALSE(ack.ok()) << v;
		EXPECT_EQ(ack.error().errnum(), EPROTO);

		std::vector<unsigned char> done(NLMSG_HDRLEN + sizeof(int), 0);
		nlmsghdr h{};
		h.nlmsg_type = NLMSG_DONE;
		std::memcpy(done.data(), &h, sizeof(h));
		std::memcpy(done.data() + NLMSG_HDRLEN, &v, sizeof(v));
		set_len(done);
		EXPECT_FALSE(parse_done(as_hdr(done)).ok()) << v;
	}
	EXPECT_EQ(parse_ack(as_hdr(build_error(-4095, hdr(request), true, {}))).value().error,
		  4095);
}

TEST(Ack, EchoLengthNear4GiBFindsNoTlvs)
{
	// An echo that claims 0xfffffff4 bytes: the extended ACK would start
	// past the message. Aligned in 32 bits the offset wrapped to 8 and
	// the header's seq and port were read as an NLMSGERR_ATTR_MSG.
	NlMsgPtr request = encode_range_del(kFamily, 3).value();
	std::vector<unsigned char> tlvs;
	put_tlv_string(tlvs, NLMSGERR_ATTR_MSG, "real");
	auto buf = build_error(-EINVAL, hdr(request), false, tlvs);
	const std::uint32_t seq = (std::uint32_t{NLMSGERR_ATTR_MSG} << 16) | 8; // len 8, type MSG
	std::memcpy(buf.data() + offsetof(nlmsghdr, nlmsg_seq), &seq, sizeof(seq));
	std::memcpy(buf.data() + offsetof(nlmsghdr, nlmsg_pid), "bad", 4);
	const std::uint32_t echoed = 0xfffffff4;
	std::memcpy(buf.data() + NLMSG_HDRLEN + sizeof(int), &echoed, sizeof(echoed));

	const AckInfo info = parse_ack(as_hdr(buf)).value();
	EXPECT_EQ(info.error, EINVAL);
	EXPECT_EQ(info.message, "");
	EXPECT_FALSE(info.offset);
}

TEST(Ack, DumpDone)
{
	std::vector<unsigned char> buf(NLMSG_HDRLEN, 0);
	nlmsghdr h{};
	h.nlmsg_type = NLMSG_DONE;
	h.nlmsg_flags = NLM_F_MULTI | NLM_F_ACK_TLVS;
	std::memcpy(buf.data(), &h, sizeof(h));
	const int error = -ENOENT;
	const auto *e = reinterpret_cast<const unsigned char *>(&error);
	buf.insert(buf.end(), e, e + sizeof(error));
	put_tlv_string(buf, NLMSGERR_ATTR_MSG, "no such range");
	set_len(buf);

	const AckInfo info = parse_done(as_hdr(buf)).value();
	EXPECT_EQ(info.error, ENOENT);
	EXPECT_EQ(info.message, "no such range");

	std::vector<unsigned char> plain(NLMSG_HDRLEN + sizeof(int), 0);
	h.nlmsg_flags = NLM_F_MULTI;
	std::memcpy(plain.data(), &h, sizeof(h));
	set_len(plain);
	const AckInfo done = parse_done(as_hdr(plain)).value();
	EXPECT_EQ(done.error, 0);
	EXPECT_EQ(done.message, "");
}
