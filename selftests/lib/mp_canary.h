/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_canary: processes that check that memory keeps what is stored in it.
 *
 * Each canary maps anonymous memory (huge pages where transparent huge
 * pages allow), writes a pattern that differs per word and per pass into
 * every word, reads every word back, and does it again with the next
 * pass's pattern, mapping fresh memory every few passes so that it lands
 * wherever the kernel now puts new pages (ZONE_MOVABLE first, i.e. the
 * blocks the tests online and offline). A store the kernel lost while it
 * migrated the page shows up as a word of an earlier pass.
 */
#ifndef MP_CANARY_H
#define MP_CANARY_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MP_CANARY_MAX 8

/* Shared by the canaries and the test. */
struct mp_canary_shared {
	atomic_bool stop;
	atomic_ullong words;  /* words read back and found right */
	atomic_ullong maps;   /* fresh mappings */
	atomic_int failed;    /* canaries that found a wrong word */
	char why[512];        /* the first wrong word */
};

struct mp_canary {
	int n;
	pid_t pid[MP_CANARY_MAX];
	struct mp_canary_shared *sh;
};

/*
 * Start @n canaries (at most MP_CANARY_MAX) of @bytes each, patterns
 * derived from @seed. 0 or a negative errno.
 */
int mp_canary_start(struct mp_canary *c, int n, size_t bytes, uint64_t seed);
/*
 * Stop them and wait for them. 0 if every word they read back was right;
 * -EIO with the first wrong word in mp_errstr(), or another negative errno
 * if a canary died. *@words (may be NULL) is set to the words checked.
 */
int mp_canary_stop(struct mp_canary *c, unsigned long long *words);

#endif /* MP_CANARY_H */
