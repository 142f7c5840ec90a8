// SPDX-License-Identifier: GPL-2.0
#include "memplug/timer.hpp"

#include <cerrno>

#include <pthread.h>
#include <unistd.h>

namespace memplug {

namespace {

volatile sig_atomic_t alarm_fired = 0;

void on_alarm(int)
{
	alarm_fired = 1;
}

timespec to_timespec(std::chrono::nanoseconds ns)
{
	const auto secs = std::chrono::duration_cast<std::chrono::seconds>(ns);
	timespec ts{};
	ts.tv_sec = static_cast<time_t>(secs.count());
	ts.tv_nsec = static_cast<long>((ns - secs).count());
	return ts;
}

constexpr std::chrono::milliseconds kRepeat{100};

} // namespace

InterruptTimer::~InterruptTimer()
{
	disarm();
}

Result<void> InterruptTimer::arm(std::chrono::milliseconds timeout)
{
	const std::string what = "arming the timeout";
	disarm();
	alarm_fired = 0;

	// No SA_RESTART: the point is to interrupt. The kernel decides by
	// signal_pending() alone, before any handler runs.
	struct sigaction action {};
	action.sa_handler = on_alarm;
	sigemptyset(&action.sa_mask);
	action.sa_flags = 0;
	if (sigaction(SIGALRM, &action, &old_action_) < 0)
		return Error::system(what, errno);

	// A blocked signal does not count as pending for the kernel.
	sigset_t unblock;
	sigemptyset(&unblock);
	sigaddset(&unblock, SIGALRM);
	pthread_sigmask(SIG_UNBLOCK, &unblock, &old_mask_);

	sigevent sev{};
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGALRM;
	sev._sigev_un._tid = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer_) < 0) {
		const int err = errno;
		pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
		sigaction(SIGALRM, &old_action_, nullptr);
		return Error::system(what, err);
	}

	itimerspec spec{};
	spec.it_value = to_timespec(timeout);
	spec.it_interval = to_timespec(kRepeat);
	if (timer_settime(timer_, 0, &spec, nullptr) < 0) {
		const int err = errno;
		timer_delete(timer_);
		pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
		sigaction(SIGALRM, &old_action_, nullptr);
		return Error::system(what, err);
	}
	armed_ = true;
	return {};
}

void InterruptTimer::disarm()
{
	if (!armed_)
		return;
	armed_ = false;
	timer_delete(timer_);
	// A signal the timer queued before it was deleted is delivered to this
	// thread, and so to our handler, on the return from timer_delete(),
	// before the previous disposition is back.
	pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
	sigaction(SIGALRM, &old_action_, nullptr);
}

bool InterruptTimer::fired() const
{
	return alarm_fired != 0;
}

} // namespace memplug
