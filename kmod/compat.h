/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memplug: the differences between the kernels memplug supports (Debian's
 * 6.1 and 6.12), in one place. No other file tests kernel versions.
 */
#ifndef _MEMPLUG_COMPAT_H
#define _MEMPLUG_COMPAT_H

#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/version.h>
#include <net/genetlink.h>

/*
 * Joining the monitor group must need CAP_SYS_ADMIN: events carry physical
 * addresses. Kernels without the genetlink flag would let anyone join.
 */
#ifndef GENL_MCAST_CAP_SYS_ADMIN
#error "memplug needs GENL_MCAST_CAP_SYS_ADMIN (Linux 6.1.55 or later)"
#endif
#define MEMPLUG_MCAST_CAP_FLAGS GENL_MCAST_CAP_SYS_ADMIN

/* The largest chunk the online page callback is handed, as an order. */
#ifdef MAX_PAGE_ORDER
#define MEMPLUG_MAX_CHUNK_ORDER MAX_PAGE_ORDER
#else
#define MEMPLUG_MAX_CHUNK_ORDER (MAX_ORDER - 1)
#endif

/*
 * Offlining a block subtracts its managed pages. Up to 6.10 it subtracted
 * the whole block, so a driver with fake-offline pages adds them to the
 * managed count in MEM_GOING_OFFLINE (and takes them off again in
 * MEM_CANCEL_OFFLINE). Since 6.11 offlining subtracts only what it took
 * from the buddy allocator and skips PageOffline pages; adding them there
 * would leave them in MemTotal for good.
 */
static inline void memplug_offline_managed_adjust(struct page *page, long nr)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 11, 0)
	adjust_managed_page_count(page, nr);
#endif
}

/*
 * Memory map on the memory itself (MHP_MEMMAP_ON_MEMORY). Up to 6.7 the
 * core takes it for exactly one memory block per add and per remove, and
 * fails with -EINVAL when the boot parameter is off. Since 6.8 the core
 * splits a larger request across blocks itself, exports whether it would
 * honour the flag, and silently adds the memory with its map elsewhere when
 * it would not: so ask first.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define MEMPLUG_MHP_SPLITS_MEMMAP_ON_MEMORY true
static inline bool memplug_memmap_on_memory_refused(void)
{
	return !mhp_supports_memmap_on_memory();
}
#else
#define MEMPLUG_MHP_SPLITS_MEMMAP_ON_MEMORY false
static inline bool memplug_memmap_on_memory_refused(void)
{
	return false;
}
#endif

/* The CXL core's bus; memplug finds it with symbol_get() only. */
extern struct bus_type cxl_bus_type;

/*
 * Push a range out of the CPU caches, so that verify-on-online reads the
 * memory and not the cache. Only x86 exports a way to do it.
 */
#ifdef CONFIG_X86
#include <asm/cacheflush.h>
static inline void memplug_flush_dcache(void *addr, unsigned int size)
{
	clflush_cache_range(addr, size);
}
#else
static inline void memplug_flush_dcache(void *addr, unsigned int size)
{
}
#endif

#endif /* _MEMPLUG_COMPAT_H */
