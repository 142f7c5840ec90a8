/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running memplugctl from a kselftest: every test that drives the
 * controller uses these, with a fixture that has the controller's path in
 * self->ctl (mp_ctl_path()).
 */
#ifndef MEMPLUG_CTL_H
#define MEMPLUG_CTL_H

#include <unistd.h>

#include "memplug_test.h"

#define CTL_TIMEOUT 180

#define NEED_CTL()                                                            \
	do {                                                                  \
		ASSERT_EQ(0, access(self->ctl, X_OK))                         \
		TH_LOG("controller %s: %s (it is part of the product)",       \
		       self->ctl, strerror(errno));                           \
	} while (0)

/* Run memplugctl with the given arguments into @run. */
#define CTL(run, ...)                                                         \
	do {                                                                  \
		const char *__argv[] = { self->ctl, __VA_ARGS__, NULL };      \
		MP_OK(mp_run((run), CTL_TIMEOUT, __argv));                    \
		log_run(_metadata, __argv, (run));                            \
	} while (0)

/* The same as uid/gid 65534 without capabilities. */
#define CTL_NOBODY(run, ...)                                                  \
	do {                                                                  \
		const char *__argv[] = { self->ctl, __VA_ARGS__, NULL };      \
		MP_OK(mp_run_nobody((run), CTL_TIMEOUT, __argv));             \
		log_run(_metadata, __argv, (run));                            \
	} while (0)

#define EXIT_IS(run, code)                                                    \
	do {                                                                  \
		ASSERT_FALSE((run)->timed_out);                               \
		ASSERT_EQ((code), (run)->status)                              \
		TH_LOG("exit %d, stdout '%s', stderr '%s'", (run)->status,    \
		       (run)->out, (run)->err);                               \
	} while (0)

/* stderr is "memplugctl: ..." and holds @text. */
#define STDERR_HAS(run, text)                                                 \
	do {                                                                  \
		ASSERT_EQ(0, strncmp((run)->err, "memplugctl: ", 12))         \
		TH_LOG("stderr '%s'", (run)->err);                            \
		ASSERT_NE(NULL, strstr((run)->err, (text)))                   \
		TH_LOG("no '%s' in stderr '%s'", (text), (run)->err);         \
	} while (0)

static inline void log_run(struct __test_metadata *_metadata, const char *argv[],
		    const struct mp_run *run)
{
	char cmd[512];
	size_t len = 0;
	int i;

	for (i = 1; argv[i] && len < sizeof(cmd); i++)
		len += snprintf(cmd + len, sizeof(cmd) - len, " %s", argv[i]);
	TH_LOG("memplugctl%s -> %d%s%s%.*s", cmd, run->status,
	       run->timed_out ? " (timed out)" : "",
	       run->err[0] ? ", stderr: " : "",
	       (int)strcspn(run->err, "\n"), run->err);
}

/* The compacted JSON on stdout of @run. */
static inline char *json_of(const struct mp_run *run)
{
	char *j = malloc(MP_RUN_OUT);

	if (j)
		mp_json_compact(run->out, j, MP_RUN_OUT);
	return j;
}

#define JSON_HAS(json, needle)                                                \
	do {                                                                  \
		ASSERT_NE(NULL, strstr((json), (needle)))                     \
		TH_LOG("no %s in %s", (needle), (json));                      \
	} while (0)

#endif /* MEMPLUG_CTL_H */
