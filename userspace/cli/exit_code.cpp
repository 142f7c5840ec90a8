// SPDX-License-Identifier: GPL-2.0
#include "exit_code.hpp"

#include <cerrno>
#include <csignal>

namespace memplug::cli {

ExitCode exit_code(const Error &error)
{
	switch (error.kind()) {
	case ErrorKind::Usage:
		return ExitCode::Usage;
	case ErrorKind::NoFamily:
		return ExitCode::NoModule;
	case ErrorKind::Timeout:
		return ExitCode::Busy;
	case ErrorKind::Failed:
		return ExitCode::Failed;
	case ErrorKind::Cancelled:
		return error.signal() == SIGTERM ? ExitCode::Terminated : ExitCode::Interrupted;
	case ErrorKind::Kernel:
	case ErrorKind::System:
		break;
	}

	switch (error.errnum()) {
	case EPERM:
	case EACCES:
		return ExitCode::Permission;
	case EBUSY:
	case EAGAIN:
	case EINTR:
	case ECANCELED: // an unplug that a signal (our timeout) interrupted
	case ETIMEDOUT:
		return ExitCode::Busy;
	default:
		return ExitCode::Failed;
	}
}

} // namespace memplug::cli
