// SPDX-License-Identifier: GPL-2.0
#include "memplug/nl.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

#include <linux/genetlink.h>

#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace memplug {

namespace {

// What the event socket asks for as receive buffer; the kernel caps it at
// net.core.rmem_max. Loss beyond it is repaired from the ring.
constexpr int kEventBufferBytes = 4 << 20;
// Most messages one receive() drains, so a flood cannot starve the caller.
constexpr int kDrainMax = 4096;

// How often a dump that the kernel marked inconsistent (NLM_F_DUMP_INTR,
// the set changed while it was read) is started again before giving up.
constexpr int kDumpAttempts = 3;

// The calling thread's signal mask with SIGINT and SIGTERM removed: a wait
// with it ends on either, even while the caller keeps them blocked.
sigset_t mask_admitting_stop_signals()
{
	sigset_t mask;
	pthread_sigmask(SIG_BLOCK, nullptr, &mask);
	sigdelset(&mask, SIGINT);
	sigdelset(&mask, SIGTERM);
	return mask;
}

// State of one request/reply exchange, shared with the callbacks.
struct Exchange {
	std::vector<std::vector<unsigned char>> replies;
	bool done = false;
	bool interrupted = false; // NLM_F_DUMP_INTR seen
	int error = 0;            // positive errno from the kernel
	std::string extack;
	std::optional<Error> local; // malformed ACK and the like
	std::uint32_t seq = 0;      // of the request; other messages are stale
};

void record(Exchange &ex, Result<AckInfo> info)
{
	if (!info) {
		ex.local = std::move(info).error();
		return;
	}
	ex.error = info->error;
	ex.extack = info->message;
}

int on_valid(nl_msg *msg, void *arg)
{
	auto &ex = *static_cast<Exchange *>(arg);
	const nlmsghdr *hdr = nlmsg_hdr(msg);
	const auto *bytes = reinterpret_cast<const unsigned char *>(hdr);
	ex.replies.emplace_back(bytes, bytes + hdr->nlmsg_len);
	return NL_OK;
}

int on_ack(nl_msg *msg, void *arg)
{
	auto &ex = *static_cast<Exchange *>(arg);
	record(ex, parse_ack(nlmsg_hdr(msg)));
	ex.done = true;
	return NL_STOP;
}

int on_finish(nl_msg *msg, void *arg)
{
	auto &ex = *static_cast<Exchange *>(arg);
	record(ex, parse_done(nlmsg_hdr(msg)));
	ex.done = true;
	return NL_STOP;
}

// Our own sequence check: libnl's counts ACKs, and a request the kernel
// never acknowledged (EINTR) would put it off by one for good. Replies to
// an earlier request are dropped.
int on_seq_check(nl_msg *msg, void *arg)
{
	const auto &ex = *static_cast<Exchange *>(arg);
	return nlmsg_hdr(msg)->nlmsg_seq == ex.seq ? NL_OK : NL_SKIP;
}

int on_dump_intr(nl_msg *, void *arg)
{
	static_cast<Exchange *>(arg)->interrupted = true;
	return NL_OK;
}

// libnl hands over the nlmsgerr; the header is right before it.
int on_error(sockaddr_nl *, nlmsgerr *err, void *arg)
{
	auto &ex = *static_cast<Exchange *>(arg);
	const auto *hdr = reinterpret_cast<const nlmsghdr *>(reinterpret_cast<const char *>(err) -
							     NLMSG_HDRLEN);
	record(ex, parse_ack(hdr));
	if (ex.error == 0 && !ex.local)
		ex.error = err->error < 0 ? -err->error : err->error;
	ex.done = true;
	return NL_STOP;
}

// Whether @fd has something to read right now.
bool readable(int fd)
{
	pollfd p{};
	p.fd = fd;
	p.events = POLLIN;
	int n;
	do
		n = poll(&p, 1, 0);
	while (n < 0 && errno == EINTR);
	return n != 0;
}

template <typename T>
Result<T> decode_one(const std::vector<std::vector<unsigned char>> &replies,
		     Result<T> (*decode)(const nlmsghdr *), const std::string &what)
{
	if (replies.size() != 1)
		return Error::system(what, EPROTO,
				     "expected one reply, got " + std::to_string(replies.size()));
	auto value = decode(reinterpret_cast<const nlmsghdr *>(replies[0].data()));
	if (!value)
		return std::move(std::move(value).error().add_context(what));
	return value;
}

template <typename T>
Result<std::vector<T>> decode_all(const std::vector<std::vector<unsigned char>> &replies,
				  Result<T> (*decode)(const nlmsghdr *), const std::string &what)
{
	std::vector<T> out;
	out.reserve(replies.size());
	for (const auto &reply : replies) {
		auto value = decode(reinterpret_cast<const nlmsghdr *>(reply.data()));
		if (!value)
			return std::move(std::move(value).error().add_context(what));
		out.push_back(std::move(*value));
	}
	return out;
}

// A connected generic netlink socket and memplug's family id. A missing
// family is ErrorKind::NoFamily (exit 3); other failures name @what.
struct FamilySocket {
	NlSockPtr sk;
	int family;
};

Result<FamilySocket> open_family(const std::string &what)
{
	NlSockPtr sk(nl_socket_alloc());
	if (!sk)
		return Error::system(what, ENOMEM);
	const int err = genl_connect(sk.get());
	if (err < 0)
		return Error::system(what, nlerr_to_errno(err), nl_geterror(err));

	const int family = genl_ctrl_resolve(sk.get(), MEMPLUG_FAMILY_NAME);
	if (family == -NLE_OBJ_NOTFOUND)
		return Error(ErrorKind::NoFamily,
			     "memplug is not loaded, and the kernel could not load it on demand "
			     "(no generic netlink family \"" MEMPLUG_FAMILY_NAME
			     "\"; is memplug.ko "
			     "installed? try modprobe memplug)");
	if (family < 0)
		return Error::system("resolving generic netlink family " MEMPLUG_FAMILY_NAME,
				     nlerr_to_errno(family), nl_geterror(family));
	return FamilySocket{std::move(sk), family};
}

// The version the kernel registered the family with (CTRL_ATTR_VERSION in
// the reply to CTRL_CMD_GETFAMILY), asked on a socket of its own so that
// nothing of the exchange is left on the client's; nothing when it
// cannot be read.
std::optional<std::uint32_t> registered_family_version()
{
	NlSockPtr sk(nl_socket_alloc());
	NlMsgPtr msg(nlmsg_alloc());
	NlCbPtr cb(nl_cb_alloc(NL_CB_DEFAULT));
	if (!sk || !msg || !cb || genl_connect(sk.get()) < 0)
		return std::nullopt;
	if (!genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
			 CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(msg.get(), CTRL_ATTR_FAMILY_NAME, MEMPLUG_FAMILY_NAME) < 0)
		return std::nullopt;

	std::optional<std::uint32_t> version;
	const auto on_reply = [](nl_msg *reply, void *arg) -> int {
		nlattr *attrs[CTRL_ATTR_MAX + 1];
		if (genlmsg_parse(nlmsg_hdr(reply), 0, attrs, CTRL_ATTR_MAX, nullptr) == 0 &&
		    attrs[CTRL_ATTR_VERSION] && nla_len(attrs[CTRL_ATTR_VERSION]) >= 4)
			*static_cast<std::optional<std::uint32_t> *>(arg) =
				nla_get_u32(attrs[CTRL_ATTR_VERSION]);
		return NL_OK;
	};
	nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_reply, &version);
	if (nl_send_auto(sk.get(), msg.get()) < 0)
		return std::nullopt;
	// The reply, then the ACK (or the error that ends it).
	for (int i = 0; i < 2 && !version; i++)
		if (nl_recvmsgs(sk.get(), cb.get()) < 0)
			break;
	return version;
}

} // namespace

int nlerr_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_SUCCESS:
		return 0;
	case NLE_INTR:
		return EINTR;
	case NLE_BAD_SOCK:
		return EBADF;
	case NLE_AGAIN:
		return EAGAIN;
	case NLE_NOMEM:
		// Also what libnl makes of ENOBUFS.
		return ENOMEM;
	case NLE_EXIST:
		return EEXIST;
	case NLE_INVAL:
		return EINVAL;
	case NLE_RANGE:
		return ERANGE;
	case NLE_MSGSIZE:
		return EMSGSIZE;
	case NLE_OPNOTSUPP:
		return EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
	case NLE_NOATTR:
	case NLE_NOCACHE:
	case NLE_MISSING_ATTR:
		return EINVAL;
	case NLE_SEQ_MISMATCH:
		return EPROTO;
	case NLE_MSG_OVERFLOW:
	case NLE_MSG_TRUNC:
		return EMSGSIZE;
	case NLE_NOADDR:
		return EADDRNOTAVAIL;
	case NLE_SRCRT_NOSUPPORT:
		return EOPNOTSUPP;
	case NLE_MSG_TOOSHORT:
	case NLE_MSGTYPE_NOSUPPORT:
		return EPROTO;
	case NLE_OBJ_MISMATCH:
		return EINVAL;
	case NLE_BUSY:
		return EBUSY;
	case NLE_PROTO_MISMATCH:
		return EPROTONOSUPPORT;
	case NLE_NOACCESS:
		return EACCES;
	case NLE_PERM:
		return EPERM;
	case NLE_PKTLOC_FILE:
		return ENOENT;
	case NLE_PARSE_ERR:
		return EINVAL;
	case NLE_NODEV:
		return ENODEV;
	case NLE_IMMUTABLE:
		return EPERM;
	case NLE_DUMP_INTR:
		return EINTR;
	case NLE_ATTRSIZE:
		return ERANGE;
	default:
		return EIO;
	}
}

Client::Client(NlSockPtr sk, int family)
    : sk_(std::move(sk))
    , family_(family)
{
}

Result<std::unique_ptr<Client>> Client::connect()
{
	auto got = open_family("connecting to generic netlink");
	if (!got)
		return std::move(got).error();
	auto &[sk, family] = *got;

	// Replies bigger than a page are read whole rather than truncated.
	nl_socket_enable_msg_peek(sk.get());

	// Without it refusals arrive without the kernel's explanation; kernels
	// without extended ACKs (before 4.12) still work, just less talkative.
	const int one = 1;
	(void)setsockopt(nl_socket_get_fd(sk.get()), SOL_NETLINK, NETLINK_EXT_ACK, &one,
			 sizeof(one));

	return std::unique_ptr<Client>(new Client(std::move(sk), family));
}

Result<std::vector<Client::Message>>
Client::transact(const Builder &build, bool dump, const std::string &what, std::string_view needs)
{
	for (int attempt = 1;; attempt++) {
		auto request = build();
		if (!request)
			return std::move(std::move(request).error().add_context(what));

		NlCbPtr cb(nl_cb_alloc(NL_CB_DEFAULT));
		if (!cb)
			return Error::system(what, ENOMEM);
		Exchange ex;
		nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &ex);
		nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_ack, &ex);
		nl_cb_set(cb.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &ex);
		nl_cb_set(cb.get(), NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, &ex);
		nl_cb_set(cb.get(), NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq_check, &ex);
		nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &ex);

		int err = nl_send_auto(sk_.get(), request->get());
		if (err < 0)
			return Error::system(what + ": sending the request", nlerr_to_errno(err),
					     nl_geterror(err));
		ex.seq = nlmsg_hdr(request->get())->nlmsg_seq;

		// A generic netlink doit runs inside sendmsg(): its reply and ACK
		// are queued by the time it returns. Nothing queued means the
		// handler returned EINTR, for which netlink_rcv_skb() sends no
		// ACK at all; waiting would block forever.
		if (!dump && !readable(nl_socket_get_fd(sk_.get())))
			return Error::kernel(what, EINTR,
					     "interrupted by a signal (the kernel sends no answer "
					     "then)");

		// nl_recvmsgs() returns after each batch; a dump may take many.
		// It retries recvmsg() itself when a signal interrupts it.
		while (!ex.done) {
			err = nl_recvmsgs(sk_.get(), cb.get());
			if (ex.done)
				break;
			if (err < 0)
				return Error::system(what + ": receiving the reply",
						     nlerr_to_errno(err), nl_geterror(err));
		}

		if (ex.local)
			return std::move(ex.local->add_context(what));
		// memplug says which capability it missed; a refusal by the
		// netlink core comes without a message.
		if (ex.error == EPERM && ex.extack.empty())
			ex.extack = "Operation not permitted, " + std::string(needs);
		if (ex.error != 0)
			return Error::kernel(what, ex.error, ex.extack);
		if (!dump || !ex.interrupted)
			return std::move(ex.replies);
		if (attempt == kDumpAttempts)
			return Error::system(what, EAGAIN,
					     "the set kept changing while it was being read");
	}
}

Result<Range> Client::range_doit(const Builder &build, const std::string &what,
				 std::string_view needs)
{
	auto replies = transact(build, false, what, needs);
	if (!replies)
		return std::move(replies).error();
	return decode_one<Range>(*replies, decode_range, what);
}

Result<Status> Client::status_get()
{
	const std::string what = "reading the memplug status";
	auto replies = transact([this] { return encode_status_get(family_); }, false, what);
	if (!replies)
		return std::move(replies).error();
	auto status = decode_one<Status>(*replies, decode_status, what);
	if (status)
		status->protocol = registered_family_version();
	return status;
}

Result<Range> Client::range_add(const RangeAddRequest &request)
{
	return range_doit([&] { return encode_range_add(family_, request); }, "adding the range",
			  request.force ? "CAP_SYS_ADMIN is required, and to force CAP_SYS_RAWIO "
					  "and a kernel that is not locked down"
					: kNeeds);
}

Result<Range> Client::range_del(std::uint32_t id)
{
	return range_doit([&] { return encode_range_del(family_, id); },
			  "removing range " + std::to_string(id));
}

Result<Range> Client::range_get(std::uint32_t id)
{
	return range_doit([&] { return encode_range_get(family_, id); },
			  "reading range " + std::to_string(id));
}

Result<std::vector<Range>> Client::range_dump()
{
	const std::string what = "listing ranges";
	auto replies =
		transact([this] { return encode_range_get(family_, std::nullopt); }, true, what);
	if (!replies)
		return std::move(replies).error();
	return decode_all<Range>(*replies, decode_range, what);
}

Result<Range> Client::range_set(const RangeSetRequest &request)
{
	return range_doit([&] { return encode_range_set(family_, request); },
			  "changing range " + std::to_string(request.id));
}

Result<Range> Client::range_cancel(std::uint32_t id)
{
	return range_doit([&] { return encode_range_cancel(family_, id); },
			  "cancelling the operation on range " + std::to_string(id));
}

Result<std::vector<Block>> Client::block_dump(std::optional<std::uint32_t> range_id)
{
	const std::string what = "listing memory blocks";
	auto replies = transact([&] { return encode_block_get(family_, range_id); }, true, what);
	if (!replies)
		return std::move(replies).error();
	return decode_all<Block>(*replies, decode_block, what);
}

Result<std::vector<Event>> Client::event_dump(std::uint64_t first_seq)
{
	const std::string what = "reading events";
	auto replies = transact([&] { return encode_event_get(family_, first_seq); }, true, what);
	if (!replies)
		return std::move(replies).error();
	return decode_all<Event>(*replies, decode_event, what);
}

Result<std::unique_ptr<EventStream>> Client::subscribe()
{
	auto sock = EventSocket::open();
	if (!sock)
		return std::move(sock).error();
	return std::unique_ptr<EventStream>(std::move(*sock));
}

EventSocket::EventSocket(NlSockPtr sk, int family)
    : sk_(std::move(sk))
    , family_(family)
    , buf_(65536)
{
}

Result<std::unique_ptr<EventSocket>> EventSocket::open()
{
	const std::string what = "joining the memplug monitor group";
	auto got = open_family(what);
	if (!got)
		return std::move(got).error();
	auto &[sk, family] = *got;
	const int group =
		genl_ctrl_resolve_grp(sk.get(), MEMPLUG_FAMILY_NAME, MEMPLUG_MCGRP_MONITOR);
	if (group < 0)
		return Error::system(
			what, group == -NLE_OBJ_NOTFOUND ? EPROTO : nlerr_to_errno(group),
			group == -NLE_OBJ_NOTFOUND ? "the module has no \"" MEMPLUG_MCGRP_MONITOR
						     "\" group"
						   : nl_geterror(group));

	// Events are not replies: no sequence numbers to check.
	nl_socket_disable_seq_check(sk.get());
	int err = nl_socket_set_buffer_size(sk.get(), kEventBufferBytes, 0);
	if (err < 0)
		return Error::system(what + ": sizing the receive buffer", nlerr_to_errno(err),
				     nl_geterror(err));
	err = nl_socket_add_membership(sk.get(), group);
	if (err == -NLE_PERM || err == -NLE_NOACCESS)
		return Error::kernel(what, EPERM,
				     "receiving events needs CAP_SYS_ADMIN (they carry physical "
				     "addresses)");
	if (err < 0)
		return Error::system(what, nlerr_to_errno(err), nl_geterror(err));
	err = nl_socket_set_nonblocking(sk.get());
	if (err < 0)
		return Error::system(what, nlerr_to_errno(err), nl_geterror(err));
	return std::unique_ptr<EventSocket>(new EventSocket(std::move(sk), family));
}

Result<Received> EventSocket::receive(std::optional<std::chrono::milliseconds> timeout)
{
	const std::string what = "receiving events";
	const int fd = nl_socket_get_fd(sk_.get());
	Received r;

	pollfd p{};
	p.fd = fd;
	p.events = POLLIN;
	timespec ts{};
	if (timeout) {
		ts.tv_sec = static_cast<time_t>(timeout->count() / 1000);
		ts.tv_nsec = static_cast<long>(timeout->count() % 1000) * 1000000;
	}
	const sigset_t mask = mask_admitting_stop_signals();
	const int n = ppoll(&p, 1, timeout ? &ts : nullptr, &mask);
	if (n < 0) {
		if (errno == EINTR) {
			r.interrupted = true;
			return r;
		}
		return Error::system(what, errno);
	}
	if (n == 0) {
		r.timed_out = true;
		return r;
	}

	for (int i = 0; i < kDrainMax; i++) {
		sockaddr_nl from{};
		iovec iov{buf_.data(), buf_.size()};
		msghdr msg{};
		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		const ssize_t len = recvmsg(fd, &msg, MSG_DONTWAIT);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == ENOBUFS) {
				// Reported once per overflow; the socket goes on.
				r.overflow = true;
				continue;
			}
			return Error::system(what, errno);
		}
		if (len == 0)
			break;
		if (msg.msg_flags & MSG_TRUNC)
			return Error::system(what, EMSGSIZE, "an event did not fit the buffer");
		// Only the kernel speaks on this group.
		if (from.nl_pid != 0)
			continue;

		auto remaining = static_cast<int>(len);
		for (auto *hdr = reinterpret_cast<nlmsghdr *>(buf_.data());
		     NLMSG_OK(hdr, remaining); hdr = NLMSG_NEXT(hdr, remaining)) {
			if (hdr->nlmsg_type != family_)
				continue;
			if (hdr->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
				continue;
			const auto *genl = static_cast<const genlmsghdr *>(NLMSG_DATA(hdr));
			if (genl->cmd != MEMPLUG_CMD_EVENT_NTF)
				continue;
			auto event = decode_event(hdr);
			if (!event)
				return std::move(std::move(event).error().add_context(what));
			r.events.push_back(std::move(*event));
		}
	}
	return r;
}

} // namespace memplug
