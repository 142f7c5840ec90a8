// SPDX-License-Identifier: GPL-2.0
/*
 * memplug: adding and removing memory.
 *
 * This file is the only caller of the hotplug core's add and remove, and
 * calls them only in the worker (worker.c): a request checks, claims and
 * queues (memplug_plug(), memplug_unplug()), the worker does the rest
 * (memplug_plug_run(), memplug_unplug_run()) and reports the outcome as an
 * event. It never holds memplug_lock across add_memory_driver_managed() or
 * offline_and_remove_memory(): both run our notifier and online callback,
 * and removal may take a long time. A range's state keeps other requests
 * off it instead (MEMPLUG_RS_ADDING, MEMPLUG_RS_REMOVING).
 *
 * A plug first judges the request, whatever transport decoded it: whole
 * memory blocks the architecture can hotplug, a possible node, exclusions
 * inside the range, room for the memory map. It names the part it refuses
 * (struct memplug_range_args.bad) and counts every failure. Then it takes,
 * in this order and undoes in reverse: the registry entry, the online page
 * callback if the range needs it, the claim of the physical range,
 * publication to the notifier and the callback, a memory group, the
 * memory (in the worker). Whatever of the memory cannot be removed again
 * keeps everything before it: the range stays in the registry (and with it
 * the claim, the resource names and a module reference) until an unplug or
 * a rollback manages to remove it.
 */
#include <linux/crash_dump.h>
#include <linux/ktime.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/nodemask.h>
#include <linux/numa.h>
#include <linux/sort.h>

#include "internal.h"
#include "compat.h"

/*
 * Every range's memory is called this in /proc/iomem. The string lives as
 * long as the module, and the module stays as long as any memory of ours:
 * every range holds a module reference until its last block is removed.
 */
#define MEMPLUG_RES_NAME "System RAM (memplug)"

/*
 * The memory map of a range (64 bytes per 4 KiB page) comes out of memory
 * the machine already has, unless it is put on the range itself. Refuse a
 * range whose map would take more than half of what is available, before
 * the core fails late with an allocation-failure splat or starves the
 * machine. On kernels that would silently put the map elsewhere, refuse
 * memmap-on-memory that is not in effect.
 */
static int memplug_check_memmap(const struct memplug_range_args *args,
				struct netlink_ext_ack *extack)
{
	unsigned long need = PHYS_PFN(PHYS_PFN(args->size) *
				      sizeof(struct page));

	if (args->memmap_on_memory) {
		if (!memplug_memmap_on_memory_refused())
			return 0;
		NL_SET_ERR_MSG_MOD(extack,
				   "the kernel would not put the memory map on the range: memmap-on-memory needs the boot parameter memory_hotplug.memmap_on_memory=1");
		return -EOPNOTSUPP;
	}
	if (need <= si_mem_available() / 2)
		return 0;
	NL_SET_ERR_MSG_MOD(extack,
			   "not enough available memory for the range's memory map (64 bytes per 4 KiB page); plug less or use memmap-on-memory");
	return -ENOMEM;
}

/* Say why add_memory_driver_managed() failed with @rc. */
static void memplug_add_reason(struct memplug_range *range, int rc)
{
	if (rc == -EINVAL && range->memmap_on_memory) {
		memplug_set_reason(range,
				   "kernel refused memmap-on-memory: it needs the boot parameter memory_hotplug.memmap_on_memory=1 and a block size it supports");
		return;
	}
	switch (rc) {
	case -E2BIG:
		memplug_set_reason(range,
				   "kernel refused: range is outside the pluggable physical address space");
		break;
	case -EEXIST:
	case -EBUSY:
		memplug_set_reason(range,
				   "kernel refused: range conflicts with an existing resource (straddles a region edge, or was claimed meanwhile)");
		break;
	case -ENOMEM:
		memplug_set_reason(range,
				   "kernel refused: out of memory for the memory map of the range");
		break;
	case -EINVAL:
		memplug_set_reason(range,
				   "kernel refused the range as invalid (see dmesg)");
		break;
	default:
		memplug_set_reason(range, "adding the memory failed");
		break;
	}
}

static mhp_t memplug_mhp_flags(const struct memplug_range *range)
{
	return MHP_NID_IS_MGID |
	       (range->memmap_on_memory ? MHP_MEMMAP_ON_MEMORY : 0);
}

static void memplug_set_present(struct memplug_range *range, unsigned int idx,
				unsigned int nr, bool present)
{
	while (nr--)
		WRITE_ONCE(range->acct[idx++].present, present);
}

/* Remove block @idx of @range; on success it is no longer present. */
static int memplug_remove_block(struct memplug_range *range, unsigned int idx)
{
	int rc;

	rc = offline_and_remove_memory(memplug_range_block(range, idx),
				       memplug_block_bytes());
	if (!rc)
		memplug_set_present(range, idx, 1, false);
	return rc;
}

/*
 * Add the memory of @range: all at once, or block by block. When a block
 * by block add fails half way, the blocks added so far are removed again;
 * those that will not go stay present, for a rollback.
 */
static int memplug_add_memory(struct memplug_range *range)
{
	unsigned long bs = memplug_block_bytes();
	unsigned int i;
	int rc;

	if (!range->per_block) {
		rc = memplug_knob_fail("add") ? -ENOMEM :
		     add_memory_driver_managed(range->mgid, range->start,
					       range->size, MEMPLUG_RES_NAME,
					       memplug_mhp_flags(range));
		if (!rc)
			memplug_set_present(range, 0, range->nr_blocks, true);
		return rc;
	}

	for (i = 0; i < range->nr_blocks; i++) {
		rc = memplug_knob_fail(i ? "add_block" : "add") ? -ENOMEM :
		     add_memory_driver_managed(range->mgid,
					       memplug_range_block(range, i),
					       bs, MEMPLUG_RES_NAME,
					       memplug_mhp_flags(range));
		if (rc)
			goto out_remove;
		memplug_set_present(range, i, 1, true);
	}
	return 0;

out_remove:
	/* Fresh blocks, unless the kernel's auto-online policy onlined them. */
	while (i--)
		if (memplug_remove_block(range, i))
			pr_warn("range %u: block %u could not be removed after a failed add; a rollback retries\n",
				range->id, memplug_phys_to_block(range->start) + i);
	return rc;
}

/**
 * memplug_finish() - let go of what a range held, once its memory is gone
 * @range: a range none of whose blocks is present, in MEMPLUG_RS_REMOVING
 *	or MEMPLUG_RS_ADDING, so nobody else touches it
 *
 * Must be called without memplug_lock held; the caller then reports the
 * range and releases it.
 */
static void memplug_finish(struct memplug_range *range)
{
	memplug_range_unpublish(range);
	memplug_res_unclaim(range);
	if (range->mgid >= 0 && memory_group_unregister(range->mgid))
		pr_warn("range %u: memory group %d still has memory; it stays registered\n",
			range->id, range->mgid);
	range->mgid = -1;
	if (range->uses_cb)
		memplug_online_cb_put();
	memplug_tier_put(range);
}

/* Refuse @arg of the request, saying why in @extack. */
#define memplug_refuse_arg(args, which, extack, msg)			\
	do {								\
		(args)->bad = (which);					\
		NL_SET_ERR_MSG_MOD(extack, msg);			\
	} while (0)

/*
 * The range must be whole memory blocks inside what the architecture can
 * hotplug, on a node this machine may have.
 */
static int memplug_check_range(struct memplug_range_args *args,
			       struct netlink_ext_ack *extack)
{
	unsigned long bs = memplug_block_bytes();
	struct range pluggable;

	if (!args->size) {
		memplug_refuse_arg(args, MEMPLUG_ARG_SIZE, extack,
				   "size is zero");
		return -EINVAL;
	}
	if (args->size - 1 > U64_MAX - args->start) {
		memplug_refuse_arg(args, MEMPLUG_ARG_SIZE, extack,
				   "start + size overflows");
		return -EOVERFLOW;
	}
	if (!IS_ALIGNED(args->start, bs)) {
		memplug_refuse_arg(args, MEMPLUG_ARG_START, extack,
				   "start is not aligned to the memory block size");
		return -EINVAL;
	}
	if (!IS_ALIGNED(args->size, bs)) {
		memplug_refuse_arg(args, MEMPLUG_ARG_SIZE, extack,
				   "size is not a multiple of the memory block size");
		return -EINVAL;
	}
	pluggable = mhp_get_pluggable_range(true);
	if (args->start < pluggable.start ||
	    args->start + args->size - 1 > pluggable.end) {
		memplug_refuse_arg(args, MEMPLUG_ARG_START, extack,
				   "range is outside the pluggable physical address space");
		return -ERANGE;
	}

	if (args->has_nid) {
		if (args->nid < 0 || args->nid >= MAX_NUMNODES ||
		    !node_possible(args->nid)) {
			memplug_refuse_arg(args, MEMPLUG_ARG_NODE, extack,
					   "node is not possible on this machine");
			return -EINVAL;
		}
		return 0;
	}
	args->nid = phys_to_target_node(args->start);
	if (args->nid == NUMA_NO_NODE)
		args->nid = memory_add_physaddr_to_nid(args->start);
	if (args->nid < 0 || args->nid >= MAX_NUMNODES ||
	    !node_possible(args->nid)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "no NUMA node is known for this address; give one");
		return -EINVAL;
	}
	return 0;
}

static int memplug_excl_cmp(const void *a, const void *b)
{
	const struct memplug_excl *ea = a, *eb = b;

	if (ea->start < eb->start)
		return -1;
	return ea->start > eb->start;
}

/*
 * Exclusions are page-granular parts of the range. Sort and merge them so
 * that the online callback walks them once, in order.
 */
static int memplug_check_excl(struct memplug_range_args *args,
			      struct netlink_ext_ack *extack)
{
	struct memplug_excl *excl = args->excl;
	unsigned int i, out;

	for (i = 0; i < args->nr_excl; i++) {
		u64 s = excl[i].start, len = excl[i].size;

		args->bad_excl = i;
		if (!len || !PAGE_ALIGNED(s) || !PAGE_ALIGNED(len)) {
			memplug_refuse_arg(args, MEMPLUG_ARG_EXCLUDE, extack,
					   "exclusion must be non-empty and page aligned");
			return -EINVAL;
		}
		if (s < args->start || len > args->size ||
		    s - args->start > args->size - len) {
			memplug_refuse_arg(args, MEMPLUG_ARG_EXCLUDE, extack,
					   "exclusion lies outside the range");
			return -ERANGE;
		}
	}
	if (!args->nr_excl)
		return 0;

	sort(excl, args->nr_excl, sizeof(*excl), memplug_excl_cmp, NULL);
	for (out = 0, i = 1; i < args->nr_excl; i++) {
		struct memplug_excl *last = &excl[out];
		u64 end = last->start + last->size;

		if (excl[i].start <= end) {
			end = max(end, excl[i].start + excl[i].size);
			last->size = end - last->start;
		} else {
			excl[++out] = excl[i];
		}
	}
	args->nr_excl = out + 1;
	return 0;
}

/*
 * Take, in order, what a plug needs before its memory, and queue the add;
 * undo it all on failure.
 */
static int memplug_add_range(struct memplug_range_args *args,
			     struct netlink_ext_ack *extack,
			     struct memplug_range **out)
{
	struct memplug_range *range;
	int rc;

	range = memplug_range_reserve(args, extack);
	if (IS_ERR(range))
		return PTR_ERR(range);

	rc = memplug_res_claim(range, args->force, extack);
	if (rc)
		goto out_release;
	rc = memplug_range_publish(range, extack);
	if (rc)
		goto out_unclaim;

	rc = memplug_knob_fail("group") ? -ENOMEM :
	     memory_group_register_static(range->nid, PHYS_PFN(range->size));
	if (rc < 0) {
		NL_SET_ERR_MSG_MOD(extack,
				   "registering the memory group failed");
		goto out_unpublish;
	}
	range->mgid = rc;

	/* Held for the caller: the worker starts once it has replied. */
	mutex_lock(&memplug_lock);
	memplug_worker_queue(range, MEMPLUG_JOB_ADD, 0);
	*out = range;
	return 0;

out_unpublish:
	memplug_range_unpublish(range);
out_unclaim:
	memplug_res_unclaim(range);
out_release:
	mutex_lock(&memplug_lock);
	memplug_range_release(range);
	mutex_unlock(&memplug_lock);
	return rc;
}

/**
 * memplug_plug() - check a plug request, claim its range, queue its add
 * @args: an authorised request (see memplug_nl_range_add_doit()); this
 *	checks it, and on refusal names the part at fault in @args->bad
 * @extack: for the refusal
 * @out: the new range, in MEMPLUG_RS_ADDING
 *
 * Must be called without memplug_lock held, and returns with it held on
 * success: the worker starts the add only once the caller has described
 * the range and unlocked. Every failure, here or in the worker, counts in
 * memplug_counters.plug_failures.
 *
 * Return: 0, or a negative errno with the reason in @extack; nothing of the
 * range is left behind then.
 */
int memplug_plug(struct memplug_range_args *args,
		 struct netlink_ext_ack *extack, struct memplug_range **out)
{
	int rc;

	if (is_kdump_kernel()) {
		NL_SET_ERR_MSG_MOD(extack,
				   "refusing to hotplug memory in a kdump kernel");
		rc = -EOPNOTSUPP;
	} else {
		rc = memplug_check_range(args, extack);
	}
	if (!rc)
		rc = memplug_check_excl(args, extack);
	/* Before anything is allocated for the range, which scales with it. */
	if (!rc)
		rc = memplug_check_memmap(args, extack);
	if (!rc)
		rc = memplug_add_range(args, extack, out);
	if (rc) {
		mutex_lock(&memplug_lock);
		memplug_counters.plug_failures++;
		mutex_unlock(&memplug_lock);
	}
	return rc;
}

/*
 * The end of an add that failed with @rc, for the reason the range gives.
 * Memory that could not be removed again is a rollback's, with all the
 * rest.
 */
static void memplug_plug_failed(struct memplug_range *range, int rc)
{
	bool left = memplug_range_blocks_present(range);

	range->fail_errno = rc;
	if (!left)
		memplug_finish(range);
	pr_info("range %u: plugging %#llx-%#llx failed (%d)\n", range->id,
		range->start, range->start + range->size - 1, rc);

	mutex_lock(&memplug_lock);
	memplug_counters.plug_failures++;
	/* Under the lock: whoever reads the event finds the range gone. */
	memplug_event_outcome(MEMPLUG_EVENT_PLUG_FAILED, range, rc,
			      range->fail_reason);
	if (left)
		memplug_rollback_queue(range, 0);
	else
		memplug_range_release(range);
	mutex_unlock(&memplug_lock);
}

/**
 * memplug_plug_run() - the worker's part of a plug: add the memory
 * @range: a range memplug_plug() queued, in MEMPLUG_RS_ADDING
 *
 * Ends in PLUG, with the range HELD or PLUGGED, or in PLUG_FAILED: a plug
 * cancelled before its add adds nothing; one cancelled during it, or whose
 * add failed half way, leaves its memory to a rollback.
 */
void memplug_plug_run(struct memplug_range *range)
{
	u64 t0;
	int rc;

	if (READ_ONCE(range->job_cancel))
		goto out_cancelled;
	/*
	 * Not in the request: taking the slot waits for a running removal,
	 * and the node's type must be set before its memory comes online.
	 */
	if (range->uses_cb) {
		rc = memplug_online_cb_get(range);
		if (rc) {
			range->uses_cb = false;
			memplug_plug_failed(range, rc);
			return;
		}
	}
	rc = memplug_tier_get(range);
	if (rc) {
		memplug_plug_failed(range, rc);
		return;
	}
	t0 = ktime_get_ns();
	rc = memplug_add_memory(range);
	range->add_ns = ktime_get_ns() - t0;
	if (rc) {
		memplug_add_reason(range, rc);
		memplug_plug_failed(range, rc);
		return;
	}

	mutex_lock(&memplug_lock);
	if (range->job_cancel) {
		mutex_unlock(&memplug_lock);
		goto out_cancelled;
	}
	memplug_range_set_state(range, range->owner_portid ?
				MEMPLUG_RS_HELD : MEMPLUG_RS_PLUGGED);
	memplug_counters.plugs++;
	mutex_unlock(&memplug_lock);

	pr_info("range %u: plugged %#llx-%#llx (%llu MiB) on node %d by %s\n",
		range->id, range->start, range->start + range->size - 1,
		range->size >> 20, range->nid, range->plugged_by);
	memplug_event_range(MEMPLUG_EVENT_PLUG, range);
	return;

out_cancelled:
	memplug_set_reason(range, "the plug was cancelled");
	memplug_plug_failed(range, -ECANCELED);
}

/*
 * Memory is removed the way it was added: the core cannot take part of an
 * add back (on x86 a part of a huge direct mapping, for one). A range added
 * at once goes at once, and the core puts everything back on failure.
 */
static int memplug_remove_all(struct memplug_range *range, bool bounded)
{
	int rc;

	if (bounded) {
		rc = memplug_rollback_bound(range, range->nr_blocks);
		if (rc)
			return rc;
	}
	rc = offline_and_remove_memory(range->start, range->size);
	if (bounded)
		memplug_rollback_unbound();
	if (!rc)
		memplug_set_present(range, 0, range->nr_blocks, false);
	return rc;
}

/*
 * A range added block by block that is whole goes all or nothing too: on
 * failure the blocks removed so far are put back (offline; user space
 * onlines them again). A block that cannot be put back stays gone, and the
 * caller learns it from the blocks present.
 */
static int memplug_remove_per_block(struct memplug_range *range)
{
	unsigned int i;
	int rc;

	for (i = 0; i < range->nr_blocks; i++) {
		rc = memplug_remove_block(range, i);
		if (rc)
			goto out_readd;
	}
	return 0;

out_readd:
	while (i--) {
		if (add_memory_driver_managed(range->mgid,
					      memplug_range_block(range, i),
					      memplug_block_bytes(),
					      MEMPLUG_RES_NAME,
					      memplug_mhp_flags(range))) {
			pr_warn("range %u: block %u could not be put back after a failed unplug\n",
				range->id,
				memplug_phys_to_block(range->start) + i);
			continue;
		}
		memplug_set_present(range, i, 1, true);
	}
	return rc;
}

/*
 * What is left of a range added block by block, removed block by block in
 * ascending order; it stops at the first block that will not go (the core
 * puts that one back online), and what was removed stays removed.
 */
static int memplug_remove_rest(struct memplug_range *range, bool bounded)
{
	unsigned int i;
	int rc;

	for (i = 0; i < range->nr_blocks; i++) {
		if (!READ_ONCE(range->acct[i].present))
			continue;
		if (bounded) {
			rc = memplug_rollback_bound(range, 1);
			if (rc)
				return rc;
		}
		rc = memplug_remove_block(range, i);
		if (bounded)
			memplug_rollback_unbound();
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Remove what is present of @range. An unplug of a whole range is all or
 * nothing. A rollback (@bounded) of a range added block by block keeps
 * what it removed, and so does the unplug of what is left of a range.
 */
static int memplug_remove_memory(struct memplug_range *range, bool bounded)
{
	if (!range->per_block)
		return memplug_remove_all(range, bounded);
	if (!bounded &&
	    memplug_range_blocks_present(range) == range->nr_blocks)
		return memplug_remove_per_block(range);
	return memplug_remove_rest(range, bounded);
}

/*
 * After a failed removal: if no block reported MEM_CANCEL_OFFLINE (isolation
 * fails before the notifier runs), the culprit is the first block at or
 * after the last one offlined that is online again: the core offlines in
 * ascending order, stops at the first failure and re-onlines the rest.
 */
static void memplug_find_fail_block(struct memplug_range *range)
{
	unsigned int i;

	if (READ_ONCE(range->fail_block) != U32_MAX)
		return;
	for (i = READ_ONCE(range->unplug_next); i < range->nr_blocks; i++) {
		if (READ_ONCE(range->acct[i].present) &&
		    pfn_to_online_page(PHYS_PFN(memplug_range_block(range, i)))) {
			WRITE_ONCE(range->fail_block,
				   memplug_phys_to_block(range->start) + i);
			return;
		}
	}
}

/**
 * memplug_remove() - remove a range's memory and, once it is gone, the rest
 * @range: a range in MEMPLUG_RS_REMOVING
 * @bounded: for a rollback only: each removal is bounded in time, and
 *	stops early when it is cancelled or the system freezes (see
 *	memplug_rollback_bound())
 *
 * Must be called without memplug_lock held. On success everything the
 * range held is let go but its registry entry: the caller calls
 * memplug_removed().
 *
 * Return: 0, or the core's error; FAIL_BLOCK and FAIL_ERRNO say where and
 * why.
 */
int memplug_remove(struct memplug_range *range, bool bounded)
{
	u64 t0;
	int rc;

	WRITE_ONCE(range->unplug_next, 0);
	WRITE_ONCE(range->fail_block, U32_MAX);
	range->fail_errno = 0;
	t0 = ktime_get_ns();
	rc = memplug_remove_memory(range, bounded);
	range->remove_ns = ktime_get_ns() - t0;

	mutex_lock(&memplug_lock);
	if (rc) {
		memplug_find_fail_block(range);
		range->fail_errno = rc;
		memplug_counters.unplug_failures++;
	} else {
		memplug_counters.unplugs++;
	}
	mutex_unlock(&memplug_lock);
	if (rc)
		return rc;

	memplug_finish(range);
	pr_info("range %u: unplugged %#llx-%#llx\n", range->id, range->start,
		range->start + range->size - 1);
	return 0;
}

/**
 * memplug_removed() - report a range memplug_remove() removed, and drop it
 * @range: the range
 *
 * Must be called with memplug_lock held, so that whoever reads the UNPLUG
 * event finds the range gone.
 */
void memplug_removed(struct memplug_range *range)
{
	lockdep_assert_held(&memplug_lock);
	memplug_event_range(MEMPLUG_EVENT_UNPLUG, range);
	memplug_range_release(range);
}

/*
 * Say why an unplug failed with the core's @rc, and return the error it
 * reports: -ECANCELED for a removal that was cancelled or interrupted
 * (netlink took -EINTR from a handler to mean "dump started"; FAIL_ERRNO
 * keeps the core's -EINTR), -ETIMEDOUT for one whose requester went away
 * and that outlasted its bound.
 */
static int memplug_unplug_reason(struct memplug_range *range, int rc)
{
	switch (rc) {
	case -EINTR:
		if (range->job_cancel) {
			memplug_set_reason(range,
					   "unplug cancelled; the range stays plugged");
			return -ECANCELED;
		}
		if (range->job_orphaned) {
			memplug_set_reason(range,
					   "the unplug's requester went away and the unplug outlasted its bound; the range stays plugged");
			return -ETIMEDOUT;
		}
		memplug_set_reason(range,
				   "unplug interrupted by a signal; the range stays plugged");
		return -ECANCELED;
	case -EBUSY:
		memplug_set_reason(range,
				   "a memory block could not be offlined (pages in use or unmovable); the range stays plugged");
		return rc;
	case -EPERM:
		memplug_set_reason(range,
				   "a memory notifier vetoed offlining; the range stays plugged");
		return rc;
	default:
		memplug_set_reason(range,
				   "offlining the range failed; the range stays plugged");
		return rc;
	}
}

/**
 * memplug_unplug() - check an unplug request and queue the removal
 * @range: a range found under memplug_lock, which the caller holds
 * @portid: the netlink port asking; the removal is bounded in time once it
 *	is closed
 * @extack: for the refusal
 *
 * The worker removes a range that is whole all or nothing; what is left of
 * a range added block by block whose rollback is pending or failed, block
 * by block (memplug_unplug_run()).
 *
 * Return: 0 with the range in MEMPLUG_RS_REMOVING, or -EBUSY while a plug,
 * unplug or rollback of it runs.
 */
int memplug_unplug(struct memplug_range *range, u32 portid,
		   struct netlink_ext_ack *extack)
{
	enum memplug_rs prev = range->state;

	lockdep_assert_held(&memplug_lock);

	switch (prev) {
	case MEMPLUG_RS_PLUGGED:
	case MEMPLUG_RS_HELD:
	case MEMPLUG_RS_FAILED:
		break;
	case MEMPLUG_RS_ROLLBACK:
		memplug_worker_dequeue(range);
		break;
	default:
		NL_SET_ERR_MSG_MOD(extack,
				   "range is busy: a plug, unplug or rollback of it is in progress");
		return -EBUSY;
	}
	range->job_prev = prev;
	range->job_portid = portid;
	range->job_orphaned = false;
	memplug_range_set_state(range, MEMPLUG_RS_REMOVING);
	memplug_worker_queue(range, MEMPLUG_JOB_REMOVE, 0);
	return 0;
}

/**
 * memplug_unplug_end() - the end of an unplug that failed with @rc
 * @range: the range, in MEMPLUG_RS_REMOVING, off the worker's list
 * @rc: the core's error
 *
 * Puts the range back: in the state it had if it is whole, FAILED if it
 * lost blocks, or back to its rollback. Must be called with memplug_lock
 * held.
 */
void memplug_unplug_end(struct memplug_range *range, int rc)
{
	enum memplug_rs prev = range->job_prev;
	int err;

	lockdep_assert_held(&memplug_lock);

	err = memplug_unplug_reason(range, rc);
	range->fail_errno = rc;
	range->job_portid = 0;
	if (prev == MEMPLUG_RS_ROLLBACK) {
		memplug_rollback_queue(range, HZ);
	} else if (memplug_range_blocks_present(range) == range->nr_blocks) {
		memplug_range_set_state(range, prev);
	} else {
		memplug_range_set_state(range, MEMPLUG_RS_FAILED);
		if (prev != MEMPLUG_RS_FAILED)
			memplug_event_range(MEMPLUG_EVENT_FAILED, range);
	}
	memplug_event_outcome(MEMPLUG_EVENT_UNPLUG_FAILED, range, err,
			      range->fail_reason);
}

/**
 * memplug_unplug_run() - the worker's part of an unplug
 * @range: a range memplug_unplug() queued, in MEMPLUG_RS_REMOVING
 *
 * The core runs in the worker: a signal (a cancel, or the bound of a
 * removal whose requester went away) makes it give up with -EINTR, after
 * re-onlining what it had offlined. Ends in UNPLUG, or in UNPLUG_FAILED
 * with the range as it was.
 */
void memplug_unplug_run(struct memplug_range *range)
{
	int rc;

	rc = memplug_remove(range, false);

	mutex_lock(&memplug_lock);
	if (rc)
		memplug_unplug_end(range, rc);
	else
		memplug_removed(range);
	mutex_unlock(&memplug_lock);
}

/**
 * memplug_change() - change a range that is plugged
 * @range: a range found under memplug_lock, which the caller holds
 * @change: what to change
 * @extack: for the refusal
 *
 * Checks everything before it changes anything: a refused change leaves
 * the range as it was.
 *
 * Return: 0, or -EBUSY while a plug, unplug or rollback of the range is in
 * progress, -EINVAL for a commit of a range the port does not hold.
 */
int memplug_change(struct memplug_range *range,
		   const struct memplug_range_change *change,
		   struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&memplug_lock);

	if (range->state == MEMPLUG_RS_ADDING ||
	    range->state == MEMPLUG_RS_REMOVING ||
	    range->state == MEMPLUG_RS_ROLLBACK) {
		NL_SET_ERR_MSG_MOD(extack,
				   "range is busy: a plug, unplug or rollback of it is in progress");
		return -EBUSY;
	}
	if (change->commit &&
	    (range->state != MEMPLUG_RS_HELD ||
	     range->owner_portid != change->portid)) {
		NL_SET_ERR_MSG_MOD(extack, "range is not held by this socket");
		return -EINVAL;
	}

	if (change->commit) {
		range->owner_portid = 0;
		memplug_range_set_state(range, MEMPLUG_RS_PLUGGED);
	}
	if (change->set_zone_policy)
		WRITE_ONCE(range->zone_policy, change->zone_policy);
	if (change->set_protect)
		WRITE_ONCE(range->protect, change->protect);
	return 0;
}
