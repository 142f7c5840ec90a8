// SPDX-License-Identifier: GPL-2.0
//
// A deadline for a blocking kernel operation that runs in the calling thread.
//
// The kernel's offline_pages() gives up with EINTR when the thread that runs
// it has a signal pending; the memplug module calls it from the netlink
// sender's thread. InterruptTimer sends SIGALRM to exactly this thread when
// the deadline passes and, in case that first signal was handled in user
// space just before the thread entered the kernel, again every 100 ms until
// it is disarmed. The handler only records that it ran.
//
// One InterruptTimer at a time per process: the handler and its flag are
// process-wide.
#pragma once

#include <chrono>
#include <csignal>
#include <ctime>

#include "memplug/error.hpp"

namespace memplug {

class InterruptTimer {
public:
	InterruptTimer() = default;
	InterruptTimer(const InterruptTimer &) = delete;
	InterruptTimer &operator=(const InterruptTimer &) = delete;
	~InterruptTimer();

	Result<void> arm(std::chrono::milliseconds timeout);
	// Stops the timer and restores the previous SIGALRM disposition and
	// signal mask. Safe to call more than once.
	void disarm();
	// Whether the deadline has passed (the handler ran at least once).
	bool fired() const;

private:
	bool armed_ = false;
	timer_t timer_{};
	struct sigaction old_action_ {};
	sigset_t old_mask_{};
};

} // namespace memplug
