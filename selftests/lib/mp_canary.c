// SPDX-License-Identifier: GPL-2.0
#include "mp_canary.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mp_nl.h"
#include "mp_run.h"

#define MP_CANARY_HUGE (2UL << 20)
/* Passes over one mapping before a fresh one. */
#define MP_CANARY_PASSES 4

static uint64_t mp_canary_word(uint64_t seed, size_t i, uint64_t pass)
{
	return seed ^ ((uint64_t)i * 0x9e3779b97f4a7c15ULL) ^ (pass << 48);
}

/* Write pass @pass into @words words at @p, read them back; 0 or the index. */
static size_t mp_canary_pass(volatile uint64_t *p, size_t words, uint64_t seed,
			     uint64_t pass, uint64_t *got)
{
	size_t i;

	for (i = 0; i < words; i++)
		p[i] = mp_canary_word(seed, i, pass);
	for (i = 0; i < words; i++) {
		*got = p[i];
		if (*got != mp_canary_word(seed, i, pass))
			return i + 1;
	}
	return 0;
}

static void mp_canary_run(struct mp_canary_shared *sh, size_t bytes,
			  uint64_t seed, int idx)
{
	size_t words = bytes / sizeof(uint64_t), bad;
	uint64_t pass = 0, got;

	while (!atomic_load(&sh->stop)) {
		char *raw = mmap(NULL, bytes + MP_CANARY_HUGE,
				 PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint64_t *p;
		int k;

		if (raw == MAP_FAILED)
			_exit(2);
		/* Huge page aligned, so that THP can back all of it. */
		p = (uint64_t *)(((uintptr_t)raw + MP_CANARY_HUGE - 1) &
				 ~(MP_CANARY_HUGE - 1));
		atomic_fetch_add(&sh->maps, 1);
		for (k = 0; k < MP_CANARY_PASSES && !atomic_load(&sh->stop);
		     k++) {
			pass++;
			bad = mp_canary_pass(p, words, seed, pass, &got);
			if (bad) {
				size_t i = bad - 1;

				if (atomic_fetch_add(&sh->failed, 1) == 0)
					snprintf(sh->why, sizeof(sh->why),
						 "canary %d (pid %d), pass %" PRIu64
						 ": word %zu at %p (page %zu) reads %#" PRIx64
						 ", was written %#" PRIx64 " (pass %" PRIu64 " wrote %#" PRIx64 ")",
						 idx, getpid(), pass, i,
						 (void *)&p[i], i * 8 / 4096, got,
						 mp_canary_word(seed, i, pass),
						 pass - 1,
						 mp_canary_word(seed, i, pass - 1));
				_exit(1);
			}
			atomic_fetch_add(&sh->words, words);
		}
		munmap(raw, bytes + MP_CANARY_HUGE);
	}
	_exit(0);
}

int mp_canary_start(struct mp_canary *c, int n, size_t bytes, uint64_t seed)
{
	int i;

	memset(c, 0, sizeof(*c));
	if (n < 1 || n > MP_CANARY_MAX || bytes < sizeof(uint64_t))
		return -EINVAL;
	c->sh = mmap(NULL, sizeof(*c->sh), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->sh == MAP_FAILED) {
		c->sh = NULL;
		return -errno;
	}
	memset(c->sh, 0, sizeof(*c->sh));
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			int rc = -errno;

			mp_canary_stop(c, NULL);
			return rc;
		}
		if (!pid)
			mp_canary_run(c->sh, bytes, seed + 0x1000193ULL * i, i);
		c->pid[c->n++] = pid;
	}
	return 0;
}

int mp_canary_stop(struct mp_canary *c, unsigned long long *words)
{
	int i, rc = 0;

	if (!c->sh)
		return -EINVAL;
	atomic_store(&c->sh->stop, true);
	for (i = 0; i < c->n; i++) {
		int status;

		if (mp_wait_pid(c->pid[i], 60000, &status)) {
			kill(c->pid[i], SIGKILL);
			mp_wait_pid(c->pid[i], -1, &status);
			if (!rc)
				rc = -ETIMEDOUT;
		} else if (status == 1 && !rc) {
			rc = -EIO;
		} else if (status && !rc) {
			mp_seterr("canary %d (pid %d) ended with %d", i,
				  c->pid[i], status);
			rc = -ECHILD;
		}
	}
	if (rc == -EIO)
		mp_seterr("%s", c->sh->why);
	if (words)
		*words = atomic_load(&c->sh->words);
	munmap(c->sh, sizeof(*c->sh));
	c->sh = NULL;
	c->n = 0;
	return rc;
}
