/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_run: child processes (programs and the controller, run with a
 * timeout as root, as nobody or with some capabilities) and the
 * monotonic clock. *
 * Functions return 0 or a negative errno and describe failures in
 * mp_errstr() unless said otherwise.
 */
#ifndef MP_RUN_H
#define MP_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The path of @prog in PATH (or the usual system directories), or NULL. */
const char *mp_which(const char *prog, char *buf, size_t len);

#define MP_RUN_OUT 16384
struct mp_run {
	int status; /* exit code; 128 + signal; -1 if it could not run */
	bool timed_out;
	char out[MP_RUN_OUT];
	char err[MP_RUN_OUT];
};
/* Run argv[] (NULL terminated) with stdin from /dev/null. */
int mp_run(struct mp_run *r, int timeout_s, const char *const argv[]);
/*
 * The same as user and group 65534 with no capabilities, through
 * setpriv(1) if installed, else by dropping them in the child.
 */
int mp_run_nobody(struct mp_run *r, int timeout_s, const char *const argv[]);
/*
 * The same as root with only the capabilities @caps (setpriv(1) names,
 * comma separated, e.g. "net_admin"), through setpriv(1)'s bounding set;
 * -ENOENT if setpriv is not installed.
 */
int mp_run_caps(struct mp_run *r, int timeout_s, const char *caps,
		const char *const argv[]);
/*
 * Run the controller (MEMPLUGCTL) with the arguments that follow, up to a
 * NULL, as mp_run() does.
 */
int mp_run_ctl(struct mp_run *r, int timeout_s, ...);
/*
 * Start argv[] (NULL terminated) without waiting for it: stdin from
 * /dev/null, stdout and stderr into one pipe whose non-blocking read end
 * is stored in *@out, or to /dev/null if @out is NULL. Returns the pid or
 * a negative errno.
 */
int mp_spawn(const char *const argv[], int *out);
/*
 * Wait up to @timeout_ms (negative: for ever) for child @pid to end;
 * *@status as in struct mp_run. -ETIMEDOUT if it is still running.
 */
int mp_wait_pid(int pid, int timeout_ms, int *status);
/* What @fd holds now, without waiting, into @buf (NUL terminated). */
size_t mp_read_avail(int fd, char *buf, size_t len);
/* The state letter in /proc/PID/stat (R, S, D, Z, ...), '?' if unknown. */
char mp_proc_state(int pid);
/* CLOCK_MONOTONIC in milliseconds. */
int64_t mp_time_ms(void);
/* Sleep @ms milliseconds, resuming after signal handlers. */
void mp_sleep_ms(unsigned int ms);

#endif /* MP_RUN_H */
