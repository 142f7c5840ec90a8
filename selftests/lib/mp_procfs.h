/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_procfs: memory counters of /proc (meminfo, vmstat, kpageflags,
 * zoneinfo). *
 * Functions return 0 or a negative errno and describe failures in
 * mp_errstr() unless said otherwise.
 */
#ifndef MP_PROCFS_H
#define MP_PROCFS_H

#include <stdint.h>

/* MemTotal in kB, or -1. */
long long mp_memtotal_kb(void);
/* The counter @name of /proc/vmstat, or -1. */
long long mp_vmstat(const char *name);
/* The /proc/kpageflags word of @pfn (KPF_* bits). */
int mp_kpageflags(uint64_t pfn, uint64_t *flags);
/* "pages free" of every zone called @zone in /proc/zoneinfo, or -1. */
long long mp_zone_free_pages(const char *zone);
/*
 * The same plus the pages on the zones' per-CPU lists ("count" of their
 * pagesets), which are free too: an allocation served from those lists
 * leaves "pages free" unchanged, and draining them raises it.
 */
long long mp_zone_free_pcp_pages(const char *zone);

#endif /* MP_PROCFS_H */
