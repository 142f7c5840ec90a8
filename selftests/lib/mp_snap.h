/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_snap: what a user sees, taken before and after a request that must
 * be refused, and compared. *
 * Functions return 0 or a negative errno and describe failures in
 * mp_errstr() unless said otherwise.
 */
#ifndef MP_SNAP_H
#define MP_SNAP_H

#include <stdbool.h>
#include <stddef.h>

#include "mp_memplug.h"

/**
 * struct mp_snap - what must not change when a request is refused
 * @memtotal: MemTotal, kB
 * @iomem: /proc/iomem
 * @blocks: every memory block and its state
 * @status: memplug's counters
 * @nranges: ranges in a RANGE_GET dump
 */
struct mp_snap {
	long long memtotal;
	char *iomem;
	char *blocks;
	struct mp_status status;
	int nranges;
};

int mp_snap_take(struct mp_ctx *c, struct mp_snap *s);
/*
 * 0 if nothing a user sees differs; else 1 with the first difference in
 * @why. With @counters the plug and unplug counters must match too (not
 * so after an operation that was rolled back).
 */
int mp_snap_diff(const struct mp_snap *a, const struct mp_snap *b,
		 bool counters, char *why, size_t len);
void mp_snap_free(struct mp_snap *s);

#endif /* MP_SNAP_H */
