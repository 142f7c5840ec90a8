// SPDX-License-Identifier: GPL-2.0
#include "survive.hpp"

#include "signals.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <iostream>

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

namespace memplug::cli {

namespace {

volatile sig_atomic_t child_pid = 0;

void pass_on(int sig)
{
	const pid_t pid = child_pid;
	if (pid > 0)
		kill(pid, sig);
}

// SIGINT and SIGTERM go to the child while this object lives.
//
// Both are blocked from before fork() until the child's pid is known. A
// signal that arrives in between, which is often when the child runs
// first, would otherwise find the handler with no child to pass it on to
// and be lost; blocked, it waits and is passed on by started(). The child
// inherits the block, so one passed on before it is ready waits too.
class PassOn {
public:
	PassOn()
	{
		const sigset_t stop = stop_signal_set();
		pthread_sigmask(SIG_BLOCK, &stop, &old_mask_);
		struct sigaction action {};
		action.sa_handler = pass_on;
		sigemptyset(&action.sa_mask);
		sigaction(SIGINT, &action, &old_int_);
		sigaction(SIGTERM, &action, &old_term_);
	}
	PassOn(const PassOn &) = delete;
	PassOn &operator=(const PassOn &) = delete;
	~PassOn() { restore(); }

	// In the parent: the child is @pid. What came meanwhile goes to it
	// now, and what comes later as it arrives, whatever the caller's mask.
	void started(pid_t pid)
	{
		child_pid = pid;
		const sigset_t stop = stop_signal_set();
		pthread_sigmask(SIG_UNBLOCK, &stop, nullptr);
	}

	// In the parent: no more passing on, the child is done.
	void finished()
	{
		const sigset_t stop = stop_signal_set();
		pthread_sigmask(SIG_BLOCK, &stop, nullptr);
		child_pid = 0;
	}

	// The caller's handlers and mask again: in the child (or in place
	// when fork() failed) the command meets SIGINT and SIGTERM as it
	// would in one process, a signal already passed on included.
	void restore()
	{
		if (restored_)
			return;
		restored_ = true;
		finished();
		sigaction(SIGINT, &old_int_, nullptr);
		sigaction(SIGTERM, &old_term_, nullptr);
		pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
	}

private:
	bool restored_ = false;
	struct sigaction old_int_ {};
	struct sigaction old_term_ {};
	sigset_t old_mask_{};
};

} // namespace

int run_surviving_kill(const std::function<int()> &command)
{
	// Nothing buffered may be written twice.
	std::cout.flush();
	std::cerr.flush();
	std::fflush(nullptr);

	PassOn pass;
	const pid_t pid = fork();
	if (pid < 0) {
		pass.restore();
		return command();
	}
	if (pid == 0) {
		setsid();
		pass.restore();
		const int status = command();
		std::cout.flush();
		std::cerr.flush();
		std::fflush(nullptr);
		_exit(status);
	}
	pass.started(pid);

	// Waited for without reaping it: until it is reaped, the child's pid
	// cannot go to another process, which a late signal would then hit.
	siginfo_t info{};
	while (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) < 0) {
		if (errno != EINTR)
			break;
	}
	pass.finished();

	int wstatus = 0;
	while (waitpid(pid, &wstatus, 0) < 0) {
		if (errno != EINTR)
			return 1;
	}
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	return 128 + (WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
}

} // namespace memplug::cli
