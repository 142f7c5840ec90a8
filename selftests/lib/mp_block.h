/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_block: memory blocks in sysfs, through which user space onlines. *
 * Functions return 0 or a negative errno and describe failures in
 * mp_errstr() unless said otherwise.
 */
#ifndef MP_BLOCK_H
#define MP_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MP_SYSFS_MEMORY "/sys/devices/system/memory"

uint64_t mp_block_size(void);
bool mp_block_exists(unsigned int blk);
/* "online" / "offline"; -ENOENT if the block does not exist. */
int mp_block_state(unsigned int blk, char *buf, size_t len);
/* Wait up to @ms for block @blk to show @state ("going-offline", ...). */
bool mp_block_state_by(unsigned int blk, const char *state, int ms);
int mp_block_zones(unsigned int blk, char *buf, size_t len);
/* Write @how ("online_movable", "online_kernel", "online", "offline"). */
int mp_block_set(unsigned int blk, const char *how);
/*
 * Write "online_kernel" to block @blk @writes times, each of which a
 * movable zone policy must refuse with EPERM: a cheap burst of two events
 * per write (going-online, vetoed, and cancel-online).
 */
int mp_veto_burst(unsigned int blk, int writes);
/* "memory8=online\nmemory9=offline\n..." for every block, malloc'd. */
char *mp_blocks_list(void);

#endif /* MP_BLOCK_H */
