/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_fault: fault injection for the memplug selftests.
 *
 *   - memory-notifier-error-inject: every MEM_GOING_ONLINE or
 *     MEM_GOING_OFFLINE of every memory block fails with a chosen errno
 *     while it is armed;
 *   - memplug's test-only knobs (load parameter test_knobs=1), in
 *     /sys/kernel/debug/memplug/: "fail" makes the next COUNT allocations
 *     at a named site fail.
 *
 * Functions return 0 or a negative errno and describe failures in
 * mp_errstr(). mp_prepare() (mp_fixture.h) disarms the notifier injection.
 */
#ifndef MP_FAULT_H
#define MP_FAULT_H

#include <stdbool.h>
#include <stddef.h>

#include "mp_memplug.h"

#define MP_INJECT_MODULE "memory_notifier_error_inject"
#define MP_INJECT_ACTIONS "/sys/kernel/debug/notifier-error-inject/memory/actions"
#define MP_KNOB_DIR "/sys/kernel/debug/memplug"

/*
 * (Re)load memory-notifier-error-inject with notifier @priority: above 0
 * it runs before memplug's notifier (which has 0), below 0 after it.
 * -ENOENT if the kernel has no such module.
 */
int mp_inject_load(int priority);
/* Disarm and unload it; 0 if it is not loaded afterwards. */
int mp_inject_unload(void);
/*
 * Make every @action ("MEM_GOING_ONLINE", "MEM_GOING_OFFLINE") fail with
 * -@err; 0 disarms it.
 */
int mp_inject_set(const char *action, int err);

/* Whether the loaded memplug has its test knobs. */
bool mp_knobs_available(void);
/*
 * The load parameters for memplug with its test knobs on: MEMPLUG_KO_PARAMS
 * plus test_knobs=1, into @buf.
 */
void mp_knob_params(char *buf, size_t len);
/*
 * Make the next @count allocations at @site fail. Sites: range, acct,
 * table, excl, reply, event, group, add, add_block, and any (every site).
 */
int mp_knob_fail(const char *site, unsigned int count);
/* What the fail knob holds now: its site and the failures left. */
int mp_knob_fail_get(char *site, size_t len, unsigned int *left);

#endif /* MP_FAULT_H */
