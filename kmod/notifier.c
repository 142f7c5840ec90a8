// SPDX-License-Identifier: GPL-2.0
/*
 * memplug: the memory notifier.
 *
 * It sees every online and offline step of every memory block in the
 * system and turns each into an event, and so does it with a node getting
 * its first memory or losing its last (from the memory notifier up to
 * 6.16, from the node notifier since; see compat.h). For memplug's own blocks it also
 * enforces the range's zone policy and offline protection, and lets the
 * online callback's fake-offline pages out of the way of offlining.
 *
 * Runs with device_hotplug_lock and mem_hotplug_lock held: it never calls
 * into the hotplug core and never takes memplug_lock. It finds ranges
 * through the RCU lookup table and holds a reference while it uses one.
 */
#include <linux/ktime.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/notifier.h>

#include "internal.h"
#include "compat.h"

/*
 * Priority of our notifier. Higher runs first; 0 is the default of most
 * users (virtio-mem, the error injector unless told otherwise). We see a
 * step after anyone who registered above 0, and before those below.
 */
#define MEMPLUG_NOTIFIER_PRI 0

atomic64_t memplug_vetoes = ATOMIC64_INIT(0);

static const char memplug_defer_reason[] =
	"onlining deferred to user space: the kernel's auto-online of this range is vetoed";
static const char memplug_protect_reason[] =
	"range is protected against offlining; unprotect it or unplug it with memplug";

static enum memplug_event_action memplug_notifier_action(unsigned long action)
{
	switch (action) {
	case MEM_GOING_ONLINE:
		return MEMPLUG_EVENT_GOING_ONLINE;
	case MEM_ONLINE:
		return MEMPLUG_EVENT_ONLINE;
	case MEM_GOING_OFFLINE:
		return MEMPLUG_EVENT_GOING_OFFLINE;
	case MEM_OFFLINE:
		return MEMPLUG_EVENT_OFFLINE;
	case MEM_CANCEL_ONLINE:
		return MEMPLUG_EVENT_CANCEL_ONLINE;
	case MEM_CANCEL_OFFLINE:
		return MEMPLUG_EVENT_CANCEL_OFFLINE;
	default:
		/* Newer kernels have more steps; they are not events. */
		return 0;
	}
}

/* Whether @range may be onlined into @zone; sets @reason if not. */
static bool memplug_zone_allowed(const struct memplug_range *range,
				 const struct zone *zone, const char **reason)
{
	bool movable = zone_idx(zone) == ZONE_MOVABLE;

	switch (READ_ONCE(range->zone_policy)) {
	case MEMPLUG_ZONE_POLICY_MOVABLE:
		if (!movable)
			*reason = "zone policy movable: refusing to online into a kernel zone";
		return movable;
	case MEMPLUG_ZONE_POLICY_KERNEL:
		if (movable)
			*reason = "zone policy kernel: refusing to online into ZONE_MOVABLE";
		return !movable;
	default:
		return true;
	}
}

/*
 * Protection keeps others from offlining a range, not memplug itself: not
 * while it adds a range (the undo of a failed add) or removes it, nor
 * while a rollback is due.
 */
static bool memplug_notifier_protects(const struct memplug_range *range)
{
	switch (READ_ONCE(range->state)) {
	case MEMPLUG_RS_HELD:
	case MEMPLUG_RS_PLUGGED:
	case MEMPLUG_RS_FAILED:
		return true;
	default:
		return false;
	}
}

/*
 * Progress of the plug or unplug of @range on MEM_ONLINE and MEM_OFFLINE of
 * its block @idx: the blocks online while it is plugged, the blocks offline
 * or removed while it is unplugged, @idx included; 0 (no progress to
 * report) otherwise. The core marks a block's sections online before
 * MEM_ONLINE, but offline only after MEM_OFFLINE.
 */
static unsigned int memplug_notifier_progress(struct memplug_range *range,
					      unsigned int idx,
					      unsigned long action)
{
	enum memplug_rs state;
	unsigned int n;

	if (!range)
		return 0;
	state = READ_ONCE(range->state);
	if (action == MEM_ONLINE &&
	    (state == MEMPLUG_RS_ADDING || state == MEMPLUG_RS_HELD))
		return memplug_range_blocks_online(range);
	if (action != MEM_OFFLINE || state != MEMPLUG_RS_REMOVING)
		return 0;
	n = range->nr_blocks - memplug_range_blocks_online(range);
	if (pfn_to_online_page(PHYS_PFN(memplug_range_block(range, idx))))
		n++;
	return n;
}

static int memplug_memory_notify(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	struct memory_notify *mn = data;
	enum memplug_event_action ev_action = memplug_notifier_action(action);
	struct memplug_block_acct *acct = NULL;
	struct memplug_range *range;
	const char *reason = NULL;
	unsigned int idx = 0;
	int veto = 0;
	u64 now;

	if (!ev_action)
		return NOTIFY_DONE;

	range = memplug_range_get_pfn(mn->start_pfn);
	if (range) {
		idx = (PFN_PHYS(mn->start_pfn) - range->start) /
		      memplug_block_bytes();
		acct = &range->acct[idx];
	}

	now = ktime_get_ns();
	switch (action) {
	case MEM_GOING_ONLINE:
		if (range && memplug_knob_going_online(range, idx, &reason)) {
			veto = -EBUSY;
		} else if (range && range->defer_online &&
			   READ_ONCE(range->state) == MEMPLUG_RS_ADDING) {
			/* Only the auto-online inside the add runs now. */
			reason = memplug_defer_reason;
			veto = -EPERM;
		} else if (range &&
			   !memplug_zone_allowed(range,
						 page_zone(pfn_to_page(mn->start_pfn)),
						 &reason)) {
			veto = -EPERM;
		}
		if (acct)
			acct->t_start = now;
		break;
	case MEM_ONLINE:
		if (memplug_mn_status_change_nid(mn) >= 0)
			memplug_event_node(MEMPLUG_EVENT_NODE_ONLINE,
					   memplug_mn_status_change_nid(mn));
		if (!acct)
			break;
		if (acct->t_start)
			atomic64_add(now - acct->t_start, &range->online_ns);
		/* The online callback counts the pages of the others. */
		if (!range->uses_cb)
			acct->online = mn->nr_pages;
		memplug_knob_online_end(range, idx);
		break;
	case MEM_GOING_OFFLINE:
		if (range && READ_ONCE(range->protect) &&
		    memplug_notifier_protects(range)) {
			reason = memplug_protect_reason;
			veto = -EPERM;
			break;
		}
		if (range)
			memplug_online_going_offline(range, idx);
		if (acct)
			acct->t_start = now;
		break;
	case MEM_CANCEL_OFFLINE:
		/* Undoes only what our own MEM_GOING_OFFLINE did. */
		if (range) {
			memplug_online_cancel_offline(range, idx);
			if (READ_ONCE(range->state) == MEMPLUG_RS_REMOVING)
				WRITE_ONCE(range->fail_block,
					   memplug_phys_to_block(range->start) + idx);
		}
		break;
	case MEM_OFFLINE:
		if (memplug_mn_status_change_nid(mn) >= 0)
			memplug_event_node(MEMPLUG_EVENT_NODE_OFFLINE,
					   memplug_mn_status_change_nid(mn));
		if (range) {
			memplug_online_offline(range, idx);
			if (acct->t_start)
				atomic64_add(now - acct->t_start,
					     &range->offline_ns);
			if (READ_ONCE(range->state) == MEMPLUG_RS_REMOVING)
				WRITE_ONCE(range->unplug_next, idx + 1);
		}
		break;
	case MEM_CANCEL_ONLINE:
		if (range)
			memplug_knob_online_end(range, idx);
		break;
	}
	if (acct && action != MEM_GOING_ONLINE && action != MEM_GOING_OFFLINE)
		acct->t_start = 0;

	memplug_event_memory(ev_action, mn, range, veto, reason,
			     memplug_notifier_progress(range, idx, action));
	if (range)
		memplug_range_put(range);
	if (veto) {
		atomic64_inc(&memplug_vetoes);
		return notifier_from_errno(veto);
	}
	return NOTIFY_OK;
}

static struct notifier_block memplug_memory_nb = {
	.notifier_call = memplug_memory_notify,
	.priority = MEMPLUG_NOTIFIER_PRI,
};

/* Kernels that report node changes apart (6.17 on): the same events. */
static int memplug_node_notify(struct notifier_block *nb, unsigned long action,
			       void *data)
{
	int nid = memplug_node_notify_nid(data);

	switch (action) {
	case MEMPLUG_NODE_ADDED_FIRST_MEMORY:
		memplug_event_node(MEMPLUG_EVENT_NODE_ONLINE, nid);
		break;
	case MEMPLUG_NODE_REMOVED_LAST_MEMORY:
		memplug_event_node(MEMPLUG_EVENT_NODE_OFFLINE, nid);
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block memplug_node_nb = {
	.notifier_call = memplug_node_notify,
	.priority = MEMPLUG_NOTIFIER_PRI,
};

int memplug_notifier_init(void)
{
	int rc;

	rc = memplug_register_node_notifier(&memplug_node_nb);
	if (rc)
		return rc;
	rc = register_memory_notifier(&memplug_memory_nb);
	if (rc)
		memplug_unregister_node_notifier(&memplug_node_nb);
	return rc;
}

void memplug_notifier_exit(void)
{
	unregister_memory_notifier(&memplug_memory_nb);
	memplug_unregister_node_notifier(&memplug_node_nb);
}
