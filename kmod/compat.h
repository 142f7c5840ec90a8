/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memplug: the differences between the kernels memplug supports (Debian's
 * 6.1, 6.12 and 7.x), in one place. No other file knows of them, and none
 * compares kernel versions: what a kernel offers is probed.
 */
#ifndef _MEMPLUG_COMPAT_H
#define _MEMPLUG_COMPAT_H

#include <linux/device.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/numa.h>
#include <net/genetlink.h>

/*
 * What the kernel offers is probed at build time (Kbuild, probes/NAME.c):
 * HAVE_<NAME> for each interface that compiles. Interfaces memplug cannot
 * do without fail the build here, with one line naming what is missing.
 */
#include "probes.h"

#ifndef HAVE_GENL_MCAST_CAP_SYS_ADMIN
#error "memplug needs GENL_MCAST_CAP_SYS_ADMIN (Linux 6.1.55 or later)"
#endif
#ifndef HAVE_TIMER_DELETE_SYNC
#error "memplug needs timer_delete_sync() (Linux 6.1.x or later)"
#endif
#ifndef HAVE_COPY_MC_TO_KERNEL
#error "memplug needs copy_mc_to_kernel() (Linux 5.10 or later)"
#endif

/* Joining the monitor group needs CAP_SYS_ADMIN: events carry addresses. */
#define MEMPLUG_MCAST_CAP_FLAGS GENL_MCAST_CAP_SYS_ADMIN

/* The largest chunk the online page callback is handed, as an order. */
#ifdef MAX_PAGE_ORDER
#define MEMPLUG_MAX_CHUNK_ORDER MAX_PAGE_ORDER
#else
#define MEMPLUG_MAX_CHUNK_ORDER (MAX_ORDER - 1)
#endif

/*
 * The node whose memory state a memory notification changes (its first
 * memory comes online, or its last goes), NUMA_NO_NODE if none. Up to 6.16
 * the memory notifier says; from 6.17 a node notifier of its own does, and
 * this is always NUMA_NO_NODE.
 */
static inline int memplug_mn_status_change_nid(const struct memory_notify *mn)
{
#ifdef HAVE_MEMORY_NOTIFY_NID
	return mn->status_change_nid;
#else
	return NUMA_NO_NODE;
#endif
}

#ifdef HAVE_NODE_NOTIFIER
#include <linux/node.h>
#define MEMPLUG_NODE_ADDED_FIRST_MEMORY NODE_ADDED_FIRST_MEMORY
#define MEMPLUG_NODE_REMOVED_LAST_MEMORY NODE_REMOVED_LAST_MEMORY
static inline int memplug_register_node_notifier(struct notifier_block *nb)
{
	return register_node_notifier(nb);
}

static inline void memplug_unregister_node_notifier(struct notifier_block *nb)
{
	unregister_node_notifier(nb);
}

static inline int memplug_node_notify_nid(const void *data)
{
	return ((const struct node_notify *)data)->nid;
}
#else
/* Never registered: the memory notifier says. */
#define MEMPLUG_NODE_ADDED_FIRST_MEMORY 1
#define MEMPLUG_NODE_REMOVED_LAST_MEMORY 2
static inline int memplug_register_node_notifier(struct notifier_block *nb)
{
	return 0;
}

static inline void memplug_unregister_node_notifier(struct notifier_block *nb)
{
}

static inline int memplug_node_notify_nid(const void *data)
{
	return NUMA_NO_NODE;
}
#endif

/*
 * PageOffline pages and the managed page count. Up to 6.10 the core hands
 * hotplugged pages to the online callback PageReserved and, offlining a
 * block, subtracts the whole block from the managed page count, so a
 * driver with fake-offline pages adds them to it in MEM_GOING_OFFLINE (and
 * takes them off again in MEM_CANCEL_OFFLINE). From 6.11 the core hands
 * the pages over PageOffline and subtracts only what it took from the
 * allocator; adding them there would leave them in MemTotal for good. No
 * interface marks the change, so memplug tells by the pages: online.c
 * notes whether they arrive PageOffline (memplug_pages_arrive_offline).
 */
extern bool memplug_pages_arrive_offline;

static inline void memplug_offline_managed_adjust(struct page *page, long nr)
{
	if (!READ_ONCE(memplug_pages_arrive_offline))
		adjust_managed_page_count(page, nr);
}

/*
 * Memory map on the memory itself (MHP_MEMMAP_ON_MEMORY). Up to 6.7 the
 * core takes it for exactly one memory block per add and per remove, and
 * fails with -EINVAL when the boot parameter is off. From 6.8 the core
 * splits a larger request across blocks itself, exports whether it would
 * honour the flag, and silently adds the memory with its map elsewhere when
 * it would not: so ask first.
 */
#ifdef HAVE_MHP_MEMMAP_QUERY
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

/* Looking a device up by name on a bus, which is const from 6.3 on. */
static inline struct device *
memplug_bus_find_device_by_name(const struct bus_type *bus, const char *name)
{
#ifdef HAVE_CONST_BUS_TYPE
	return bus_find_device_by_name(bus, NULL, name);
#else
	/* The lookup only reads the bus; older kernels just do not say so. */
	return bus_find_device_by_name((void *)bus, NULL, name);
#endif
}

/*
 * Memory types (memory tiers). 6.1 names dropping a reference to a type
 * destroy_memory_type(); 6.10 renamed it put_memory_type(). From 6.7 the
 * kernel can compute a node's abstract distance from what the firmware
 * says of it (HMAT, CDAT); before, nobody can, and the default stays.
 */
#include <linux/memory-tiers.h>

static inline void memplug_put_memory_type(struct memory_dev_type *memtype)
{
#ifdef HAVE_PUT_MEMORY_TYPE
	put_memory_type(memtype);
#else
	destroy_memory_type(memtype);
#endif
}

static inline void memplug_calc_adistance(int nid, int *adist)
{
#ifdef HAVE_MT_CALC_ADISTANCE
	mt_calc_adistance(nid, adist);
#endif
}

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
