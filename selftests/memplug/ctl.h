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

/* The same as root with only the capabilities @caps ("net_admin", ...). */
#define CTL_CAPS(run, caps, ...)                                              \
	do {                                                                  \
		const char *__argv[] = { self->ctl, __VA_ARGS__, NULL };      \
		MP_OK(mp_run_caps((run), CTL_TIMEOUT, (caps), __argv));       \
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

/*
 * The string value of "key" in compacted JSON: 1 with it in @buf, 0 if
 * the value is null, -1 if the key is missing or holds something else.
 * Escapes are copied as they are (the tests compare plain text).
 */
static inline int json_str(const char *json, const char *key, char *buf,
			   size_t len)
{
	char pat[128];
	const char *p;
	size_t n = 0;
	bool esc = false;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	if (!strncmp(p, "null", 4))
		return 0;
	if (*p++ != '"')
		return -1;
	for (; *p && (esc || *p != '"'); p++) {
		esc = !esc && *p == '\\';
		if (n + 1 < len)
			buf[n++] = *p;
	}
	if (len)
		buf[n] = '\0';
	return *p == '"' ? 1 : -1;
}

/* Whether "key":null is in compacted JSON. */
static inline bool json_null(const char *json, const char *key)
{
	char pat[128];

	snprintf(pat, sizeof(pat), "\"%s\":null", key);
	return strstr(json, pat) != NULL;
}

/*
 * The next object of compacted JSON from *@pos on, with whatever it nests,
 * into @buf; *@pos is moved past it. False when there is none (or it does
 * not fit).
 */
static inline bool json_next_object(const char **pos, char *buf, size_t len)
{
	const char *p = strchr(*pos, '{'), *start = p;
	bool str = false, esc = false;
	int depth = 0;

	for (; p && *p; p++) {
		if (str) {
			if (esc)
				esc = false;
			else if (*p == '\\')
				esc = true;
			else if (*p == '"')
				str = false;
			continue;
		}
		if (*p == '"') {
			str = true;
		} else if (*p == '{') {
			depth++;
		} else if (*p == '}' && !--depth) {
			if ((size_t)(p - start + 1) >= len)
				return false;
			memcpy(buf, start, p - start + 1);
			buf[p - start + 1] = '\0';
			*pos = p + 1;
			return true;
		}
	}
	return false;
}

/*
 * memplugctl's human sizes: a whole number of the largest unit (T, G, M,
 * K) that fits, or one decimal ("1.5G").
 */
static inline void ctl_human_size(uint64_t bytes, char *buf, size_t len)
{
	static const struct {
		char suffix;
		unsigned int shift;
	} units[] = { { 'T', 40 }, { 'G', 30 }, { 'M', 20 }, { 'K', 10 } };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(units); i++) {
		uint64_t unit = 1ULL << units[i].shift;

		if (bytes < unit)
			continue;
		if (bytes % unit == 0)
			snprintf(buf, len, "%" PRIu64 "%c",
				 bytes >> units[i].shift, units[i].suffix);
		else
			snprintf(buf, len, "%.1f%c", (double)bytes / unit,
				 units[i].suffix);
		return;
	}
	snprintf(buf, len, "%" PRIu64, bytes);
}

#endif /* MEMPLUG_CTL_H */
