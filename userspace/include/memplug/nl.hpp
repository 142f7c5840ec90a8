// SPDX-License-Identifier: GPL-2.0
//
// The generic netlink client of the memplug family.
//
// A Client owns one request socket: one request in flight, replies matched
// to it by sequence number, with NETLINK_EXT_ACK enabled so every refusal
// arrives with the kernel's explanation. Replies, ACKs and dump ends are
// collected with callbacks of our own because libnl's default handlers
// fold many errnos into one. A doit that the kernel answers with nothing
// (netlink sends no ACK when a handler returns EINTR) is reported as EINTR
// instead of waited for.
//
// Events come on a second socket, an EventSocket: a member of the
// "monitor" group, sequence checks off, ENOBUFS reported as loss.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memplug/backend.hpp"
#include "memplug/codec.hpp"
#include "memplug/error.hpp"
#include "memplug/nl_ptr.hpp"

namespace memplug {

// The errno closest to a libnl error code (NLE_*), for messages and exit
// codes; EIO when there is none.
int nlerr_to_errno(int nlerr);

class Client final : public Backend {
public:
	// Connects and resolves the family, which makes the kernel load
	// memplug.ko if it is installed and not loaded (its alias
	// net-pf-16-proto-16-family-memplug). A family still missing is an
	// Error of kind NoFamily ("memplug is not loaded, ...").
	static Result<std::unique_ptr<Client>> connect();

	Client(const Client &) = delete;
	Client &operator=(const Client &) = delete;
	~Client() override = default;

	Result<Status> status_get() override;
	Result<Range> range_add(const RangeAddRequest &request) override;
	Result<Range> range_del(std::uint32_t id) override;
	Result<Range> range_get(std::uint32_t id) override;
	Result<std::vector<Range>> range_dump() override;
	Result<Range> range_set(const RangeSetRequest &request) override;
	Result<Range> range_cancel(std::uint32_t id) override;
	Result<std::vector<Block>> block_dump(std::optional<std::uint32_t> range_id) override;
	Result<std::vector<Event>> event_dump(std::uint64_t first_seq) override;
	Result<std::unique_ptr<EventStream>> subscribe() override;

	int family() const { return family_; }

private:
	using Message = std::vector<unsigned char>;
	using Builder = std::function<Result<NlMsgPtr>()>;

	Client(NlSockPtr sk, int family);

	static constexpr std::string_view kNeeds = "CAP_SYS_ADMIN is required";

	// Sends the request @build makes and collects every reply until the
	// ACK (doit) or NLMSG_DONE (dump). Kernel refusals become
	// Error::kernel(@what, errno, extack); an EPERM without the kernel's
	// words says "Operation not permitted, " and @needs.
	Result<std::vector<Message>> transact(const Builder &build, bool dump,
					      const std::string &what,
					      std::string_view needs = kNeeds);
	Result<Range> range_doit(const Builder &build, const std::string &what,
				 std::string_view needs = kNeeds);

	NlSockPtr sk_;
	int family_;
};

// A socket in the "monitor" multicast group. Read with recvmsg() directly,
// not through libnl, so that ENOBUFS (the kernel dropped messages because
// the receive buffer was full) is seen as such: libnl folds it into
// NLE_NOMEM. NETLINK_NO_ENOBUFS is never set: loss must show.
class EventSocket final : public EventStream {
public:
	// Connects, resolves the family and its group, sizes the receive
	// buffer and joins the group. Unprivileged callers get the kernel's
	// EPERM (exit code 4).
	static Result<std::unique_ptr<EventSocket>> open();

	EventSocket(const EventSocket &) = delete;
	EventSocket &operator=(const EventSocket &) = delete;
	~EventSocket() override = default;

	// Waits with ppoll(), letting SIGINT and SIGTERM end the wait even
	// when the caller blocks them, then drains the socket without blocking.
	Result<Received> receive(std::optional<std::chrono::milliseconds> timeout) override;

private:
	EventSocket(NlSockPtr sk, int family);

	NlSockPtr sk_;
	int family_;
	std::vector<unsigned char> buf_;
};

} // namespace memplug
