// SPDX-License-Identifier: GPL-2.0
#include "signals.hpp"

#include <cerrno>

#include <pthread.h>

namespace memplug::cli {

namespace {

volatile sig_atomic_t stop_seen = 0;

void on_stop(int signal)
{
	stop_seen = signal;
}

} // namespace

sigset_t stop_signal_set()
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	return set;
}

StopSignals::~StopSignals()
{
	if (!installed_)
		return;
	pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
	sigaction(SIGINT, &old_int_, nullptr);
	sigaction(SIGTERM, &old_term_, nullptr);
}

Result<void> StopSignals::install(bool block)
{
	stop_seen = 0;
	struct sigaction action {};
	action.sa_handler = on_stop;
	sigemptyset(&action.sa_mask);
	if (sigaction(SIGINT, &action, &old_int_) < 0)
		return Error::system("catching SIGINT", errno);
	if (sigaction(SIGTERM, &action, &old_term_) < 0) {
		const int err = errno;
		sigaction(SIGINT, &old_int_, nullptr);
		return Error::system("catching SIGTERM", err);
	}
	const sigset_t stop = stop_signal_set();
	pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &stop, &old_mask_);
	installed_ = true;
	return {};
}

bool StopSignals::requested()
{
	return stop_seen != 0;
}

int StopSignals::which()
{
	return stop_seen;
}

} // namespace memplug::cli
