/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_fixture: the state every test starts from (no leftovers, memplug
 * loaded, the device range found) and the cleanup it ends with. *
 * Functions return 0 or a negative errno and describe failures in
 * mp_errstr() unless said otherwise.
 */
#ifndef MP_FIXTURE_H
#define MP_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "mp_memplug.h"

/*
 * The start of every test: no fault injection armed, no test helper module
 * that holds memory (memplug_test_claim, memplug_test_pin) loaded, the
 * kernel's auto-onlining of hotplugged memory off, memplug loaded
 * (insmod'ed from MEMPLUG_KO if needed), every range unplugged; then @c
 * is open on the family.
 */
int mp_prepare(struct mp_ctx *c);
/*
 * Unplug every range memplug has; the number removed, or -errno. A range
 * that is busy being plugged or unplugged (a rollback after its owner
 * went away) is waited for, up to a minute.
 */
int mp_unplug_all(struct mp_ctx *c);
/* Reset memory-notifier-error-inject, if loaded. */
void mp_inject_reset(void);

/**
 * struct mp_env - what every test starts from
 * @c: open on the memplug family
 * @bs: memory block size
 * @dev_start: the device-backed range memplug may plug ("Persistent Memory
 *	(legacy)" in /proc/iomem, from the VM's memmap=1G!1G)
 * @dev_size: its size
 * @dev_block: the memory block number of @dev_start
 * @no_device: no such range on this machine; @why says so
 */
struct mp_env {
	struct mp_ctx c;
	uint64_t bs;
	uint64_t dev_start;
	uint64_t dev_size;
	unsigned int dev_block;
	bool no_device;
	char why[256];
};

/* mp_prepare(), then find the device range and the block size. */
int mp_env_setup(struct mp_env *e);
/* Best effort: unplug everything, unload helpers, close. */
void mp_env_teardown(struct mp_env *e);

#endif /* MP_FIXTURE_H */
