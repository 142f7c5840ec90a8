/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_state: whether what memplug reports about its ranges agrees with what
 * the rest of the system shows, for tests that race, kill or break things
 * and then look at what is left.
 *
 * Functions return 0 or a negative errno and describe failures in
 * mp_errstr(), unless said otherwise.
 */
#ifndef MP_STATE_H
#define MP_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mp_memplug.h"

/*
 * Wait up to @timeout_ms until no range is being plugged or unplugged by
 * someone else (state PLUGGING or UNPLUGGING), e.g. the kernel's rollback
 * of a range whose owner went away. -ETIMEDOUT names the range still busy.
 * A range held by a live owner that never commits stays PLUGGING: the
 * caller must know there is none.
 */
int mp_settle(struct mp_ctx *c, int timeout_ms);

/**
 * struct mp_state_opts - what mp_state_check() compares
 * @memtotal_base: MemTotal (kB) with no memplug memory online; when > 0,
 *	MemTotal must be that plus the PAGES_ONLINE of every range
 * @allow_busy: ranges may be PLUGGING or UNPLUGGING (then their blocks
 *	are not compared: the core is changing them)
 */
struct mp_state_opts {
	long long memtotal_base;
	bool allow_busy;
};

/*
 * Compare, with no request or sysfs write in flight:
 *   - every range of a RANGE_GET dump is PLUGGED (see @opts), has
 *     SIZE / block size blocks and BLOCKS_ONLINE equal to the number of
 *     its blocks that sysfs shows online;
 *   - a BLOCK_GET dump lists exactly those blocks, in order, each in the
 *     state sysfs shows and, when online, in the zone sysfs shows
 *     (valid_zones of an online block is its zone);
 *   - every memory block in sysfs inside [@dev_start, @dev_start +
 *     @dev_size) belongs to a range, and every block of a range exists;
 *   - /proc/iomem has each range (or each of its blocks) as
 *     "System RAM (memplug)" and no other memplug memory;
 *   - MemTotal, when @opts says so.
 * Returns 0 if everything agrees, 1 with the first disagreement in @why,
 * or a negative errno if something could not be read.
 */
int mp_state_check(struct mp_ctx *c, uint64_t dev_start, uint64_t dev_size,
		   const struct mp_state_opts *opts, char *why, size_t len);

/*
 * The ranges of a RANGE_GET dump that overlap [@start, @start + @size):
 * up to @max into @out (may be NULL), the number found in *@n.
 */
int mp_ranges_in(struct mp_ctx *c, uint64_t start, uint64_t size,
		 struct mp_range *out, int max, int *n);

#endif /* MP_STATE_H */
