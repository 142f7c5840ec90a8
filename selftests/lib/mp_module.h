/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_module: loading and unloading kernel modules, memplug and the
 * test-only helpers. *
 * Functions return 0 or a negative errno and describe failures in
 * mp_errstr() unless said otherwise.
 */
#ifndef MP_MODULE_H
#define MP_MODULE_H

#include <stdbool.h>
#include <stdint.h>

#include "mp_memplug.h"

bool mp_module_loaded(const char *name);
int mp_insmod(const char *path, const char *params);
/* delete_module(2) with O_NONBLOCK; -errno as the kernel returned it. */
int mp_rmmod(const char *name);
/*
 * Load memplug_test_pin.ko, which holds pages of [@start, @start + @size)
 * (online memory, ZONE_MOVABLE for its allocations to land there) until it
 * is removed: an unplug of them spins until cancelled.
 */
int mp_pin(uint64_t start, uint64_t size);

/* Unload @name if it is loaded; 0 if it is not loaded afterwards. */
int mp_rmmod_if_loaded(const char *name);
/* modprobe(8) @name with @params (may be NULL); 0 if it loaded. */
int mp_modprobe(const char *name, const char *params);
/* The reference count in /sys/module/@name/refcnt, or -1. */
int mp_module_refcnt(const char *name);

/*
 * memplug's load parameters. mp_memplug_reload() unplugs every range,
 * closes @c, removes memplug and loads MEMPLUG_KO with @params, then opens
 * @c again. mp_memplug_loaded_with() tells whether the loaded module's
 * event_ring_size, rollback_attempts and test_knobs are what @params asks
 * for (the defaults where it does not say). mp_memplug_restore() reloads
 * with MEMPLUG_KO_PARAMS unless that is what is loaded already (then @c is
 * left as it is, open or closed).
 */
int mp_memplug_reload(struct mp_ctx *c, const char *params);
bool mp_memplug_loaded_with(const char *params);
int mp_memplug_restore(struct mp_ctx *c);

#endif /* MP_MODULE_H */
