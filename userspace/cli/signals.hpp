// SPDX-License-Identifier: GPL-2.0
//
// A clean end on SIGINT and SIGTERM for commands that wait (monitor), and
// a cancel of those that change a range (plug, unplug, online, offline).
//
// While a StopSignals lives, both signals are caught by a handler that
// only records them. With @block they are also blocked, so they never cut
// a write short, and a wait that should end on them unblocks them for its
// duration only (EventSocket::receive() waits so). Without, they interrupt what
// the process is doing (a sysfs write waiting for the kernel returns
// EINTR: no SA_RESTART) and the caller checks requested(). One instance at
// a time per process.
#pragma once

#include <csignal>

#include "memplug/error.hpp"

namespace memplug::cli {

// The set of SIGINT and SIGTERM, the signals that stop a command.
sigset_t stop_signal_set();

class StopSignals {
public:
	StopSignals() = default;
	StopSignals(const StopSignals &) = delete;
	StopSignals &operator=(const StopSignals &) = delete;
	~StopSignals();

	Result<void> install(bool block = true);
	// Whether SIGINT or SIGTERM arrived since install().
	static bool requested();
	// The one that arrived last since install(), or 0.
	static int which();

private:
	bool installed_ = false;
	struct sigaction old_int_ {};
	struct sigaction old_term_ {};
	sigset_t old_mask_{};
};

} // namespace memplug::cli
