// SPDX-License-Identifier: GPL-2.0
#include "memplug/codec.hpp"

#include <array>
#include <cerrno>
#include <cstring>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "memplug/proto.gen.hpp"
#include "nl_policy.gen.hpp"

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
// Each attribute is put as the spec types it.
class Writer {
public:
	explicit Writer(nl_msg *msg)
	    : msg_(msg)
	{
	}

	template <std::uint16_t Id, proto::Type T>
	void put(proto::AttrId<Id, T>, proto::value_t<T> v)
	{
		if constexpr (T == proto::Type::U8)
			check(nla_put_u8(msg_, Id, v));
		else if constexpr (T == proto::Type::U16)
			check(nla_put_u16(msg_, Id, v));
		else if constexpr (T == proto::Type::U32)
			check(nla_put_u32(msg_, Id, v));
		else if constexpr (T == proto::Type::U64)
			check(nla_put_u64(msg_, Id, v));
		else
			check(nla_put_s32(msg_, Id, v));
	}
	template <std::uint16_t Id>
	void put(proto::AttrId<Id, proto::Type::String>, const std::string &v)
	{
		check(nla_put_string(msg_, Id, v.c_str()));
	}
	template <std::uint16_t Id>
	void flag(proto::AttrId<Id, proto::Type::Flag>)
	{
		check(nla_put_flag(msg_, Id));
	}
	template <std::uint16_t Id>
	nlattr *nest_start(proto::AttrId<Id, proto::Type::Nest>)
	{
		nlattr *nest = nla_nest_start(msg_, Id);
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

Error missing(std::string_view what, std::string_view attr)
{
	return malformed(what, "missing attribute " + std::string(attr));
}

// "online-cb-ranges" as the C header spells it: "ONLINE_CB_RANGES".
std::string upper(std::string_view name)
{
	std::string s(name);
	for (char &c : s)
		c = c == '-' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
	return s;
}

// One attribute set of the spec (@Spec, proto::range_attrs and the like)
// as parsed from a message or a nest with libnl's policy for it
// (@Policy): the attributes read by the spec's ids, each as its type.
template <const auto &Spec, const auto &Policy>
class Attrs {
	static_assert(Spec.size() == Policy.size());

public:
	static constexpr int maxtype = static_cast<int>(Spec.size()) - 1;

	nlattr **tb() { return tb_.data(); }
	static const nla_policy *policy() { return Policy.data(); }

	template <std::uint16_t Id, proto::Type T>
	bool has(proto::AttrId<Id, T> attr) const
	{
		check(attr);
		return tb_[Id] != nullptr;
	}

	// The value, if the attribute came; for a flag, whether it came.
	// The policy has checked the payload's length, a string's NUL.
	template <std::uint16_t Id, proto::Type T>
	auto get(proto::AttrId<Id, T> attr) const
	{
		check(attr);
		const nlattr *a = tb_[Id];
		if constexpr (T == proto::Type::Flag) {
			return a != nullptr;
		} else if constexpr (T == proto::Type::String) {
			if (a == nullptr)
				return std::optional<std::string>();
			return std::optional<std::string>(static_cast<const char *>(nla_data(a)));
		} else {
			using V = proto::value_t<T>;
			if (a == nullptr)
				return std::optional<V>();
			V v;
			std::memcpy(&v, nla_data(a), sizeof(v));
			return std::optional<V>(v);
		}
	}

	// The attribute's name: "FAIL_ERRNO".
	template <std::uint16_t Id, proto::Type T>
	static std::string name(proto::AttrId<Id, T> attr)
	{
		check(attr);
		return upper(Spec[Id].name);
	}

	// With the set's: "RANGE_ID".
	template <std::uint16_t Id, proto::Type T>
	static std::string full_name(proto::AttrId<Id, T> attr)
	{
		std::string_view set;
		for (const proto::AttrSet &s : proto::attr_sets)
			if (s.attrs == Spec.data())
				set = s.name;
		return upper(set) + "_" + name(attr);
	}

	// The error for the first of @attrs that did not come, if any.
	template <typename... A>
	std::optional<Error> missing(std::string_view what, A... attrs) const
	{
		std::optional<Error> err;
		auto need = [&](auto attr) {
			if (!err && !has(attr))
				err = memplug::missing(what, full_name(attr));
		};
		(need(attrs), ...);
		return err;
	}

private:
	// An attribute of this set, or at least one of the same number and
	// type: the generated ids do not name their set.
	template <std::uint16_t Id, proto::Type T>
	static constexpr void check(proto::AttrId<Id, T>)
	{
		static_assert(Id < Spec.size() && Spec[Id].type == T,
			      "not an attribute of this set");
	}

	std::array<nlattr *, Spec.size()> tb_{};
};

using StatusAttrs = Attrs<proto::status_attrs, proto::nl::status>;
using RangeAttrs = Attrs<proto::range_attrs, proto::nl::range>;
using ExcludeAttrs = Attrs<proto::exclude_attrs, proto::nl::exclude>;
using MemTypeAttrs = Attrs<proto::memtype_attrs, proto::nl::memtype>;
using BlockAttrs = Attrs<proto::block_attrs, proto::nl::block>;
using EventAttrs = Attrs<proto::event_attrs, proto::nl::event>;

// Parses the attributes of a generic netlink reply as @A's policy says.
template <typename A>
Result<A> parse_reply(const nlmsghdr *hdr, std::string_view what)
{
	if (hdr->nlmsg_len < NLMSG_HDRLEN || !genlmsg_valid_hdr(mutable_hdr(hdr), 0))
		return malformed(what, "short generic netlink header");
	A attrs;
	const int err = genlmsg_parse(mutable_hdr(hdr), 0, attrs.tb(), A::maxtype, A::policy());
	if (err < 0)
		return malformed(what, nl_geterror(err));
	return attrs;
}

// Errnos run from 1 to the kernel's MAX_ERRNO.
constexpr std::int64_t kMaxErrno = 4095;

// FAIL_ERRNO, VETO_ERRNO, ERROR into @out: a negative errno; anything else
// is refused (the Error), so that nothing downstream negates INT_MIN or
// names a number as an errno.
template <typename A, std::uint16_t Id>
std::optional<Error> get_neg_errno(const A &attrs, proto::AttrId<Id, proto::Type::S32> attr,
				   std::string_view what, std::optional<std::int32_t> &out)
{
	const auto v = attrs.get(attr);
	if (v && (*v >= 0 || *v < -kMaxErrno))
		return malformed(what, A::name(attr) + " " + std::to_string(*v) +
					       " is not a negative errno");
	out = v;
	return std::nullopt;
}

// The error code of NLMSG_ERROR and NLMSG_DONE: 0 or an errno, negative as
// the kernel sends it (positive taken as is).
Result<int> ack_errno(int error, std::string_view what)
{
	if (error < -kMaxErrno || error > kMaxErrno)
		return malformed(what, "error code " + std::to_string(error) + " is not an errno");
	return error < 0 ? -error : error;
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
	w.put(proto::range::start, request.start);
	w.put(proto::range::size, request.size);
	if (request.node)
		w.put(proto::range::node, *request.node);
	if (request.name)
		w.put(proto::range::name, *request.name);
	if (request.zone_policy)
		w.put(proto::range::zone_policy, static_cast<std::uint32_t>(*request.zone_policy));
	if (request.protect)
		w.put(proto::range::protect, 1);
	if (request.verify)
		w.flag(proto::range::verify);
	if (request.memmap_on_memory)
		w.flag(proto::range::memmap_on_memory);
	for (const auto &ex : request.excludes) {
		nlattr *nest = w.nest_start(proto::range::exclude);
		w.put(proto::exclude::start, ex.start);
		w.put(proto::exclude::size, ex.size);
		w.nest_end(nest);
	}
	if (request.hold)
		w.flag(proto::range::hold);
	if (request.defer_online)
		w.flag(proto::range::defer_online);
	if (request.force)
		w.flag(proto::range::force);
	if (request.tier) {
		w.put(proto::range::tier, static_cast<std::uint32_t>(request.tier->tier));
		if (request.tier->adistance)
			w.put(proto::range::adistance, *request.tier->adistance);
	}
	return finish(std::move(msg), w);
}

Result<NlMsgPtr> encode_range_del(int family, std::uint32_t id)
{
	auto msg = start_request(family, MEMPLUG_CMD_RANGE_DEL, 0);
	if (!msg)
		return msg;
	Writer w(msg->get());
	w.put(proto::range::id, id);
	return finish(std::move(msg), w);
}

Result<NlMsgPtr> encode_range_get(int family, std::optional<std::uint32_t> id)
{
	auto msg = start_request(family, MEMPLUG_CMD_RANGE_GET, id ? 0 : NLM_F_DUMP);
	if (!msg)
		return msg;
	Writer w(msg->get());
	if (id)
		w.put(proto::range::id, *id);
	return finish(std::move(msg), w);
}

Result<NlMsgPtr> encode_range_set(int family, const RangeSetRequest &request)
{
	auto msg = start_request(family, MEMPLUG_CMD_RANGE_SET, 0);
	if (!msg)
		return msg;
	Writer w(msg->get());
	w.put(proto::range::id, request.id);
	if (request.protect)
		w.put(proto::range::protect, *request.protect ? 1 : 0);
	if (request.zone_policy)
		w.put(proto::range::zone_policy, static_cast<std::uint32_t>(*request.zone_policy));
	if (request.commit)
		w.flag(proto::range::commit);
	return finish(std::move(msg), w);
}

Result<NlMsgPtr> encode_range_cancel(int family, std::uint32_t id)
{
	auto msg = start_request(family, MEMPLUG_CMD_RANGE_CANCEL, 0);
	if (!msg)
		return msg;
	Writer w(msg->get());
	w.put(proto::range::id, id);
	return finish(std::move(msg), w);
}

Result<NlMsgPtr> encode_block_get(int family, std::optional<std::uint32_t> range_id)
{
	auto msg = start_request(family, MEMPLUG_CMD_BLOCK_GET, NLM_F_DUMP);
	if (!msg)
		return msg;
	Writer w(msg->get());
	if (range_id)
		w.put(proto::block::range_id, *range_id);
	return finish(std::move(msg), w);
}

Result<NlMsgPtr> encode_event_get(int family, std::uint64_t first_seq)
{
	auto msg = start_request(family, MEMPLUG_CMD_EVENT_GET, NLM_F_DUMP);
	if (!msg)
		return msg;
	Writer w(msg->get());
	w.put(proto::event::seq, first_seq);
	return finish(std::move(msg), w);
}

Result<Status> decode_status(const nlmsghdr *hdr)
{
	auto parsed = parse_reply<StatusAttrs>(hdr, "status reply");
	if (!parsed)
		return std::move(parsed).error();
	const StatusAttrs &a = *parsed;
	namespace at = proto::status;

	Status s;
	s.version = a.get(at::version);
	s.block_size = a.get(at::block_size);
	s.pluggable_start = a.get(at::pluggable_start);
	s.pluggable_end = a.get(at::pluggable_end);
	s.online_cb = a.get(at::online_cb);
	s.online_cb_reason = a.get(at::online_cb_reason);
	s.ranges = a.get(at::ranges);
	s.plugged_bytes = a.get(at::plugged_bytes);
	s.plugs = a.get(at::plugs);
	s.unplugs = a.get(at::unplugs);
	s.plug_failures = a.get(at::plug_failures);
	s.unplug_failures = a.get(at::unplug_failures);
	s.vetoes = a.get(at::vetoes);
	s.event_seq = a.get(at::event_seq);
	s.event_oldest = a.get(at::event_oldest);
	s.event_ring_size = a.get(at::event_ring_size);
	s.objects = a.get(at::objects);
	s.kdump = a.get(at::kdump);
	s.online_cb_ranges = a.get(at::online_cb_ranges);

	// MEMTYPE repeats, one per node; the table only holds the last one.
	auto *gnlh = static_cast<genlmsghdr *>(nlmsg_data(mutable_hdr(hdr)));
	nlattr *pos;
	int rem;
	nla_for_each_attr(pos, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), rem)
	{
		if (nla_type(pos) != at::memtype.id)
			continue;
		MemTypeAttrs mt;
		const int err = nla_parse_nested(mt.tb(), MemTypeAttrs::maxtype, pos,
						 MemTypeAttrs::policy());
		if (err < 0)
			return malformed("status reply", nl_geterror(err));
		namespace mt_at = proto::memtype;
		if (auto absent = mt.missing("status reply", mt_at::node, mt_at::adistance,
					     mt_at::ranges))
			return *absent;
		s.memtypes.push_back(
			{*mt.get(mt_at::node), *mt.get(mt_at::adistance), *mt.get(mt_at::ranges)});
	}
	return s;
}

Result<Range> decode_range(const nlmsghdr *hdr)
{
	constexpr std::string_view what = "range reply";
	auto parsed = parse_reply<RangeAttrs>(hdr, what);
	if (!parsed)
		return std::move(parsed).error();
	const RangeAttrs &a = *parsed;
	namespace at = proto::range;
	if (auto err = a.missing(what, at::id, at::start, at::size))
		return *err;

	Range r;
	r.id = *a.get(at::id);
	r.start = *a.get(at::start);
	r.size = *a.get(at::size);
	r.node = a.get(at::node);
	r.name = a.get(at::name).value_or("");
	r.state = a.get(at::state).value_or(0);
	r.zone_policy = a.get(at::zone_policy);
	r.protect = a.get(at::protect).value_or(0) != 0;
	r.verify = a.get(at::verify);
	r.memmap_on_memory = a.get(at::memmap_on_memory);
	r.defer_online = a.get(at::defer_online);
	r.group_id = a.get(at::group_id);
	r.blocks = a.get(at::blocks);
	r.blocks_online = a.get(at::blocks_online);
	r.pages_online = a.get(at::pages_online);
	r.pages_excluded = a.get(at::pages_excluded);
	r.pages_verified = a.get(at::pages_verified);
	r.pages_bad = a.get(at::pages_bad);
	r.add_ns = a.get(at::add_ns);
	r.remove_ns = a.get(at::remove_ns);
	r.online_ns = a.get(at::online_ns);
	r.offline_ns = a.get(at::offline_ns);
	r.fail_block = a.get(at::fail_block);
	if (auto err = get_neg_errno(a, at::fail_errno, what, r.fail_errno))
		return *err;
	r.blocks_present = a.get(at::blocks_present);
	r.rollback_attempts = a.get(at::rollback_attempts);
	r.plugged_by = a.get(at::plugged_by);
	r.fail_reason = a.get(at::fail_reason);
	r.blocks_done = a.get(at::blocks_done);
	r.bytes_done = a.get(at::bytes_done);
	r.tier = a.get(at::tier);
	r.adistance = a.get(at::adistance);

	// EXCLUDE repeats; the table only holds the last one.
	auto *gnlh = static_cast<genlmsghdr *>(nlmsg_data(mutable_hdr(hdr)));
	nlattr *pos;
	int rem;
	nla_for_each_attr(pos, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), rem)
	{
		if (nla_type(pos) != at::exclude.id)
			continue;
		ExcludeAttrs ex;
		const int err = nla_parse_nested(ex.tb(), ExcludeAttrs::maxtype, pos,
						 ExcludeAttrs::policy());
		if (err < 0)
			return malformed(what, nl_geterror(err));
		const auto start = ex.get(proto::exclude::start);
		const auto size = ex.get(proto::exclude::size);
		if (!start || !size)
			return missing(what, ExcludeAttrs::full_name(proto::exclude::start) + "/" +
						     ExcludeAttrs::full_name(proto::exclude::size));
		r.excludes.push_back({*start, *size});
	}
	return r;
}

Result<Block> decode_block(const nlmsghdr *hdr)
{
	constexpr std::string_view what = "block reply";
	auto parsed = parse_reply<BlockAttrs>(hdr, what);
	if (!parsed)
		return std::move(parsed).error();
	const BlockAttrs &a = *parsed;
	namespace at = proto::block;
	if (auto err = a.missing(what, at::id, at::start, at::state))
		return *err;

	Block b;
	b.id = *a.get(at::id);
	b.range_id = a.get(at::range_id).value_or(0);
	b.start = *a.get(at::start);
	b.size = a.get(at::size).value_or(0);
	b.state = *a.get(at::state);
	b.zone = a.get(at::zone);
	b.node = a.get(at::node);
	return b;
}

Result<Event> decode_event(const nlmsghdr *hdr)
{
	constexpr std::string_view what = "event";
	auto parsed = parse_reply<EventAttrs>(hdr, what);
	if (!parsed)
		return std::move(parsed).error();
	const EventAttrs &a = *parsed;
	namespace at = proto::event;
	if (auto err = a.missing(what, at::seq, at::action))
		return *err;

	Event e;
	e.seq = *a.get(at::seq);
	e.time_ns = a.get(at::time_ns);
	e.realtime_ns = a.get(at::realtime_ns);
	e.action = *a.get(at::action);
	e.start_pfn = a.get(at::start_pfn);
	e.nr_pages = a.get(at::nr_pages);
	e.start = a.get(at::start);
	e.size = a.get(at::size);
	e.block = a.get(at::block);
	e.node = a.get(at::node);
	e.zone = a.get(at::zone);
	e.status_change_nid = a.get(at::status_change_nid);
	e.status_change_nid_normal = a.get(at::status_change_nid_normal);
	e.range_id = a.get(at::range_id);
	if (auto err = get_neg_errno(a, at::veto_errno, what, e.veto_errno))
		return *err;
	e.veto_reason = a.get(at::veto_reason);
	if (auto err = get_neg_errno(a, at::error, what, e.error))
		return *err;
	e.reason = a.get(at::reason);
	e.blocks_done = a.get(at::blocks_done);
	e.blocks_total = a.get(at::blocks_total);
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
