// SPDX-License-Identifier: GPL-2.0
/* mp_run: child processes and the clock (see mp_run.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mp_run.h"
#include "mp_environ.h"
#include "mp_file.h"
#include "mp_nl.h"
#include "mp_priv.h"

/* Append what @fd has to @buf (bounded); false once it reached EOF. */
static bool mp_drain(int fd, char *buf, size_t *len, size_t cap)
{
	char tmp[4096];
	ssize_t n;

	n = read(fd, tmp, sizeof(tmp));
	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	if (*len + 1 < cap) {
		size_t take = (size_t)n < cap - 1 - *len ? (size_t)n :
							   cap - 1 - *len;

		memcpy(buf + *len, tmp, take);
		*len += take;
		buf[*len] = '\0';
	}
	return true;
}

static int mp_run_how(struct mp_run *r, int timeout_s,
		      const char *const argv[], bool nobody_in_child)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };
	size_t olen = 0, elen = 0;
	int64_t deadline;
	bool oopen = true, eopen = true;
	int status, rc;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
		rc = -errno;
		mp_seterr("pipe: %s", strerror(errno));
		goto out_close;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		mp_seterr("fork: %s", strerror(errno));
		goto out_close;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		if (nobody_in_child && mp_become_nobody()) {
			fprintf(stderr, "dropping privileges: %s\n",
				mp_errstr());
			_exit(126);
		}
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	out[1] = err[1] = -1;

	deadline = mp_time_ms() + (int64_t)timeout_s * 1000;
	while (oopen || eopen) {
		struct pollfd p[2] = {
			{ .fd = oopen ? out[0] : -1, .events = POLLIN },
			{ .fd = eopen ? err[0] : -1, .events = POLLIN },
		};
		int64_t left = deadline - mp_time_ms();

		if (left <= 0) {
			r->timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(p, 2, (int)left) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			oopen = mp_drain(out[0], r->out, &olen, sizeof(r->out));
		if (p[1].revents)
			eopen = mp_drain(err[0], r->err, &elen, sizeof(r->err));
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status))
		r->status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		r->status = 128 + WTERMSIG(status);
	rc = 0;
out_close:
	if (out[0] >= 0)
		close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	if (err[0] >= 0)
		close(err[0]);
	if (err[1] >= 0)
		close(err[1]);
	return rc;
}

int mp_run(struct mp_run *r, int timeout_s, const char *const argv[])
{
	return mp_run_how(r, timeout_s, argv, false);
}

int mp_run_ctl(struct mp_run *r, int timeout_s, ...)
{
	const char *argv[64];
	va_list ap;
	int n = 0;

	argv[n++] = mp_ctl_path();
	va_start(ap, timeout_s);
	while (n < 63 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return mp_run(r, timeout_s, argv);
}

int64_t mp_time_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void mp_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int mp_spawn(const char *const argv[], int *out)
{
	int p[2] = { -1, -1 };
	pid_t pid;

	if (out && pipe2(p, O_CLOEXEC)) {
		int rc = -errno;

		mp_seterr("pipe: %s", strerror(errno));
		return rc;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		int rc = -errno;

		mp_seterr("fork: %s", strerror(errno));
		if (out) {
			close(p[0]);
			close(p[1]);
		}
		return rc;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(out ? p[1] : null, 1);
		dup2(out ? p[1] : null, 2);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (out) {
		close(p[1]);
		fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
		*out = p[0];
	}
	return pid;
}

int mp_wait_pid(int pid, int timeout_ms, int *status)
{
	int64_t deadline = mp_time_ms() + timeout_ms;
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, timeout_ms < 0 ? 0 : WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			int rc = -errno;

			mp_seterr("waitpid %d: %s", pid, strerror(errno));
			return rc;
		}
		if (r == 0) {
			if (mp_time_ms() >= deadline) {
				mp_seterr("process %d still running after %d ms",
					  pid, timeout_ms);
				return -ETIMEDOUT;
			}
			mp_sleep_ms(5);
		}
	}
	if (status)
		*status = WIFEXITED(st) ? WEXITSTATUS(st) :
			  WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
	return 0;
}

size_t mp_read_avail(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n + 1 < len) {
		ssize_t r = read(fd, buf + n, len - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	buf[n] = '\0';
	return n;
}

char mp_proc_state(int pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (mp_read_str(path, buf, sizeof(buf)))
		return '?';
	/* "pid (comm) S ...": comm may hold anything, even ") ". */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] ? p[2] : '?';
}

const char *mp_which(const char *prog, char *buf, size_t len)
{
	static const char def[] =
		"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	const char *path = mp_env("PATH", def);
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, ":");

		snprintf(buf, len, "%.*s/%s", (int)n, p, prog);
		if (n && !access(buf, X_OK))
			return buf;
		p += n;
		if (*p == ':')
			p++;
	}
	return NULL;
}

int mp_run_nobody(struct mp_run *r, int timeout_s, const char *const argv[])
{
	const char *args[64];
	char setpriv[256];
	int i, n = 0;

	if (!mp_which("setpriv", setpriv, sizeof(setpriv)))
		return mp_run_how(r, timeout_s, argv, true);

	args[n++] = setpriv;
	args[n++] = "--reuid=65534";
	args[n++] = "--regid=65534";
	args[n++] = "--clear-groups";
	args[n++] = "--inh-caps=-all";
	args[n++] = "--bounding-set=-all";
	args[n++] = "--";
	for (i = 0; argv[i] && n < 63; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	return mp_run_how(r, timeout_s, args, false);
}

int mp_run_caps(struct mp_run *r, int timeout_s, const char *caps,
		const char *const argv[])
{
	const char *args[64];
	char setpriv[256], bounding[128];
	int i, n = 0;

	if (!mp_which("setpriv", setpriv, sizeof(setpriv))) {
		mp_seterr("no setpriv to run %s with only %s", argv[0], caps);
		return -ENOENT;
	}
	n = snprintf(bounding, sizeof(bounding), "--bounding-set=-all");
	for (i = 0; caps[i] && n + 3 < (int)sizeof(bounding); i++) {
		if (i == 0 || caps[i - 1] == ',') {
			bounding[n++] = ',';
			bounding[n++] = '+';
		}
		if (caps[i] != ',')
			bounding[n++] = caps[i];
	}
	bounding[n] = '\0';
	n = 0;
	args[n++] = setpriv;
	args[n++] = "--inh-caps=-all";
	args[n++] = bounding;
	args[n++] = "--";
	for (i = 0; argv[i] && n < 63; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	return mp_run_how(r, timeout_s, args, false);
}
