/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memplug: internal interfaces between the parts of the module.
 *
 * Parts and what they own:
 *   range.c    the registry of ranges, their states and the RCU lookup table
 *   plug.c     adding and removing memory (the only callers of the hotplug
 *              core), and the rollback of held ranges whose owner went away
 *   notifier.c the memory notifier: events, zone policy, offline protection,
 *              fake-offline bookkeeping
 *   online.c   the online page callback: accounting, exclusion, verify
 *   event.c    the event ring and the "monitor" multicast group
 *   nl.c       the generic netlink family: policies, operations, groups
 *   netlink.c  the request handlers and message fill helpers
 *   main.c     module parameters, init and exit
 *
 * Locking, outermost first:
 *   device_hotplug_lock, mem_hotplug_lock (the core's; held around our
 *     notifier and online callback)
 *   memplug_lock (range.c): the registry. Never held across a call into
 *     the hotplug core and never taken by the notifier or the online
 *     callback, which find ranges through RCU instead.
 *   memplug_event_lock (event.c): the event ring and sequence numbers. May
 *     be taken inside the notifier; never held across the hotplug core.
 */
#ifndef _MEMPLUG_INTERNAL_H
#define _MEMPLUG_INTERNAL_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/memory.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/memplug.h>

#define MEMPLUG_VERSION "0.1.0"

/**
 * enum memplug_rs - internal state of a range
 * @MEMPLUG_RS_ADDING: reserved in the registry, add in progress
 * @MEMPLUG_RS_HELD: added with HOLD, waiting for its owner's COMMIT
 * @MEMPLUG_RS_PLUGGED: added and committed
 * @MEMPLUG_RS_REMOVING: offline and remove in progress
 * @MEMPLUG_RS_COUNT: number of states
 */
enum memplug_rs {
	MEMPLUG_RS_ADDING,
	MEMPLUG_RS_HELD,
	MEMPLUG_RS_PLUGGED,
	MEMPLUG_RS_REMOVING,
	MEMPLUG_RS_COUNT
};

/**
 * struct memplug_excl - a page-granular sub-range kept out of the allocator
 * @start_pfn: first page frame
 * @nr_pages: number of pages
 */
struct memplug_excl {
	unsigned long start_pfn;
	unsigned long nr_pages;
};

/**
 * struct memplug_block_acct - what the online callback did to one block
 * @online: pages handed to the buddy allocator
 * @excluded: pages kept fake-offline
 * @verified: pages that passed verify-on-online
 * @bad: pages that failed verify-on-online (also counted in @excluded)
 * @t_start: when the block's current online or offline step began, in ns
 * @going_offline: our fake-offline pages had their references dropped in
 *	MEM_GOING_OFFLINE and must be restored on MEM_CANCEL_OFFLINE
 *
 * Written only with mem_hotplug_lock held (notifier and online callback).
 */
struct memplug_block_acct {
	u32 online;
	u32 excluded;
	u32 verified;
	u32 bad;
	u64 t_start;
	bool going_offline;
};

/**
 * struct memplug_range - one plugged (or plugging) physical range
 * @list: registry list, sorted by id; memplug_lock
 * @rcu: frees the range after the lookup table stopped pointing to it
 * @id: stable id, never reused while the module is loaded
 * @state: enum memplug_rs; written under memplug_lock by
 *	memplug_range_set_state() only, read locklessly by the notifier
 * @start: physical start, block aligned; immutable
 * @size: bytes, a multiple of the block size; immutable
 * @nid: NUMA node; immutable
 * @mgid: memory group id; immutable once added
 * @res_name: resource name handed to the core; must outlive the memory
 * @name: operator's label
 * @zone_policy: enum memplug_zone_policy; WRITE_ONCE/READ_ONCE
 * @protect: veto offlining by anyone but memplug; WRITE_ONCE/READ_ONCE
 * @verify: verify pages in the online callback; immutable
 * @memmap_on_memory: added block by block with MHP_MEMMAP_ON_MEMORY
 * @defer_online: veto onlining while the range is being added, so that the
 *	kernel's auto-online policy leaves the blocks to user space; immutable
 * @benching: a test-only benchmark writes to the (offline) memory; onlining
 *	is vetoed meanwhile
 * @owner_portid: netlink port that holds the range in MEMPLUG_RS_HELD
 * @rollback_node: on the rollback thread's list while a removal of a held
 *	range whose owner closed its socket is due (memplug_lock)
 * @rollback_tries: failed attempts at that removal so far (memplug_lock)
 * @rollback_due: jiffies when the next attempt is due (memplug_lock)
 * @excl: exclusion list, sorted and merged; immutable
 * @nr_excl: entries in @excl
 * @nr_blocks: memory blocks in the range
 * @acct: per-block accounting, @nr_blocks entries
 * @add_ns: time add_memory_driver_managed() took
 * @remove_ns: time offline_and_remove_memory() took (last attempt)
 * @online_ns: in-kernel time spent onlining blocks (notifier to notifier)
 * @offline_ns: in-kernel time spent offlining blocks
 * @unplug_next: index of the first block not yet offlined by the unplug
 *	in progress
 * @fail_block: block whose offlining last failed, U32_MAX if none
 * @fail_errno: the error of the last failed unplug, 0 if none
 * @pages_bad: pages that failed verify-on-online
 */
struct memplug_range {
	struct list_head list;
	struct rcu_head rcu;
	u32 id;
	enum memplug_rs state;
	u64 start;
	u64 size;
	int nid;
	int mgid;
	const char *res_name;
	char name[MEMPLUG_NAME_LEN];
	enum memplug_zone_policy zone_policy;
	bool protect;
	bool verify;
	bool memmap_on_memory;
	bool defer_online;
	bool benching;
	u32 owner_portid;
	struct list_head rollback_node;
	unsigned int rollback_tries;
	unsigned long rollback_due;
	struct memplug_excl *excl;
	unsigned int nr_excl;
	unsigned int nr_blocks;
	struct memplug_block_acct *acct;
	u64 add_ns;
	u64 remove_ns;
	atomic64_t online_ns;
	atomic64_t offline_ns;
	u32 unplug_next;
	u32 fail_block;
	int fail_errno;
	atomic64_t pages_bad;
};

/**
 * struct memplug_range_args - a validated RANGE_ADD request
 */
struct memplug_range_args {
	u64 start;
	u64 size;
	int nid;
	char name[MEMPLUG_NAME_LEN];
	enum memplug_zone_policy zone_policy;
	bool protect;
	bool verify;
	bool memmap_on_memory;
	bool defer_online;
	bool force;
	bool hold;
	u32 portid;
	struct memplug_excl *excl;
	unsigned int nr_excl;
};

/**
 * struct memplug_counters - module-wide counters, under memplug_lock
 */
struct memplug_counters {
	u64 plugs;
	u64 unplugs;
	u64 plug_failures;
	u64 unplug_failures;
	u64 plugged_bytes;
	u32 ranges;
};

/* range.c */
extern struct mutex memplug_lock;
extern struct list_head memplug_ranges;
extern struct memplug_counters memplug_counters;
extern atomic_t memplug_objects;

struct memplug_range *memplug_range_reserve(struct memplug_range_args *args,
					    struct netlink_ext_ack *extack);
void memplug_range_release(struct memplug_range *range);
void memplug_range_exit(void);
struct memplug_range *memplug_range_find(u32 id);
void memplug_range_set_state(struct memplug_range *range,
			     enum memplug_rs state);
struct memplug_range *memplug_range_lookup_pfn(unsigned long pfn);
enum memplug_range_state memplug_range_uapi_state(enum memplug_rs state);
unsigned int memplug_range_blocks_online(const struct memplug_range *range);
unsigned long memplug_block_bytes(void);

static inline u32 memplug_phys_to_block(u64 phys)
{
	return phys / memplug_block_bytes();
}

/* plug.c */
int memplug_plug(struct memplug_range_args *args, struct netlink_ext_ack *extack,
		 struct memplug_range **out);
int memplug_unplug(struct memplug_range *range, struct netlink_ext_ack *extack);
int memplug_commit(struct memplug_range *range, u32 portid,
		   struct netlink_ext_ack *extack);
int memplug_plug_init(void);
void memplug_plug_exit(void);

/**
 * struct memplug_event - one event, as kept in the ring
 * @seq: module-wide sequence number, consecutive from 1
 * @time_ns: CLOCK_MONOTONIC
 * @realtime_ns: CLOCK_REALTIME
 * @action: enum memplug_event_action
 * @start_pfn: first page frame
 * @nr_pages: pages
 * @block: first memory block
 * @node: NUMA node, NUMA_NO_NODE if unknown
 * @zone: zone name (the kernel's static string), NULL if unknown
 * @status_change_nid: from struct memory_notify
 * @status_change_nid_normal: from struct memory_notify
 * @has_range: the memory is memplug's
 * @range_id: and this range's
 * @veto_errno: negative errno when memplug vetoed the step, else 0
 * @veto_reason: why, a static string, else NULL
 */
struct memplug_event {
	u64 seq;
	u64 time_ns;
	u64 realtime_ns;
	enum memplug_event_action action;
	u64 start_pfn;
	u64 nr_pages;
	u32 block;
	int node;
	const char *zone;
	int status_change_nid;
	int status_change_nid_normal;
	bool has_range;
	u32 range_id;
	int veto_errno;
	const char *veto_reason;
};

/* event.c */
int memplug_event_init(unsigned int ring_size);
void memplug_event_exit(void);
void memplug_event_range(enum memplug_event_action action,
			 const struct memplug_range *range);
void memplug_event_memory(enum memplug_event_action action,
			  const struct memory_notify *mn,
			  const struct memplug_range *range, int veto_errno,
			  const char *veto_reason);
void memplug_event_verify_fail(const struct memplug_range *range,
			       unsigned long pfn, unsigned long nr_pages);
void memplug_event_set_mcast(bool on);
void memplug_event_seq_info(u64 *next, u64 *oldest, u32 *ring_size);
int memplug_event_dump(struct sk_buff *skb, struct netlink_callback *cb,
		       u64 *next_seq);

/* notifier.c */
int memplug_notifier_init(void);
void memplug_notifier_exit(void);
extern atomic64_t memplug_vetoes;

/* online.c */
int memplug_online_init(void);
void memplug_online_exit(void);
bool memplug_online_cb_take(void);
bool memplug_online_cb_held(void);
const char *memplug_online_cb_reason(void);
void memplug_online_going_offline(struct memplug_range *range,
				  unsigned int block);
void memplug_online_cancel_offline(struct memplug_range *range,
				   unsigned int block);
void memplug_online_offline(struct memplug_range *range, unsigned int block);
unsigned long memplug_verify_pages(unsigned long pfn, unsigned long nr_pages);

/* knob.c: test-only knobs, inert unless the test_knobs parameter is set */
int memplug_knob_init(bool enable);
void memplug_knob_exit(void);
bool memplug_knob_verify_fails(unsigned long pfn);
bool memplug_knob_fail(const char *site);

/*
 * An allocation that the test-only "fail" knob can make fail, so the tests
 * can prove that every failure path unwinds. @site names it for the knob.
 */
#define memplug_alloc(site, expr) (memplug_knob_fail(site) ? NULL : (expr))

/* nl.c, netlink.c */
int memplug_nl_init(void);
void memplug_nl_exit(void);
int memplug_nl_event_fill(struct sk_buff *skb, const struct memplug_event *ev,
			  u32 portid, u32 seq, int flags, u8 cmd);
void memplug_nl_event_notify(const struct memplug_event *ev);

#endif /* _MEMPLUG_INTERNAL_H */
