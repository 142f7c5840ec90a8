// SPDX-License-Identifier: GPL-2.0
//
// The exit codes of memplugctl and how a memplug::Error maps to them.
#pragma once

#include "memplug/error.hpp"

namespace memplug::cli {

// Exit codes of memplugctl. Part of the user interface: never renumber.
enum class ExitCode : int {
	Ok = 0,
	Failed = 1,     // the operation failed and nothing was changed
	Usage = 2,      // malformed command line
	NoModule = 3,   // generic netlink family "memplug" absent
	Permission = 4, // EPERM/EACCES (CAP_SYS_ADMIN, for FORCE CAP_SYS_RAWIO)
	Busy = 5,       // EBUSY, EAGAIN, or interrupted by --timeout
	// monitor --timeout passed before --count events came (as timeout(1))
	MonitorTimeout = 124,
	// plug or unplug cancelled by SIGINT or SIGTERM, which left the range
	// as it was: 128 + the signal, as a shell reports a process the
	// signal ended.
	Interrupted = 130,
	Terminated = 143,
};

// The exit code memplugctl returns for @error.
ExitCode exit_code(const Error &error);

} // namespace memplug::cli
