// SPDX-License-Identifier: GPL-2.0
#include "memplug/survive.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <iostream>

#include <sys/wait.h>
#include <unistd.h>

namespace memplug {

namespace {

volatile sig_atomic_t child_pid = 0;

void pass_on(int sig)
{
	const pid_t pid = child_pid;
	if (pid > 0)
		kill(pid, sig);
}

// SIGINT and SIGTERM go to the child while this object lives.
class PassOn {
public:
	PassOn()
	{
		struct sigaction action {};
		action.sa_handler = pass_on;
		sigemptyset(&action.sa_mask);
		sigaction(SIGINT, &action, &old_int_);
		sigaction(SIGTERM, &action, &old_term_);
	}
	PassOn(const PassOn &) = delete;
	PassOn &operator=(const PassOn &) = delete;
	~PassOn()
	{
		sigaction(SIGINT, &old_int_, nullptr);
		sigaction(SIGTERM, &old_term_, nullptr);
		child_pid = 0;
	}

private:
	struct sigaction old_int_ {};
	struct sigaction old_term_ {};
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
	if (pid < 0)
		return command();
	if (pid == 0) {
		setsid();
		const int status = command();
		std::cout.flush();
		std::cerr.flush();
		std::fflush(nullptr);
		_exit(status);
	}
	child_pid = pid;

	int wstatus = 0;
	while (waitpid(pid, &wstatus, 0) < 0) {
		if (errno != EINTR)
			return 1;
	}
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	return 128 + (WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
}

} // namespace memplug
