/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memplug: internal interfaces between the parts of the module.
 *
 * Parts and what they own:
 *   range.c    the registry of ranges, their states, references and the RCU
 *              lookup table
 *   resource.c what may be plugged: the checks against /proc/iomem and the
 *              claim of a range's physical addresses
 *   plug.c     judging plug and unplug requests, and adding and removing
 *              memory (the only callers of the hotplug core's add and
 *              remove)
 *   worker.c   the module's one kernel thread, which runs every add and
 *              removal the requests queue and the rollback of ranges whose
 *              owner went away; cancelling them
 *   pm.c       refusing hibernation while anything is plugged
 *   notifier.c the memory notifier: events, zone policy, offline protection,
 *              fake-offline bookkeeping
 *   online.c   the online page callback: who holds the slot, accounting,
 *              exclusion, verify
 *   event.c    the event ring, and its one sink (netlink.c sets it)
 *   netlink.c  the generic netlink family: request handlers, the messages
 *              replies and events are built into, the multicast of events
 *   memplug_nl.c  the family's policies, operations and groups, generated
 *              from memplug.yaml (scripts/gen-proto.py)
 *   knob.c     test-only knobs, in a module built with MEMPLUG_TEST_KNOBS=y
 *   main.c     module parameters, init and exit
 *
 * Locking, outermost first:
 *   device_hotplug_lock, mem_hotplug_lock (the core's; held around our
 *     notifier and online callback)
 *   memplug_lock (range.c): the registry. Never held across a call into
 *     the hotplug core and never taken by the notifier or the online
 *     callback, which find ranges through RCU and a reference instead.
 *   memplug_online_cb_lock (online.c): who holds the online page callback
 *     slot. Held across set/restore_online_page_callback(), which take the
 *     core's locks, so never taken by the notifier or the callback.
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
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/memplug.h>

#define MEMPLUG_VERSION "0.2.0"

/**
 * enum memplug_rs - internal state of a range
 * @MEMPLUG_RS_ADDING: claimed and published, its add queued to the worker
 *	or running there
 * @MEMPLUG_RS_HELD: added with HOLD, waiting for its owner's COMMIT
 * @MEMPLUG_RS_PLUGGED: added and committed
 * @MEMPLUG_RS_REMOVING: an unplug queued to the worker or running there,
 *	or a rollback attempt running
 * @MEMPLUG_RS_ROLLBACK: to be removed by the worker, waiting for the next
 *	attempt of its rollback
 * @MEMPLUG_RS_FAILED: removing it failed for good or its rollback was
 *	cancelled; blocks may still be added, and an unplug tries again
 * @MEMPLUG_RS_COUNT: number of states
 */
enum memplug_rs {
	MEMPLUG_RS_ADDING,
	MEMPLUG_RS_HELD,
	MEMPLUG_RS_PLUGGED,
	MEMPLUG_RS_REMOVING,
	MEMPLUG_RS_ROLLBACK,
	MEMPLUG_RS_FAILED,
	MEMPLUG_RS_COUNT
};

/**
 * enum memplug_job - what the worker is to do with a range
 * @MEMPLUG_JOB_NONE: nothing
 * @MEMPLUG_JOB_ADD: add its memory (a RANGE_ADD)
 * @MEMPLUG_JOB_REMOVE: remove it (a RANGE_DEL)
 * @MEMPLUG_JOB_ROLLBACK: remove it because its owner went away or an add
 *	failed half way; attempts are bounded in time and repeated
 */
enum memplug_job {
	MEMPLUG_JOB_NONE,
	MEMPLUG_JOB_ADD,
	MEMPLUG_JOB_REMOVE,
	MEMPLUG_JOB_ROLLBACK,
};

/*
 * Say why the last add or removal of @range failed (FAIL_REASON, and the
 * REASON of the outcome event), in the words the extended ACK used when
 * requests did the work themselves.
 */
#define memplug_set_reason(range, text)					\
	((range)->fail_reason = KBUILD_MODNAME ": " text)

/**
 * struct memplug_excl - a sub-range of a range kept out of the allocator
 * @start: physical address, page aligned once memplug_plug() accepted it
 * @size: bytes, a multiple of the page size once accepted
 */
struct memplug_excl {
	u64 start;
	u64 size;
};

/**
 * struct memplug_block_acct - one memory block of a range
 * @online: pages handed to the buddy allocator
 * @excluded: pages kept fake-offline
 * @verified: pages that passed verify-on-online
 * @bad: pages that failed verify-on-online (also counted in @excluded)
 * @t_start: when the block's current online or offline step began, in ns
 * @going_online: between MEM_GOING_ONLINE and MEM_ONLINE/MEM_CANCEL_ONLINE
 *	(test knobs only: the benchmark must not write to such a block)
 * @going_offline: our fake-offline pages had their references dropped in
 *	MEM_GOING_OFFLINE and must be restored on MEM_CANCEL_OFFLINE
 * @present: the block is added to the kernel. Written only by whoever
 *	removes or adds the range's memory, which the range's state makes one
 *	thread at a time; read with READ_ONCE() elsewhere.
 *
 * The counters and flags but @present are written only with
 * mem_hotplug_lock held (notifier and online callback).
 */
struct memplug_block_acct {
	u32 online;
	u32 excluded;
	u32 verified;
	u32 bad;
	u64 t_start;
#ifdef MEMPLUG_TEST_KNOBS
	bool going_online;
#endif
	bool going_offline;
	bool present;
};

#define MEMPLUG_CLAIM_NAME_LEN 32

/**
 * struct memplug_range - one plugged (or plugging) physical range
 * @list: registry list, sorted by id; memplug_lock
 * @rcu: frees the range after the last reference is gone
 * @ref: references: one from the registry, one per lock-free reader that
 *	found it in the lookup table, one for a handler that replies with it
 * @id: stable id, never reused while the module is loaded
 * @state: enum memplug_rs; written under memplug_lock by
 *	memplug_range_set_state() only, read locklessly by the notifier
 * @start: physical start, block aligned; immutable
 * @size: bytes, a multiple of the block size; immutable
 * @nid: NUMA node; immutable
 * @mgid: memory group id, -1 before it is registered
 * @published: in the lookup table (memplug_lock)
 * @claim: our resource over the range in /proc/iomem, named @claim_name;
 *	the memory's own resources nest in it
 * @claim_name: "memplug range <id>"
 * @name: operator's label
 * @plugged_by: the task that asked for the plug, as "comm[pid]"; immutable
 * @zone_policy: enum memplug_zone_policy; WRITE_ONCE/READ_ONCE
 * @protect: veto offlining by anyone but memplug; WRITE_ONCE/READ_ONCE
 * @verify: verify pages in the online callback; immutable
 * @uses_cb: the range needs memplug's online page callback (verify or
 *	exclusions) and holds a use of the slot from the start of its add
 *	until its memory is gone; cleared by an add the slot was refused to
 * @per_block: its memory is added and removed block by block (memmap on
 *	memory on kernels whose core does not split such requests)
 * @memmap_on_memory: added with MHP_MEMMAP_ON_MEMORY
 * @defer_online: veto onlining while the range is being added, so that the
 *	kernel's auto-online policy leaves the blocks to user space; immutable
 * @benching: the benchmark knob writes to the (offline) memory; onlining is
 *	vetoed meanwhile (test knobs only)
 * @owner_portid: netlink port that holds the range in MEMPLUG_RS_HELD (or
 *	will, once its add is done)
 * @job: what the worker is to do or does with the range (memplug_lock)
 * @job_node: on the worker's list while @job waits (memplug_lock)
 * @job_due: jiffies when @job is due (memplug_lock)
 * @job_cancel: RANGE_CANCEL or the owner's going away stopped @job
 *	(memplug_lock; read without it by the job)
 * @job_portid: netlink port whose RANGE_DEL queued the removal; 0 once it
 *	is closed (memplug_lock)
 * @job_orphaned: @job_portid was closed before the removal ended, which is
 *	now bounded in time (memplug_lock)
 * @job_prev: the state a failed removal returns the range to (memplug_lock)
 * @rollback_attempts: failed rollback attempts so far (memplug_lock)
 * @excl: exclusion list, sorted and merged; immutable
 * @nr_excl: entries in @excl
 * @nr_blocks: memory blocks in the range
 * @acct: per-block state, @nr_blocks entries
 * @add_ns: time add_memory_driver_managed() took
 * @remove_ns: time offline_and_remove_memory() took (last attempt)
 * @online_ns: in-kernel time spent onlining blocks (notifier to notifier)
 * @offline_ns: in-kernel time spent offlining blocks
 * @unplug_next: index of the first block not yet offlined by the unplug
 *	in progress; WRITE_ONCE/READ_ONCE
 * @fail_block: block whose offlining last failed, U32_MAX if none;
 *	WRITE_ONCE/READ_ONCE
 * @fail_errno: the error of the last failed add or removal, 0 if none
 * @fail_reason: why, a static string (memplug_set_reason()), NULL if none
 * @pages_bad: pages that failed verify-on-online
 * @tier: the memory tier asked for (enum memplug_tier); immutable
 * @tier_adist: the abstract distance of MEMPLUG_TIER_ADISTANCE; immutable
 * @memtype: the memory type memplug gave the range's node, which the range
 *	shares, NULL if none (set by the worker's add, cleared when the
 *	range's memory is gone; memplug_lock)
 */
struct memplug_range {
	struct list_head list;
	struct rcu_head rcu;
	refcount_t ref;
	u32 id;
	enum memplug_rs state;
	u64 start;
	u64 size;
	int nid;
	int mgid;
	bool published;
	struct resource *claim;
	char claim_name[MEMPLUG_CLAIM_NAME_LEN];
	char name[MEMPLUG_NAME_LEN];
	char plugged_by[TASK_COMM_LEN + 16];
	enum memplug_zone_policy zone_policy;
	bool protect;
	bool verify;
	bool uses_cb;
	bool per_block;
	bool memmap_on_memory;
	bool defer_online;
#ifdef MEMPLUG_TEST_KNOBS
	bool benching;
#endif
	u32 owner_portid;
	enum memplug_job job;
	struct list_head job_node;
	unsigned long job_due;
	bool job_cancel;
	u32 job_portid;
	bool job_orphaned;
	enum memplug_rs job_prev;
	unsigned int rollback_attempts;
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
	const char *fail_reason;
	atomic64_t pages_bad;
	enum memplug_tier tier;
	int tier_adist;
	struct memplug_memtype *memtype;
};

/**
 * struct memplug_memtype - a memory type memplug gave a node (tier.c)
 * @list: on memplug_memtypes (memplug_lock)
 * @nid: the node
 * @adist: the type's abstract distance
 * @ranges: memplug's ranges that share it (memplug_lock)
 * @type: the kernel's memory type; memplug holds one reference, the node
 *	another
 */
struct memplug_memtype {
	struct list_head list;
	int nid;
	int adist;
	unsigned int ranges;
	struct memory_dev_type *type;
};

/**
 * enum memplug_arg - the part of a plug request that memplug_plug() refused
 * @MEMPLUG_ARG_NONE: the request as a whole, or nothing
 * @MEMPLUG_ARG_START: the start address
 * @MEMPLUG_ARG_SIZE: the size
 * @MEMPLUG_ARG_NODE: the node
 * @MEMPLUG_ARG_EXCLUDE: exclusion number memplug_range_args.bad_excl, in
 *	the order the request gave them
 *
 * The core says why in the extended ACK; the transport names the part.
 */
enum memplug_arg {
	MEMPLUG_ARG_NONE,
	MEMPLUG_ARG_START,
	MEMPLUG_ARG_SIZE,
	MEMPLUG_ARG_NODE,
	MEMPLUG_ARG_EXCLUDE,
};

/**
 * struct memplug_range_args - a plug request, as the transport decoded it
 *
 * memplug_plug() checks every value. Without @has_nid the core picks the
 * node of the address for @nid. @excl is in the order given until the core
 * sorts and merges it. On refusal the core sets @bad (and @bad_excl) to
 * the part of the request at fault.
 */
struct memplug_range_args {
	u64 start;
	u64 size;
	int nid;
	bool has_nid;
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
	enum memplug_tier tier;
	int tier_adist;
	enum memplug_arg bad;
	unsigned int bad_excl;
};

/**
 * struct memplug_range_change - a change to a plugged range, as decoded
 * @commit: end the hold @portid has on the range
 * @portid: the port asking
 * @set_zone_policy: set the zone policy to @zone_policy
 * @zone_policy: the new zone policy
 * @set_protect: set the protection to @protect
 * @protect: the new protection
 */
struct memplug_range_change {
	bool commit;
	u32 portid;
	bool set_zone_policy;
	enum memplug_zone_policy zone_policy;
	bool set_protect;
	bool protect;
};

/**
 * struct memplug_counters - module-wide counters, under memplug_lock
 */
struct memplug_counters {
	u64 plugs;
	u64 unplugs;
	u64 plug_failures;
	u64 unplug_failures;
	u32 ranges;
};

/* range.c */
extern struct mutex memplug_lock;
extern struct list_head memplug_ranges;
extern struct memplug_counters memplug_counters;
extern atomic_t memplug_objects;

struct memplug_range *memplug_range_reserve(struct memplug_range_args *args,
					    struct netlink_ext_ack *extack);
int memplug_range_publish(struct memplug_range *range,
			  struct netlink_ext_ack *extack);
void memplug_range_unpublish(struct memplug_range *range);
void memplug_range_release(struct memplug_range *range);
void memplug_range_exit(void);
struct memplug_range *memplug_range_find(u32 id);
void memplug_range_put(struct memplug_range *range);
struct memplug_range *memplug_range_get_pfn(unsigned long pfn);
void memplug_range_set_state(struct memplug_range *range,
			     enum memplug_rs state);
enum memplug_range_state memplug_range_uapi_state(enum memplug_rs state);
unsigned int memplug_range_blocks_online(const struct memplug_range *range);
unsigned int memplug_range_blocks_present(const struct memplug_range *range);
unsigned long memplug_block_bytes(void);

static inline u32 memplug_phys_to_block(u64 phys)
{
	return phys / memplug_block_bytes();
}

/* The physical address of block @idx of @range. */
static inline u64 memplug_range_block(const struct memplug_range *range,
				      unsigned int idx)
{
	return range->start + (u64)idx * memplug_block_bytes();
}

/* resource.c */
int memplug_res_claim(struct memplug_range *range, bool force,
		      struct netlink_ext_ack *extack);
void memplug_res_unclaim(struct memplug_range *range);

/* plug.c */
int memplug_plug(struct memplug_range_args *args, struct netlink_ext_ack *extack,
		 struct memplug_range **out);
void memplug_plug_run(struct memplug_range *range);
int memplug_unplug(struct memplug_range *range, u32 portid,
		   struct netlink_ext_ack *extack);
void memplug_unplug_run(struct memplug_range *range);
void memplug_unplug_end(struct memplug_range *range, int rc);
int memplug_change(struct memplug_range *range,
		   const struct memplug_range_change *change,
		   struct netlink_ext_ack *extack);
int memplug_remove(struct memplug_range *range, bool bounded);
void memplug_removed(struct memplug_range *range);

/* worker.c */
void memplug_worker_queue(struct memplug_range *range, enum memplug_job job,
			  unsigned long delay);
void memplug_worker_dequeue(struct memplug_range *range);
void memplug_rollback_queue(struct memplug_range *range, unsigned long delay);
int memplug_cancel(struct memplug_range *range, struct netlink_ext_ack *extack);
int memplug_rollback_bound(struct memplug_range *range, unsigned int blocks);
void memplug_rollback_unbound(void);
int memplug_worker_init(unsigned int attempts);
void memplug_worker_exit(void);

/* pm.c */
int memplug_pm_init(void);
void memplug_pm_exit(void);

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
 * @has_range: the memory is memplug's
 * @range_id: and this range's
 * @veto_errno: negative errno when memplug vetoed the step, else 0
 * @veto_reason: why, a static string, else NULL
 * @error: PLUG_FAILED and UNPLUG_FAILED: the negative errno, else 0
 * @reason: and why, a static string
 * @blocks_done: ONLINE and OFFLINE of a range being plugged or unplugged:
 *	its blocks done so far, this one included
 * @blocks_total: and its blocks; 0 for other events
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
	bool has_range;
	u32 range_id;
	int veto_errno;
	const char *veto_reason;
	int error;
	const char *reason;
	u32 blocks_done;
	u32 blocks_total;
};

/* event.c */
int memplug_event_init(unsigned int ring_size);
void memplug_event_exit(void);
void memplug_event_range(enum memplug_event_action action,
			 const struct memplug_range *range);
void memplug_event_outcome(enum memplug_event_action action,
			   const struct memplug_range *range, int error,
			   const char *reason);
void memplug_event_memory(enum memplug_event_action action,
			  const struct memory_notify *mn,
			  const struct memplug_range *range, int veto_errno,
			  const char *veto_reason, unsigned int blocks_done);
void memplug_event_verify_fail(const struct memplug_range *range,
			       unsigned long pfn, unsigned long nr_pages);
void memplug_event_node(enum memplug_event_action action, int nid);
typedef void (*memplug_event_sink_t)(const struct memplug_event *ev);
void memplug_event_set_sink(memplug_event_sink_t sink);
void memplug_event_seq_info(u64 *next, u64 *oldest, u32 *ring_size);
typedef int (*memplug_event_walk_t)(const struct memplug_event *ev, void *arg);
int memplug_event_walk(u64 *next_seq, memplug_event_walk_t fn, void *arg);

/* notifier.c */
int memplug_notifier_init(void);
void memplug_notifier_exit(void);
extern atomic64_t memplug_vetoes;

/* tier.c */
extern struct list_head memplug_memtypes;
int memplug_tier_get(struct memplug_range *range);
void memplug_tier_put(struct memplug_range *range);

/* online.c */
void memplug_online_exit(void);
int memplug_online_cb_get(struct memplug_range *range);
void memplug_online_cb_put(void);
enum memplug_online_cb memplug_online_cb_state(u32 *ranges);
const char *memplug_online_cb_reason(void);
void memplug_online_going_offline(struct memplug_range *range,
				  unsigned int block);
void memplug_online_cancel_offline(struct memplug_range *range,
				   unsigned int block);
void memplug_online_offline(struct memplug_range *range, unsigned int block);
bool memplug_verify_page(unsigned long pfn);

/*
 * knob.c: test-only knobs. Built only with MEMPLUG_TEST_KNOBS=y (the
 * selftests' and the benchmark's module), and even then inert unless the
 * test_knobs parameter is set. Without them every check is a constant.
 */
#ifdef MEMPLUG_TEST_KNOBS
int memplug_knob_init(bool enable);
void memplug_knob_exit(void);
bool memplug_knob_verify_fails(unsigned long pfn);
bool memplug_knob_fail(const char *site);
bool memplug_knob_going_online(struct memplug_range *range, unsigned int block,
			       const char **reason);
void memplug_knob_online_end(struct memplug_range *range, unsigned int block);
#else
static inline int memplug_knob_init(bool enable) { return 0; }
static inline void memplug_knob_exit(void) { }
static inline bool memplug_knob_verify_fails(unsigned long pfn)
{
	return false;
}

static inline bool memplug_knob_fail(const char *site) { return false; }

static inline bool memplug_knob_going_online(struct memplug_range *range,
					     unsigned int block,
					     const char **reason)
{
	return false;
}

static inline void memplug_knob_online_end(struct memplug_range *range,
					   unsigned int block) { }
#endif

/*
 * An allocation that the test-only "fail" knob can make fail, so the tests
 * can prove that every failure path unwinds. @site names it for the knob.
 */
#define memplug_alloc(site, expr) (memplug_knob_fail(site) ? NULL : (expr))

/* netlink.c: the family; memplug_nl.c (generated): its tables */
int memplug_nl_init(void);
void memplug_nl_exit(void);

#endif /* _MEMPLUG_INTERNAL_H */
