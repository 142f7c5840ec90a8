// SPDX-License-Identifier: GPL-2.0
#include "memplug/codec.hpp"

#include <cerrno>
#include <cstring>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

namespace memplug {

namespace {

// libnl takes non-const pointers even where it only reads.
nlmsghdr *mutable_hdr(const nlmsghdr *hdr)
{
	return const_cast<nlmsghdr *>(hdr);
}

Error malformed(std::string_view what, std::string detail)
{
	return Error::system("malformed " + std::string(what) + " from the kernel", EPROTO,
			     std::move(detail));
}

Error encode_failed(int nlerr)
{
	return Error::system("building a netlink request", ENOMEM, nl_geterror(nlerr));
}

// Starts a request with the generic netlink header.
Result<NlMsgPtr> start_request(int family, std::uint8_t cmd, int flags)
{
	NlMsgPtr msg(nlmsg_alloc());
	if (!msg)
		return Error::system("building a netlink request", ENOMEM);
	if (genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
			MEMPLUG_FAMILY_VERSION) == nullptr)
		return Error::system("building a netlink request", EMSGSIZE);
	return msg;
}

// Collects the first nla_put_*() failure so encoders read straight through.
class Writer {
public:
	explicit Writer(nl_msg *msg)
	    : msg_(msg)
	{
	}

	void u8(int type, std::uint8_t v) { check(nla_put_u8(msg_, type, v)); }
	void u32(int type, std::uint32_t v) { check(nla_put_u32(msg_, type, v)); }
	void u64(int type, std::uint64_t v) { check(nla_put_u64(msg_, type, v)); }
	void flag(int type) { check(nla_put_flag(msg_, type)); }
	void string(int type, const std::string &v)
	{
		check(nla_put_string(msg_, type, v.c_str()));
	}
	nlattr *nest_start(int type)
	{
		nlattr *nest = nla_nest_start(msg_, type);
		if (nest == nullptr)
			check(-NLE_NOMEM);
		return nest;
	}
	void nest_end(nlattr *nest)
	{
		if (nest != nullptr)
			check(nla_nest_end(msg_, nest));
	}

	int error() const { return error_; }

private:
	void check(int err)
	{
		if (err < 0 && error_ == 0)
			error_ = err;
	}

	nl_msg *msg_;
	int error_ = 0;
};

Result<NlMsgPtr> finish(Result<NlMsgPtr> msg, const Writer &w)
{
	if (w.error() != 0)
		return encode_failed(w.error());
	return msg;
}

// Parses the attributes of a generic netlink reply into @tb.
Result<void> parse_attrs(const nlmsghdr *hdr, std::string_view what, nlattr **tb, int maxtype,
			 const nla_policy *policy)
{
	if (hdr->nlmsg_len < NLMSG_HDRLEN || !genlmsg_valid_hdr(mutable_hdr(hdr), 0))
		return malformed(what, "short generic netlink header");
	const int err = genlmsg_parse(mutable_hdr(hdr), 0, tb, maxtype, policy);
	if (err < 0)
		return malformed(what, nl_geterror(err));
	return {};
}

Error missing(std::string_view what, std::string_view attr)
{
	return malformed(what, "missing attribute " + std::string(attr));
}

std::optional<std::uint64_t> opt_u64(nlattr *a)
{
	if (a == nullptr)
		return std::nullopt;
	return nla_get_u64(a);
}

std::optional<std::uint32_t> opt_u32(nlattr *a)
{
	if (a == nullptr)
		return std::nullopt;
	return nla_get_u32(a);
}

std::optional<std::int32_t> opt_s32(nlattr *a)
{
	if (a == nullptr)
		return std::nullopt;
	return static_cast<std::int32_t>(nla_get_u32(a));
}

std::optional<std::string> opt_string(nlattr *a)
{
	if (a == nullptr)
		return std::nullopt;
	return std::string(nla_get_string(a));
}

// Errnos run from 1 to the kernel's MAX_ERRNO.
constexpr std::int64_t kMaxErrno = 4095;

// FAIL_ERRNO, VETO_ERRNO: a negative errno; anything else is refused, so
// that nothing downstream negates INT_MIN or names a number as an errno.
Result<std::optional<std::int32_t>> opt_neg_errno(nlattr *a, std::string_view what,
						  std::string_view attr)
{
	const auto v = opt_s32(a);
	if (v && (*v >= 0 || *v < -kMaxErrno))
		return malformed(what, std::string(attr) + " " + std::to_string(*v) +
					       " is not a negative errno");
	return v;
}

// The error code of NLMSG_ERROR and NLMSG_DONE: 0 or an errno, negative as
// the kernel sends it (positive taken as is).
Result<int> ack_errno(int error, std::string_view what)
{
	if (error < -kMaxErrno || error > kMaxErrno)
		return malformed(what, "error code " + std::to_string(error) + " is not an errno");
	return error < 0 ? -error : error;
}

// Policies: the minimum lengths libnl enforces before we read a value. The
// kernel's s32 values use NLA_U32, which checks for four bytes (libnl's
// NLA_S32 has no minimum length).
struct Policies {
	nla_policy status[MEMPLUG_A_STATUS_MAX + 1] = {};
	nla_policy range[MEMPLUG_A_RANGE_MAX + 1] = {};
	nla_policy exclude[MEMPLUG_A_EXCLUDE_MAX + 1] = {};
	nla_policy block[MEMPLUG_A_BLOCK_MAX + 1] = {};
	nla_policy event[MEMPLUG_A_EVENT_MAX + 1] = {};

	Policies()
	{
		auto set = [](nla_policy *p, int type, std::uint16_t nla_type) {
			p[type].type = nla_type;
		};
		set(status, MEMPLUG_A_STATUS_VERSION, NLA_STRING);
		set(status, MEMPLUG_A_STATUS_BLOCK_SIZE, NLA_U64);
		set(status, MEMPLUG_A_STATUS_PLUGGABLE_START, NLA_U64);
		set(status, MEMPLUG_A_STATUS_PLUGGABLE_END, NLA_U64);
		set(status, MEMPLUG_A_STATUS_ONLINE_CB, NLA_U32);
		set(status, MEMPLUG_A_STATUS_ONLINE_CB_REASON, NLA_STRING);
		set(status, MEMPLUG_A_STATUS_RANGES, NLA_U32);
		set(status, MEMPLUG_A_STATUS_PLUGGED_BYTES, NLA_U64);
		set(status, MEMPLUG_A_STATUS_PLUGS, NLA_U64);
		set(status, MEMPLUG_A_STATUS_UNPLUGS, NLA_U64);
		set(status, MEMPLUG_A_STATUS_PLUG_FAILURES, NLA_U64);
		set(status, MEMPLUG_A_STATUS_UNPLUG_FAILURES, NLA_U64);
		set(status, MEMPLUG_A_STATUS_VETOES, NLA_U64);
		set(status, MEMPLUG_A_STATUS_EVENT_SEQ, NLA_U64);
		set(status, MEMPLUG_A_STATUS_EVENT_OLDEST, NLA_U64);
		set(status, MEMPLUG_A_STATUS_EVENT_RING_SIZE, NLA_U32);
		set(status, MEMPLUG_A_STATUS_OBJECTS, NLA_U32);
		set(status, MEMPLUG_A_STATUS_KDUMP, NLA_FLAG);
		set(status, MEMPLUG_A_STATUS_ONLINE_CB_RANGES, NLA_U32);

		set(range, MEMPLUG_A_RANGE_ID, NLA_U32);
		set(range, MEMPLUG_A_RANGE_START, NLA_U64);
		set(range, MEMPLUG_A_RANGE_SIZE, NLA_U64);
		set(range, MEMPLUG_A_RANGE_NODE, NLA_U32);
		set(range, MEMPLUG_A_RANGE_NAME, NLA_STRING);
		set(range, MEMPLUG_A_RANGE_STATE, NLA_U32);
		set(range, MEMPLUG_A_RANGE_ZONE_POLICY, NLA_U32);
		set(range, MEMPLUG_A_RANGE_PROTECT, NLA_U8);
		set(range, MEMPLUG_A_RANGE_VERIFY, NLA_FLAG);
		set(range, MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY, NLA_FLAG);
		set(range, MEMPLUG_A_RANGE_HOLD, NLA_FLAG);
		set(range, MEMPLUG_A_RANGE_COMMIT, NLA_FLAG);
		set(range, MEMPLUG_A_RANGE_EXCLUDE, NLA_NESTED);
		set(range, MEMPLUG_A_RANGE_GROUP_ID, NLA_U32);
		set(range, MEMPLUG_A_RANGE_BLOCKS, NLA_U32);
		set(range, MEMPLUG_A_RANGE_BLOCKS_ONLINE, NLA_U32);
		set(range, MEMPLUG_A_RANGE_PAGES_ONLINE, NLA_U64);
		set(range, MEMPLUG_A_RANGE_PAGES_EXCLUDED, NLA_U64);
		set(range, MEMPLUG_A_RANGE_PAGES_VERIFIED, NLA_U64);
		set(range, MEMPLUG_A_RANGE_PAGES_BAD, NLA_U64);
		set(range, MEMPLUG_A_RANGE_ADD_NS, NLA_U64);
		set(range, MEMPLUG_A_RANGE_REMOVE_NS, NLA_U64);
		set(range, MEMPLUG_A_RANGE_ONLINE_NS, NLA_U64);
		set(range, MEMPLUG_A_RANGE_OFFLINE_NS, NLA_U64);
		set(range, MEMPLUG_A_RANGE_FAIL_BLOCK, NLA_U32);
		set(range, MEMPLUG_A_RANGE_FAIL_ERRNO, NLA_U32);
		set(range, MEMPLUG_A_RANGE_DEFER_ONLINE, NLA_FLAG);
		set(range, MEMPLUG_A_RANGE_BLOCKS_PRESENT, NLA_U32);
		set(range, MEMPLUG_A_RANGE_ROLLBACK_ATTEMPTS, NLA_U32);

		set(exclude, MEMPLUG_A_EXCLUDE_START, NLA_U64);
		set(exclude, MEMPLUG_A_EXCLUDE_SIZE, NLA_U64);

		set(block, MEMPLUG_A_BLOCK_ID, NLA_U32);
		set(block, MEMPLUG_A_BLOCK_RANGE_ID, NLA_U32);
		set(block, MEMPLUG_A_BLOCK_START, NLA_U64);
		set(block, MEMPLUG_A_BLOCK_SIZE, NLA_U64);
		set(block, MEMPLUG_A_BLOCK_STATE, NLA_U32);
		set(block, MEMPLUG_A_BLOCK_ZONE, NLA_STRING);
		set(block, MEMPLUG_A_BLOCK_NODE, NLA_U32);

		set(event, MEMPLUG_A_EVENT_SEQ, NLA_U64);
		set(event, MEMPLUG_A_EVENT_TIME_NS, NLA_U64);
		set(event, MEMPLUG_A_EVENT_REALTIME_NS, NLA_U64);
		set(event, MEMPLUG_A_EVENT_ACTION, NLA_U32);
		set(event, MEMPLUG_A_EVENT_START_PFN, NLA_U64);
		set(event, MEMPLUG_A_EVENT_NR_PAGES, NLA_U64);
		set(event, MEMPLUG_A_EVENT_START, NLA_U64);
		set(event, MEMPLUG_A_EVENT_SIZE, NLA_U64);
		set(event, MEMPLUG_A_EVENT_BLOCK, NLA_U32);
		set(event, MEMPLUG_A_EVENT_NODE, NLA_U32);
		set(event, MEMPLUG_A_EVENT_ZONE, NLA_STRING);
		set(event, MEMPLUG_A_EVENT_STATUS_CHANGE_NID, NLA_U32);
		set(event, MEMPLUG_A_EVENT_STATUS_CHANGE_NID_NORMAL, NLA_U32);
		set(event, MEMPLUG_A_EVENT_RANGE_ID, NLA_U32);
		set(event, MEMPLUG_A_EVENT_VETO_ERRNO, NLA_U32);
		set(event, MEMPLUG_A_EVENT_VETO_REASON, NLA_STRING);
	}
};

const Policies &policies()
{
	static const Policies p;
	return p;
}

// Reads the extended ACK attributes in [data, data + len).
void parse_ack_tlvs(const unsigned char *data, std::size_t len, AckInfo &info)
{
	while (len >= NLA_HDRLEN) {
		nlattr attr;
		std::memcpy(&attr, data, sizeof(attr));
		if (attr.nla_len < NLA_HDRLEN || attr.nla_len > len)
			return;
		const unsigned char *payload = data + NLA_HDRLEN;
		const std::size_t plen = attr.nla_len - NLA_HDRLEN;
		switch (attr.nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			info.message.assign(reinterpret_cast<const char *>(payload),
					    strnlen(reinterpret_cast<const char *>(payload), plen));
			break;
		case NLMSGERR_ATTR_OFFS:
			if (plen >= sizeof(std::uint32_t)) {
				std::uint32_t v;
				std::memcpy(&v, payload, sizeof(v));
				info.offset = v;
			}
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (plen >= sizeof(std::uint32_t)) {
				std::uint32_t v;
				std::memcpy(&v, payload, sizeof(v));
				info.missing_type = v;
			}
			break;
		default:
			break;
		}
		const std::size_t step = NLA_ALIGN(attr.nla_len);
		if (step >= len)
			return;
		data += step;
		len -= step;
	}
}

} // namespace

Result<NlMsgPtr> encode_status_get(int family)
{
	return start_request(family, MEMPLUG_CMD_STATUS_GET, 0);
}

Result<NlMsgPtr> encode_range_add(int family, const RangeAddRequest &request)
{
	auto msg = start_request(family, MEMPLUG_CMD_RANGE_ADD, 0);
	if (!msg)
		return msg;
	Writer w(msg->get());
	w.u64(MEMPLUG_A_RANGE_START, request.start);
	w.u64(MEMPLUG_A_RANGE_SIZE, request.size);
	if (request.node)
		w.u32(MEMPLUG_A_RANGE_NODE, *request.node);
	if (request.name)
		w.string(MEMPLUG_A_RANGE_NAME, *request.name);
	if (request.zone_policy)
		w.u32(MEMPLUG_A_RANGE_ZONE_POLICY,
		      static_cast<std::uint32_t>(*request.zone_policy));
	if (request.protect)
		w.u8(MEMPLUG_A_RANGE_PROTECT, 1);
	if (request.verify)
		w.flag(MEMPLUG_A_RANGE_VERIFY);
	if (request.memmap_on_memory)
		w.flag(MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY);
	for (const auto &ex : request.excludes) {
		nlattr *nest = w.nest_start(MEMPLUG_A_RANGE_EXCLUDE);
		w.u64(MEMPLUG_A_EXCLUDE_START, ex.start);
		w.u64(MEMPLUG_A_EXCLUDE_SIZE, ex.size);
		w.nest_end(nest);
	}
	if (request.hold)
		w.flag(MEMPLUG_A_RANGE_HOLD);
	if (request.defer_online)
		w.flag(MEMPLUG_A_RANGE_DEFER_ONLINE);
	if (request.force)
		w.flag(MEMPLUG_A_RANGE_FORCE);
	return finish(std::move(msg), w);
}

Result<NlMsgPtr> encode_range_del(int family, std::uint32_t id)
{
	auto msg = start_request(family, MEMPLUG_CMD_RANGE_DEL, 0);
	if (!msg)
		return msg;
	Writer w(msg->get());
	w.u32(MEMPLUG_A_RANGE_ID, id);
	return finish(std::move(msg), w);
}

Result<NlMsgPtr> encode_range_get(int family, std::optional<std::uint32_t> id)
{
	auto msg = start_request(family, MEMPLUG_CMD_RANGE_GET, id ? 0 : NLM_F_DUMP);
	if (!msg)
		return msg;
	Writer w(msg->get());
	if (id)
		w.u32(MEMPLUG_A_RANGE_ID, *id);
	return finish(std::move(msg), w);
}

Result<NlMsgPtr> encode_range_set(int family, const RangeSetRequest &request)
{
	auto msg = start_request(family, MEMPLUG_CMD_RANGE_SET, 0);
	if (!msg)
		return msg;
	Writer w(msg->get());
	w.u32(MEMPLUG_A_RANGE_ID, request.id);
	if (request.protect)
		w.u8(MEMPLUG_A_RANGE_PROTECT, *request.protect ? 1 : 0);
	if (request.zone_policy)
		w.u32(MEMPLUG_A_RANGE_ZONE_POLICY,
		      static_cast<std::uint32_t>(*request.zone_policy));
	if (request.commit)
		w.flag(MEMPLUG_A_RANGE_COMMIT);
	return finish(std::move(msg), w);
}

Result<NlMsgPtr> encode_range_cancel(int family, std::uint32_t id)
{
	auto msg = start_request(family, MEMPLUG_CMD_RANGE_CANCEL, 0);
	if (!msg)
		return msg;
	Writer w(msg->get());
	w.u32(MEMPLUG_A_RANGE_ID, id);
	return finish(std::move(msg), w);
}

Result<NlMsgPtr> encode_block_get(int family, std::optional<std::uint32_t> range_id)
{
	auto msg = start_request(family, MEMPLUG_CMD_BLOCK_GET, NLM_F_DUMP);
	if (!msg)
		return msg;
	Writer w(msg->get());
	if (range_id)
		w.u32(MEMPLUG_A_BLOCK_RANGE_ID, *range_id);
	return finish(std::move(msg), w);
}

Result<NlMsgPtr> encode_event_get(int family, std::uint64_t first_seq)
{
	auto msg = start_request(family, MEMPLUG_CMD_EVENT_GET, NLM_F_DUMP);
	if (!msg)
		return msg;
	Writer w(msg->get());
	w.u64(MEMPLUG_A_EVENT_SEQ, first_seq);
	return finish(std::move(msg), w);
}

Result<Status> decode_status(const nlmsghdr *hdr)
{
	nlattr *tb[MEMPLUG_A_STATUS_MAX + 1] = {};
	auto parsed = parse_attrs(hdr, "status reply", tb, MEMPLUG_A_STATUS_MAX, policies().status);
	if (!parsed)
		return std::move(parsed).error();

	Status s;
	s.version = opt_string(tb[MEMPLUG_A_STATUS_VERSION]);
	s.block_size = opt_u64(tb[MEMPLUG_A_STATUS_BLOCK_SIZE]);
	s.pluggable_start = opt_u64(tb[MEMPLUG_A_STATUS_PLUGGABLE_START]);
	s.pluggable_end = opt_u64(tb[MEMPLUG_A_STATUS_PLUGGABLE_END]);
	s.online_cb = opt_u32(tb[MEMPLUG_A_STATUS_ONLINE_CB]);
	s.online_cb_reason = opt_string(tb[MEMPLUG_A_STATUS_ONLINE_CB_REASON]);
	s.ranges = opt_u32(tb[MEMPLUG_A_STATUS_RANGES]);
	s.plugged_bytes = opt_u64(tb[MEMPLUG_A_STATUS_PLUGGED_BYTES]);
	s.plugs = opt_u64(tb[MEMPLUG_A_STATUS_PLUGS]);
	s.unplugs = opt_u64(tb[MEMPLUG_A_STATUS_UNPLUGS]);
	s.plug_failures = opt_u64(tb[MEMPLUG_A_STATUS_PLUG_FAILURES]);
	s.unplug_failures = opt_u64(tb[MEMPLUG_A_STATUS_UNPLUG_FAILURES]);
	s.vetoes = opt_u64(tb[MEMPLUG_A_STATUS_VETOES]);
	s.event_seq = opt_u64(tb[MEMPLUG_A_STATUS_EVENT_SEQ]);
	s.event_oldest = opt_u64(tb[MEMPLUG_A_STATUS_EVENT_OLDEST]);
	s.event_ring_size = opt_u32(tb[MEMPLUG_A_STATUS_EVENT_RING_SIZE]);
	s.objects = opt_u32(tb[MEMPLUG_A_STATUS_OBJECTS]);
	s.kdump = tb[MEMPLUG_A_STATUS_KDUMP] != nullptr;
	s.online_cb_ranges = opt_u32(tb[MEMPLUG_A_STATUS_ONLINE_CB_RANGES]);
	return s;
}

Result<Range> decode_range(const nlmsghdr *hdr)
{
	constexpr std::string_view what = "range reply";
	nlattr *tb[MEMPLUG_A_RANGE_MAX + 1] = {};
	auto parsed = parse_attrs(hdr, what, tb, MEMPLUG_A_RANGE_MAX, policies().range);
	if (!parsed)
		return std::move(parsed).error();
	if (tb[MEMPLUG_A_RANGE_ID] == nullptr)
		return missing(what, "RANGE_ID");
	if (tb[MEMPLUG_A_RANGE_START] == nullptr)
		return missing(what, "RANGE_START");
	if (tb[MEMPLUG_A_RANGE_SIZE] == nullptr)
		return missing(what, "RANGE_SIZE");

	Range r;
	r.id = nla_get_u32(tb[MEMPLUG_A_RANGE_ID]);
	r.start = nla_get_u64(tb[MEMPLUG_A_RANGE_START]);
	r.size = nla_get_u64(tb[MEMPLUG_A_RANGE_SIZE]);
	r.node = opt_u32(tb[MEMPLUG_A_RANGE_NODE]);
	r.name = opt_string(tb[MEMPLUG_A_RANGE_NAME]).value_or("");
	r.state = opt_u32(tb[MEMPLUG_A_RANGE_STATE]).value_or(0);
	r.zone_policy = opt_u32(tb[MEMPLUG_A_RANGE_ZONE_POLICY]);
	r.protect = tb[MEMPLUG_A_RANGE_PROTECT] != nullptr &&
		    nla_get_u8(tb[MEMPLUG_A_RANGE_PROTECT]) != 0;
	r.verify = tb[MEMPLUG_A_RANGE_VERIFY] != nullptr;
	r.memmap_on_memory = tb[MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY] != nullptr;
	r.defer_online = tb[MEMPLUG_A_RANGE_DEFER_ONLINE] != nullptr;
	r.group_id = opt_u32(tb[MEMPLUG_A_RANGE_GROUP_ID]);
	r.blocks = opt_u32(tb[MEMPLUG_A_RANGE_BLOCKS]);
	r.blocks_online = opt_u32(tb[MEMPLUG_A_RANGE_BLOCKS_ONLINE]);
	r.pages_online = opt_u64(tb[MEMPLUG_A_RANGE_PAGES_ONLINE]);
	r.pages_excluded = opt_u64(tb[MEMPLUG_A_RANGE_PAGES_EXCLUDED]);
	r.pages_verified = opt_u64(tb[MEMPLUG_A_RANGE_PAGES_VERIFIED]);
	r.pages_bad = opt_u64(tb[MEMPLUG_A_RANGE_PAGES_BAD]);
	r.add_ns = opt_u64(tb[MEMPLUG_A_RANGE_ADD_NS]);
	r.remove_ns = opt_u64(tb[MEMPLUG_A_RANGE_REMOVE_NS]);
	r.online_ns = opt_u64(tb[MEMPLUG_A_RANGE_ONLINE_NS]);
	r.offline_ns = opt_u64(tb[MEMPLUG_A_RANGE_OFFLINE_NS]);
	r.fail_block = opt_u32(tb[MEMPLUG_A_RANGE_FAIL_BLOCK]);
	auto fail_errno = opt_neg_errno(tb[MEMPLUG_A_RANGE_FAIL_ERRNO], what, "FAIL_ERRNO");
	if (!fail_errno)
		return std::move(fail_errno).error();
	r.fail_errno = *fail_errno;
	r.blocks_present = opt_u32(tb[MEMPLUG_A_RANGE_BLOCKS_PRESENT]);
	r.rollback_attempts = opt_u32(tb[MEMPLUG_A_RANGE_ROLLBACK_ATTEMPTS]);

	// EXCLUDE repeats; tb[] only holds the last one.
	auto *gnlh = static_cast<genlmsghdr *>(nlmsg_data(mutable_hdr(hdr)));
	nlattr *pos;
	int rem;
	nla_for_each_attr(pos, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), rem)
	{
		if (nla_type(pos) != MEMPLUG_A_RANGE_EXCLUDE)
			continue;
		nlattr *ex[MEMPLUG_A_EXCLUDE_MAX + 1] = {};
		const int err =
			nla_parse_nested(ex, MEMPLUG_A_EXCLUDE_MAX, pos, policies().exclude);
		if (err < 0)
			return malformed(what, nl_geterror(err));
		if (ex[MEMPLUG_A_EXCLUDE_START] == nullptr || ex[MEMPLUG_A_EXCLUDE_SIZE] == nullptr)
			return missing(what, "EXCLUDE_START/EXCLUDE_SIZE");
		r.excludes.push_back({nla_get_u64(ex[MEMPLUG_A_EXCLUDE_START]),
				      nla_get_u64(ex[MEMPLUG_A_EXCLUDE_SIZE])});
	}
	return r;
}

Result<Block> decode_block(const nlmsghdr *hdr)
{
	constexpr std::string_view what = "block reply";
	nlattr *tb[MEMPLUG_A_BLOCK_MAX + 1] = {};
	auto parsed = parse_attrs(hdr, what, tb, MEMPLUG_A_BLOCK_MAX, policies().block);
	if (!parsed)
		return std::move(parsed).error();
	if (tb[MEMPLUG_A_BLOCK_ID] == nullptr)
		return missing(what, "BLOCK_ID");
	if (tb[MEMPLUG_A_BLOCK_START] == nullptr)
		return missing(what, "BLOCK_START");
	if (tb[MEMPLUG_A_BLOCK_STATE] == nullptr)
		return missing(what, "BLOCK_STATE");

	Block b;
	b.id = nla_get_u32(tb[MEMPLUG_A_BLOCK_ID]);
	b.range_id = opt_u32(tb[MEMPLUG_A_BLOCK_RANGE_ID]).value_or(0);
	b.start = nla_get_u64(tb[MEMPLUG_A_BLOCK_START]);
	b.size = opt_u64(tb[MEMPLUG_A_BLOCK_SIZE]).value_or(0);
	b.state = nla_get_u32(tb[MEMPLUG_A_BLOCK_STATE]);
	b.zone = opt_string(tb[MEMPLUG_A_BLOCK_ZONE]);
	b.node = opt_u32(tb[MEMPLUG_A_BLOCK_NODE]);
	return b;
}

Result<Event> decode_event(const nlmsghdr *hdr)
{
	constexpr std::string_view what = "event";
	nlattr *tb[MEMPLUG_A_EVENT_MAX + 1] = {};
	auto parsed = parse_attrs(hdr, what, tb, MEMPLUG_A_EVENT_MAX, policies().event);
	if (!parsed)
		return std::move(parsed).error();
	if (tb[MEMPLUG_A_EVENT_SEQ] == nullptr)
		return missing(what, "EVENT_SEQ");
	if (tb[MEMPLUG_A_EVENT_ACTION] == nullptr)
		return missing(what, "EVENT_ACTION");

	Event e;
	e.seq = nla_get_u64(tb[MEMPLUG_A_EVENT_SEQ]);
	e.time_ns = opt_u64(tb[MEMPLUG_A_EVENT_TIME_NS]);
	e.realtime_ns = opt_u64(tb[MEMPLUG_A_EVENT_REALTIME_NS]);
	e.action = nla_get_u32(tb[MEMPLUG_A_EVENT_ACTION]);
	e.start_pfn = opt_u64(tb[MEMPLUG_A_EVENT_START_PFN]);
	e.nr_pages = opt_u64(tb[MEMPLUG_A_EVENT_NR_PAGES]);
	e.start = opt_u64(tb[MEMPLUG_A_EVENT_START]);
	e.size = opt_u64(tb[MEMPLUG_A_EVENT_SIZE]);
	e.block = opt_u32(tb[MEMPLUG_A_EVENT_BLOCK]);
	e.node = opt_s32(tb[MEMPLUG_A_EVENT_NODE]);
	e.zone = opt_string(tb[MEMPLUG_A_EVENT_ZONE]);
	e.status_change_nid = opt_s32(tb[MEMPLUG_A_EVENT_STATUS_CHANGE_NID]);
	e.status_change_nid_normal = opt_s32(tb[MEMPLUG_A_EVENT_STATUS_CHANGE_NID_NORMAL]);
	e.range_id = opt_u32(tb[MEMPLUG_A_EVENT_RANGE_ID]);
	auto veto_errno = opt_neg_errno(tb[MEMPLUG_A_EVENT_VETO_ERRNO], what, "VETO_ERRNO");
	if (!veto_errno)
		return std::move(veto_errno).error();
	e.veto_errno = *veto_errno;
	e.veto_reason = opt_string(tb[MEMPLUG_A_EVENT_VETO_REASON]);
	return e;
}

Result<AckInfo> parse_ack(const nlmsghdr *hdr)
{
	const std::size_t len = hdr->nlmsg_len;
	if (hdr->nlmsg_type != NLMSG_ERROR || len < NLMSG_HDRLEN + sizeof(nlmsgerr))
		return malformed("ACK", "short NLMSG_ERROR");

	const auto *base = reinterpret_cast<const unsigned char *>(hdr);
	nlmsgerr err;
	std::memcpy(&err, base + NLMSG_HDRLEN, sizeof(err));

	auto error = ack_errno(err.error, "ACK");
	if (!error)
		return std::move(error).error();
	AckInfo info;
	info.error = *error;
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return info;

	// The error code, then the echoed request: only its header when
	// capped, else the whole request as long as its own length says.
	std::uint64_t echoed = sizeof(nlmsghdr);
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED)) {
		if (err.msg.nlmsg_len < sizeof(nlmsghdr))
			return info;
		echoed = err.msg.nlmsg_len;
	}
	// Aligned in 64 bits: NLMSG_ALIGN() masks with an unsigned int and
	// would cut an echo length near 4 GiB down to an offset inside the
	// message.
	const std::uint64_t tlv_off = (NLMSG_HDRLEN + sizeof(int) + echoed + 3) & ~std::uint64_t{3};
	if (tlv_off < len)
		parse_ack_tlvs(base + tlv_off, len - tlv_off, info);
	return info;
}

Result<AckInfo> parse_done(const nlmsghdr *hdr)
{
	const std::size_t len = hdr->nlmsg_len;
	if (hdr->nlmsg_type != NLMSG_DONE)
		return malformed("dump end", "not NLMSG_DONE");

	AckInfo info;
	// Old kernels and some families end a dump without an error code.
	if (len < NLMSG_HDRLEN + sizeof(int))
		return info;
	const auto *base = reinterpret_cast<const unsigned char *>(hdr);
	int error;
	std::memcpy(&error, base + NLMSG_HDRLEN, sizeof(error));
	auto checked = ack_errno(error, "dump end");
	if (!checked)
		return std::move(checked).error();
	info.error = *checked;
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return info;
	const std::size_t tlv_off = NLMSG_ALIGN(NLMSG_HDRLEN + sizeof(int));
	if (tlv_off < len)
		parse_ack_tlvs(base + tlv_off, len - tlv_off, info);
	return info;
}

} // namespace memplug
