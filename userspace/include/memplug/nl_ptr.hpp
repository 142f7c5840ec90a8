// SPDX-License-Identifier: GPL-2.0
//
// Owning pointers for libnl handles.
#pragma once

#include <memory>

#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

namespace memplug {

struct NlSockDeleter {
	void operator()(nl_sock *sk) const noexcept { nl_socket_free(sk); }
};

struct NlMsgDeleter {
	void operator()(nl_msg *msg) const noexcept { nlmsg_free(msg); }
};

struct NlCbDeleter {
	void operator()(nl_cb *cb) const noexcept { nl_cb_put(cb); }
};

using NlSockPtr = std::unique_ptr<nl_sock, NlSockDeleter>;
using NlMsgPtr = std::unique_ptr<nl_msg, NlMsgDeleter>;
using NlCbPtr = std::unique_ptr<nl_cb, NlCbDeleter>;

} // namespace memplug
