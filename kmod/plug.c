// SPDX-License-Identifier: GPL-2.0
/*
 * memplug: adding and removing memory.
 *
 * This file is the only caller of the hotplug core. It never holds
 * memplug_lock across add_memory_driver_managed() or
 * offline_and_remove_memory(): both run our notifier and online callback,
 * and removal may take a long time. A range's state keeps other requests
 * off it instead (MEMPLUG_RS_ADDING, MEMPLUG_RS_REMOVING).
 */
#include <linux/crash_dump.h>
#include <linux/ioport.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/sched/signal.h>
#include <linux/suspend.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <net/net_namespace.h>

#include "internal.h"
#include "compat.h"

/* Every range's memory is called this in /proc/iomem. */
#define MEMPLUG_RES_NAME "System RAM (memplug)"

/*
 * Rollbacks of held ranges whose owner closed its socket run in one kernel
 * thread. The core's offlining retries migration until a signal is
 * pending, so a page that someone holds would keep a workqueue worker
 * spinning, with the memory hotplug lock taken, for as long as the page is
 * held, and every other plug waiting in uninterruptible sleep. This thread
 * accepts SIGKILL from the kernel: memplug_rollback_timer sends it one
 * when an attempt outlasts its bound, the core gives up with -EINTR and
 * puts the range back, other plugs get their turn, and the thread tries
 * again later. The bound grows a little (a large range under pressure may
 * just be slow), the pause between attempts more. The range stays in
 * MEMPLUG_RS_REMOVING until an attempt succeeds.
 *
 * memplug_rollbacks is protected by memplug_lock; memplug_rollback_kick is
 * set under it and read by the thread without it.
 */
static LIST_HEAD(memplug_rollbacks);
static bool memplug_rollback_kick;
static DECLARE_WAIT_QUEUE_HEAD(memplug_rollback_wait);
static struct task_struct *memplug_rollback_task;
static struct timer_list memplug_rollback_timer;

/*
 * Attempt n may take (1 s + 100 ms per block) << min(n, 2); the pause
 * after it is 1 s << min(n, 6).
 */
#define MEMPLUG_ROLLBACK_BOUND_SHIFT 2
#define MEMPLUG_ROLLBACK_PAUSE_SHIFT 6

/* Stops the walk at the first busy resource; the walk returns our 1. */
static int memplug_busy_res_cb(struct resource *res, void *arg)
{
	return 1;
}

/* Regions that describe memory a device or the firmware set aside. */
static bool memplug_device_desc(unsigned long desc)
{
	switch (desc) {
	case IORES_DESC_PERSISTENT_MEMORY:
	case IORES_DESC_PERSISTENT_MEMORY_LEGACY:
	case IORES_DESC_RESERVED:
	case IORES_DESC_SOFT_RESERVED:
	case IORES_DESC_CXL:
		return true;
	default:
		return false;
	}
}

/*
 * The walk hands us the outermost memory resources over the range, in
 * ascending order and clipped to it; *next is the first byte not yet
 * covered by a device region.
 */
static int memplug_device_res_cb(struct resource *res, void *arg)
{
	u64 *next = arg;

	if (!memplug_device_desc(res->desc) || res->start > *next)
		return 1;
	*next = res->end + 1;
	return 0;
}

static bool memplug_in_device_regions(u64 start, u64 size)
{
	u64 next = start;

	if (walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_MEM, start,
				start + size - 1, &next, memplug_device_res_cb))
		return false;
	return next == start + size;
}

/*
 * Refuse what the core would refuse less clearly: System RAM and resources
 * that another driver claimed (busy). Nesting inside a non-busy parent such
 * as "Persistent Memory (legacy)" or "Soft Reserved" is what we want; unless
 * forced, nothing outside such regions, where nothing may back the range.
 */
static int memplug_check_resources(u64 start, u64 size, bool force,
				   struct netlink_ext_ack *extack)
{
	if (region_intersects(start, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		NL_SET_ERR_MSG_MOD(extack, "range overlaps System RAM");
		return -EEXIST;
	}
	if (walk_iomem_res_desc(IORES_DESC_NONE,
				IORESOURCE_MEM | IORESOURCE_BUSY, start,
				start + size - 1, NULL, memplug_busy_res_cb) == 1) {
		NL_SET_ERR_MSG_MOD(extack,
				   "range overlaps a busy resource claimed by another driver");
		return -EBUSY;
	}
	if (!force && !memplug_in_device_regions(start, size)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "range is not inside device or reserved memory regions of /proc/iomem; force plugs it anyway");
		return -ENXIO;
	}
	return 0;
}

/*
 * The memory map of a range (64 bytes per 4 KiB page) comes out of memory
 * the machine already has, unless it is put on the range itself. Refuse a
 * range whose map would take more than half of what is available, before
 * the core fails late with an allocation-failure splat or starves the
 * machine.
 */
static int memplug_check_memmap(const struct memplug_range_args *args,
				struct netlink_ext_ack *extack)
{
	unsigned long need = PHYS_PFN(PHYS_PFN(args->size) *
				      sizeof(struct page));

	if (args->memmap_on_memory || need <= si_mem_available() / 2)
		return 0;
	NL_SET_ERR_MSG_MOD(extack,
			   "not enough available memory for the range's memory map (64 bytes per 4 KiB page); plug less or use memmap-on-memory");
	return -ENOMEM;
}

static void memplug_add_error_msg(const struct memplug_range *range, int rc,
				  struct netlink_ext_ack *extack)
{
	if (rc == -EINVAL && range->memmap_on_memory) {
		NL_SET_ERR_MSG_MOD(extack,
				   "kernel refused memmap-on-memory: it needs the boot parameter memory_hotplug.memmap_on_memory=1 and a block size it supports");
		return;
	}
	switch (rc) {
	case -E2BIG:
		NL_SET_ERR_MSG_MOD(extack,
				   "kernel refused: range is outside the pluggable physical address space");
		break;
	case -EEXIST:
	case -EBUSY:
		NL_SET_ERR_MSG_MOD(extack,
				   "kernel refused: range conflicts with an existing resource (straddles a region edge, or was claimed meanwhile)");
		break;
	case -ENOMEM:
		NL_SET_ERR_MSG_MOD(extack,
				   "kernel refused: out of memory for the memory map of the range");
		break;
	case -EINVAL:
		NL_SET_ERR_MSG_MOD(extack,
				   "kernel refused the range as invalid (see dmesg)");
		break;
	default:
		NL_SET_ERR_MSG_MOD(extack, "adding the memory failed");
		break;
	}
}

/* Add the memory of @range: all at once, or block by block. */
static int memplug_add_memory(struct memplug_range *range)
{
	unsigned long bs = memplug_block_bytes();
	mhp_t flags = MHP_NID_IS_MGID;
	unsigned int i;
	int rc;

	if (!range->memmap_on_memory)
		return add_memory_driver_managed(range->mgid, range->start,
						 range->size, range->res_name,
						 flags);

	flags |= MHP_MEMMAP_ON_MEMORY;
	for (i = 0; i < range->nr_blocks; i++) {
		rc = add_memory_driver_managed(range->mgid,
					       range->start + (u64)i * bs, bs,
					       range->res_name, flags);
		if (rc)
			goto out_remove;
	}
	return 0;

out_remove:
	/* We have one shot; blocks added so far are fresh and unused. */
	while (i--)
		if (offline_and_remove_memory(range->start + (u64)i * bs, bs))
			pr_err("range %u: block %u could not be removed after a failed add\n",
			       range->id, memplug_phys_to_block(range->start) + i);
	return rc;
}

/**
 * memplug_plug() - plug a range
 * @args: a validated request (see memplug_nl_range_add_doit())
 * @extack: for the refusal
 * @out: the new range
 *
 * Must be called without memplug_lock held.
 *
 * Return: 0, or a negative errno with the reason in @extack; nothing of
 * the range is left behind on failure.
 */
int memplug_plug(struct memplug_range_args *args,
		 struct netlink_ext_ack *extack, struct memplug_range **out)
{
	struct memplug_range *range;
	u64 t0;
	int rc;

	if (is_kdump_kernel()) {
		NL_SET_ERR_MSG_MOD(extack,
				   "refusing to hotplug memory in a kdump kernel");
		return -EOPNOTSUPP;
	}

	/* Before anything is allocated for the range, which scales with it. */
	rc = memplug_check_memmap(args, extack);
	if (rc)
		return rc;

	range = memplug_range_reserve(args, extack);
	if (IS_ERR(range))
		return PTR_ERR(range);

	rc = memplug_check_resources(range->start, range->size, args->force,
				     extack);
	if (rc)
		goto out_release;

	range->res_name = memplug_alloc("name",
					kstrdup(MEMPLUG_RES_NAME, GFP_KERNEL));
	if (!range->res_name) {
		NL_SET_ERR_MSG_MOD(extack,
				   "out of memory for the range's resource name");
		rc = -ENOMEM;
		goto out_release;
	}

	rc = memplug_knob_fail("group") ? -ENOMEM :
	     memory_group_register_static(range->nid, PHYS_PFN(range->size));
	if (rc < 0) {
		NL_SET_ERR_MSG_MOD(extack,
				   "registering the memory group failed");
		goto out_free_name;
	}
	range->mgid = rc;

	t0 = ktime_get_ns();
	rc = memplug_knob_fail("add") ? -ENOMEM : memplug_add_memory(range);
	range->add_ns = ktime_get_ns() - t0;
	if (rc) {
		memplug_add_error_msg(range, rc, extack);
		goto out_unreg_group;
	}

	mutex_lock(&memplug_lock);
	memplug_range_set_state(range, range->owner_portid ?
				MEMPLUG_RS_HELD : MEMPLUG_RS_PLUGGED);
	memplug_counters.plugs++;
	memplug_counters.plugged_bytes += range->size;
	mutex_unlock(&memplug_lock);

	memplug_event_range(MEMPLUG_EVENT_PLUG, range);
	*out = range;
	return 0;

out_unreg_group:
	memory_group_unregister(range->mgid);
out_free_name:
	kfree(range->res_name);
out_release:
	mutex_lock(&memplug_lock);
	memplug_range_release(range);
	mutex_unlock(&memplug_lock);
	return rc;
}

/* Remove the memory of @range: all at once, or block by block. */
static int memplug_remove_memory(struct memplug_range *range)
{
	unsigned long bs = memplug_block_bytes();
	unsigned int i;
	int rc;

	if (!range->memmap_on_memory)
		return offline_and_remove_memory(range->start, range->size);

	for (i = 0; i < range->nr_blocks; i++) {
		rc = offline_and_remove_memory(range->start + (u64)i * bs, bs);
		if (rc)
			goto out_readd;
	}
	return 0;

out_readd:
	/*
	 * Put back what we removed so the range stays whole; the blocks come
	 * back offline and user space onlines them again.
	 */
	while (i--)
		if (add_memory_driver_managed(range->mgid,
					      range->start + (u64)i * bs, bs,
					      range->res_name,
					      MHP_NID_IS_MGID |
					      MHP_MEMMAP_ON_MEMORY))
			pr_err("range %u: block %u could not be re-added after a failed unplug\n",
			       range->id, memplug_phys_to_block(range->start) + i);
	return rc;
}

/*
 * After a failed removal: if no block reported MEM_CANCEL_OFFLINE (isolation
 * fails before the notifier runs), the culprit is the first block at or
 * after the last one offlined that is online again: the core offlines in
 * ascending order, stops at the first failure and re-onlines the rest.
 */
static void memplug_find_fail_block(struct memplug_range *range)
{
	unsigned long bs = memplug_block_bytes();
	unsigned int i;

	if (range->fail_block != U32_MAX)
		return;
	for (i = range->unplug_next; i < range->nr_blocks; i++) {
		if (pfn_to_online_page(PHYS_PFN(range->start + (u64)i * bs))) {
			range->fail_block = memplug_phys_to_block(range->start) + i;
			return;
		}
	}
}

/*
 * Offline and remove a range that is in MEMPLUG_RS_REMOVING; on failure put
 * it back into @prev. On success the range is out of the registry but not
 * yet freed: the caller reports it, then calls memplug_range_release().
 */
static int memplug_remove(struct memplug_range *range, enum memplug_rs prev)
{
	u64 t0;
	int rc;

	range->unplug_next = 0;
	range->fail_block = U32_MAX;
	range->fail_errno = 0;
	t0 = ktime_get_ns();
	rc = memplug_remove_memory(range);
	range->remove_ns = ktime_get_ns() - t0;

	mutex_lock(&memplug_lock);
	if (rc) {
		memplug_find_fail_block(range);
		range->fail_errno = rc;
		memplug_counters.unplug_failures++;
		memplug_range_set_state(range, prev);
		mutex_unlock(&memplug_lock);
		return rc;
	}
	memplug_counters.unplugs++;
	memplug_counters.plugged_bytes -= range->size;
	mutex_unlock(&memplug_lock);

	memory_group_unregister(range->mgid);
	/* The resource is gone with the memory; its name may go now. */
	kfree(range->res_name);
	range->res_name = NULL;
	memplug_event_range(MEMPLUG_EVENT_UNPLUG, range);
	return 0;
}

/**
 * memplug_unplug() - offline and remove a range
 * @range: a range found under memplug_lock, which the caller holds
 * @extack: for the refusal
 *
 * Drops memplug_lock while the core works and takes it back before
 * returning. The core runs in the caller's thread: a pending signal makes
 * it give up with -EINTR, after re-onlining what it had offlined.
 *
 * Return: 0 with the range out of the registry (the caller reports it and
 * calls memplug_range_release()), or a negative errno with the range
 * plugged as before: -ECANCELED when a signal interrupted the offline.
 */
int memplug_unplug(struct memplug_range *range, struct netlink_ext_ack *extack)
{
	enum memplug_rs prev = range->state;
	int rc;

	lockdep_assert_held(&memplug_lock);

	if (prev != MEMPLUG_RS_PLUGGED && prev != MEMPLUG_RS_HELD) {
		NL_SET_ERR_MSG_MOD(extack,
				   "range is busy: a plug or unplug of it is in progress");
		return -EBUSY;
	}
	memplug_range_set_state(range, MEMPLUG_RS_REMOVING);
	mutex_unlock(&memplug_lock);

	rc = memplug_remove(range, prev);

	mutex_lock(&memplug_lock);
	switch (rc) {
	case 0:
		break;
	case -EINTR:
		/*
		 * Netlink takes -EINTR from a handler to mean "dump started"
		 * and would send no answer at all; the caller learns of the
		 * signal as ECANCELED (FAIL_ERRNO keeps the core's EINTR).
		 */
		NL_SET_ERR_MSG_MOD(extack,
				   "unplug interrupted by a signal; the range stays plugged");
		rc = -ECANCELED;
		break;
	case -EBUSY:
		NL_SET_ERR_MSG_MOD(extack,
				   "a memory block could not be offlined (pages in use or unmovable); the range stays plugged");
		break;
	case -EPERM:
		NL_SET_ERR_MSG_MOD(extack,
				   "a memory notifier vetoed offlining; the range stays plugged");
		break;
	default:
		NL_SET_ERR_MSG_MOD(extack,
				   "offlining the range failed; the range stays plugged");
		break;
	}
	return rc;
}

/**
 * memplug_commit() - end the hold on a range
 * @range: a range found under memplug_lock, which the caller holds
 * @portid: the port asking
 * @extack: for the refusal
 *
 * Return: 0, or -EINVAL if the range is not held by @portid.
 */
int memplug_commit(struct memplug_range *range, u32 portid,
		   struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&memplug_lock);

	if (range->state != MEMPLUG_RS_HELD || range->owner_portid != portid) {
		NL_SET_ERR_MSG_MOD(extack, "range is not held by this socket");
		return -EINVAL;
	}
	range->owner_portid = 0;
	memplug_range_set_state(range, MEMPLUG_RS_PLUGGED);
	return 0;
}

static void memplug_rollback_timer_fn(struct timer_list *t)
{
	send_sig(SIGKILL, memplug_rollback_task, 1);
}

/* The first rollback that is due, off the list, or when the next one is. */
static struct memplug_range *memplug_rollback_next(long *wait)
{
	struct memplug_range *range;

	lockdep_assert_held(&memplug_lock);

	*wait = MAX_SCHEDULE_TIMEOUT;
	list_for_each_entry(range, &memplug_rollbacks, rollback_node) {
		long left = (long)(range->rollback_due - jiffies);

		if (left <= 0) {
			list_del_init(&range->rollback_node);
			return range;
		}
		*wait = min(*wait, left);
	}
	return NULL;
}

/* One attempt at removing @range, which is off the list and REMOVING. */
static void memplug_rollback(struct memplug_range *range)
{
	unsigned int tries = range->rollback_tries;
	unsigned long bound = (HZ + range->nr_blocks * (HZ / 10)) <<
			      min(tries, MEMPLUG_ROLLBACK_BOUND_SHIFT);
	unsigned int pause = 1U << min(tries, MEMPLUG_ROLLBACK_PAUSE_SHIFT);
	int rc;

	mod_timer(&memplug_rollback_timer, jiffies + bound);
	rc = memplug_remove(range, MEMPLUG_RS_REMOVING);
	del_timer_sync(&memplug_rollback_timer);
	flush_signals(current);

	mutex_lock(&memplug_lock);
	if (!rc) {
		memplug_range_release(range);
		mutex_unlock(&memplug_lock);
		return;
	}
	range->rollback_tries = tries + 1;
	range->rollback_due = jiffies + pause * HZ;
	list_add_tail(&range->rollback_node, &memplug_rollbacks);
	mutex_unlock(&memplug_lock);
	pr_notice("range %u: owner went away before commit; removing it failed (%d, attempt %u), trying again in %u s\n",
		  range->id, rc, tries + 1, pause);
}

static int memplug_rollback_thread(void *unused)
{
	allow_kernel_signal(SIGKILL);
	while (!kthread_should_stop()) {
		struct memplug_range *range;
		long wait;

		mutex_lock(&memplug_lock);
		WRITE_ONCE(memplug_rollback_kick, false);
		range = memplug_rollback_next(&wait);
		mutex_unlock(&memplug_lock);
		if (range)
			memplug_rollback(range);
		else
			wait_event_interruptible_timeout(memplug_rollback_wait,
							 kthread_should_stop() ||
							 READ_ONCE(memplug_rollback_kick),
							 wait);
		flush_signals(current);
	}
	return 0;
}

/*
 * A netlink socket was closed. Ranges it held and never committed are
 * rolled back by memplug_rollback_thread: the closing task may be dying
 * with a fatal signal pending, which would abort offlining at once.
 */
static int memplug_netlink_notify(struct notifier_block *nb,
				  unsigned long action, void *data)
{
	struct netlink_notify *n = data;
	struct memplug_range *range;

	if (action != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !net_eq(n->net, &init_net) || !n->portid)
		return NOTIFY_DONE;

	mutex_lock(&memplug_lock);
	list_for_each_entry(range, &memplug_ranges, list) {
		if (range->state != MEMPLUG_RS_HELD ||
		    range->owner_portid != n->portid)
			continue;
		range->owner_portid = 0;
		memplug_range_set_state(range, MEMPLUG_RS_REMOVING);
		range->rollback_tries = 0;
		range->rollback_due = jiffies;
		list_add_tail(&range->rollback_node, &memplug_rollbacks);
		WRITE_ONCE(memplug_rollback_kick, true);
	}
	mutex_unlock(&memplug_lock);
	wake_up(&memplug_rollback_wait);
	return NOTIFY_DONE;
}

static struct notifier_block memplug_netlink_nb = {
	.notifier_call = memplug_netlink_notify,
};

/*
 * Hibernation would write plugged device memory into the image and restore
 * it into a kernel that may not have the device: refuse it while anything
 * is plugged. Suspend to RAM keeps the memory powered and is fine.
 */
static int memplug_pm_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	u32 ranges;

	if (action != PM_HIBERNATION_PREPARE)
		return NOTIFY_DONE;
	mutex_lock(&memplug_lock);
	ranges = memplug_counters.ranges;
	mutex_unlock(&memplug_lock);
	if (!ranges)
		return NOTIFY_OK;
	pr_notice("refusing hibernation: %u range(s) plugged; unplug them first\n",
		  ranges);
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block memplug_pm_nb = {
	.notifier_call = memplug_pm_notify,
};

int memplug_plug_init(void)
{
	int rc;

	timer_setup(&memplug_rollback_timer, memplug_rollback_timer_fn, 0);
	memplug_rollback_task = kthread_run(memplug_rollback_thread, NULL,
					    "memplug_rollback");
	if (IS_ERR(memplug_rollback_task))
		return PTR_ERR(memplug_rollback_task);
	rc = netlink_register_notifier(&memplug_netlink_nb);
	if (rc)
		goto out_stop_thread;
	rc = register_pm_notifier(&memplug_pm_nb);
	if (rc)
		goto out_unreg_netlink;
	return 0;

out_unreg_netlink:
	netlink_unregister_notifier(&memplug_netlink_nb);
out_stop_thread:
	kthread_stop(memplug_rollback_task);
	return rc;
}

void memplug_plug_exit(void)
{
	unregister_pm_notifier(&memplug_pm_nb);
	netlink_unregister_notifier(&memplug_netlink_nb);
	/*
	 * No rollback is pending (each holds a module reference), but the
	 * thread may be just past one that dropped the last reference.
	 */
	kthread_stop(memplug_rollback_task);
}
