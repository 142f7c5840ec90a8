// SPDX-License-Identifier: GPL-2.0
#include "memplug/signals.hpp"

#include <cerrno>

#include <pthread.h>

namespace memplug {

namespace {

volatile sig_atomic_t stop_seen = 0;

void on_stop(int)
{
	stop_seen = 1;
}

} // namespace

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
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &stop, &old_mask_);
	installed_ = true;
	return {};
}

bool StopSignals::requested()
{
	return stop_seen != 0;
}

sigset_t StopSignals::wait_mask()
{
	sigset_t mask;
	pthread_sigmask(SIG_BLOCK, nullptr, &mask);
	sigdelset(&mask, SIGINT);
	sigdelset(&mask, SIGTERM);
	return mask;
}

} // namespace memplug
