// SPDX-License-Identifier: GPL-2.0
/*
 * memplug: the rollback of ranges nobody owns any more.
 *
 * A range added with HOLD whose owner closes its socket before COMMIT, and
 * a plug whose added blocks could not all be removed again after a failed
 * add, are removed here, in one kernel thread: the closing task may be
 * dying with a fatal signal pending, which would abort offlining at once.
 *
 * The core's offlining retries migration until a signal is pending, so a
 * page that someone holds would keep a plain worker spinning, with the
 * device hotplug lock taken, and every other plug, sysfs online and CPU
 * hotplug of the machine waiting. So the thread accepts SIGKILL from the
 * kernel: memplug_rollback_timer sends it one when a removal outlasts its
 * bound (see memplug_rollback_bound()), the core puts back online what it
 * had offlined, and the lock is free again. Memory goes the way it was
 * added: a range added at once all at once, a range added block by block
 * one block at a time, keeping what was removed. After a failed attempt
 * the thread pauses (1 s, doubling up to 64 s) and tries again, up to
 * rollback_attempts times; then the range is FAILED: it stays in the
 * registry with its claim and a module reference, and an unplug tries
 * again. The operator may also cancel a rollback (memplug_rollback_cancel)
 * or take it over with an unplug between two attempts.
 *
 * The thread is freezable: it freezes between attempts, and no attempt
 * outlasts the freezer's patience.
 *
 * memplug_rollbacks, the ranges' rollback fields and memplug_rollback_active
 * are protected by memplug_lock; memplug_rollback_kick is set under it and
 * read by the thread without it.
 */
#include <linux/freezer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/sched/signal.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <net/net_namespace.h>

#include "internal.h"
#include "compat.h"

static LIST_HEAD(memplug_rollbacks);
static bool memplug_rollback_kick;
static DECLARE_WAIT_QUEUE_HEAD(memplug_rollback_wait);
/* Woken when an attempt ends, for a cancel waiting for it. */
static DECLARE_WAIT_QUEUE_HEAD(memplug_rollback_done);
static struct task_struct *memplug_rollback_task;
/* The range the thread is removing now, if any. */
static struct memplug_range *memplug_rollback_active;
static struct timer_list memplug_rollback_timer;
static unsigned int memplug_rollback_max;

/*
 * In attempt n, removing b blocks at once may take (1 s + 100 ms * b) <<
 * min(n, 2), but never more than 30 s; the pause after attempt n is
 * 1 s << min(n, 6).
 */
#define MEMPLUG_ROLLBACK_BOUND_SHIFT 2U
#define MEMPLUG_ROLLBACK_BOUND_MAX (30 * HZ)
#define MEMPLUG_ROLLBACK_PAUSE_SHIFT 6

/**
 * memplug_rollback_queue() - hand a range to the rollback thread
 * @range: a range whose memory must go, with nobody else working on it
 * @delay: jiffies until the next attempt
 *
 * Must be called with memplug_lock held.
 */
void memplug_rollback_queue(struct memplug_range *range, unsigned long delay)
{
	lockdep_assert_held(&memplug_lock);

	range->rollback_due = jiffies + delay;
	range->owner_portid = 0;
	memplug_range_set_state(range, MEMPLUG_RS_ROLLBACK);
	list_add_tail(&range->rollback_node, &memplug_rollbacks);
	WRITE_ONCE(memplug_rollback_kick, true);
	wake_up(&memplug_rollback_wait);
}

/**
 * memplug_rollback_dequeue() - take a pending rollback off the list
 * @range: a range in MEMPLUG_RS_ROLLBACK
 *
 * The caller sets its next state. Must be called with memplug_lock held.
 */
void memplug_rollback_dequeue(struct memplug_range *range)
{
	lockdep_assert_held(&memplug_lock);
	list_del_init(&range->rollback_node);
}

/* What a range whose rollback stops becomes: plugged if it is whole. */
static void memplug_rollback_stop(struct memplug_range *range)
{
	if (memplug_range_blocks_present(range) == range->nr_blocks) {
		memplug_range_set_state(range, MEMPLUG_RS_PLUGGED);
		return;
	}
	memplug_range_set_state(range, MEMPLUG_RS_FAILED);
	memplug_event_range(MEMPLUG_EVENT_FAILED, range);
}

/**
 * memplug_rollback_cancel() - stop the rollback of a range
 * @range: a range found under memplug_lock, which the caller holds, with a
 *	reference of the caller's
 * @extack: for the refusal
 *
 * A pending rollback stops at once; one in progress is interrupted, and
 * this waits (without memplug_lock) for the block being offlined to be put
 * back, which the core does as soon as it sees the signal. A range that is
 * whole becomes PLUGGED, as if its owner had committed it; what is left of
 * another stays FAILED.
 *
 * Return: 0, or -EINVAL if no rollback of @range can be cancelled, -EBUSY
 * if an unplug of it is in progress, -ENOENT if the attempt in progress
 * removed it meanwhile.
 */
int memplug_rollback_cancel(struct memplug_range *range,
			    struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&memplug_lock);

	switch (range->state) {
	case MEMPLUG_RS_ROLLBACK:
		memplug_rollback_dequeue(range);
		memplug_rollback_stop(range);
		return 0;
	case MEMPLUG_RS_FAILED:
		if (memplug_range_blocks_present(range) != range->nr_blocks)
			break;
		memplug_rollback_stop(range);
		return 0;
	case MEMPLUG_RS_REMOVING:
		if (memplug_rollback_active != range) {
			NL_SET_ERR_MSG_MOD(extack,
					   "an unplug of this range is in progress; it has no rollback to cancel");
			return -EBUSY;
		}
		range->rollback_cancel = true;
		send_sig(SIGKILL, memplug_rollback_task, 1);
		mutex_unlock(&memplug_lock);
		wait_event(memplug_rollback_done,
			   READ_ONCE(memplug_rollback_active) != range);
		mutex_lock(&memplug_lock);
		if (memplug_range_find(range->id) == range)
			return 0;
		NL_SET_ERR_MSG_MOD(extack,
				   "the rollback removed the range before it could be cancelled");
		return -ENOENT;
	default:
		break;
	}
	NL_SET_ERR_MSG_MOD(extack,
			   "range has no rollback to cancel (a failed range with blocks removed is unplugged, not cancelled)");
	return -EINVAL;
}

static void memplug_rollback_timer_fn(struct timer_list *t)
{
	send_sig(SIGKILL, memplug_rollback_task, 1);
}

/**
 * memplug_rollback_bound() - before the rollback thread removes memory
 * @range: the range it removes from
 * @blocks: how many blocks it removes in one go
 *
 * Bounds the removal in time, unless the attempt should stop here: it was
 * cancelled, or the system is freezing (the attempt is not counted then).
 *
 * Return: 0, -ECANCELED or -EAGAIN.
 */
int memplug_rollback_bound(struct memplug_range *range, unsigned int blocks)
{
	unsigned int n = min(range->rollback_attempts,
			     MEMPLUG_ROLLBACK_BOUND_SHIFT);
	unsigned long bound = (HZ + blocks * (HZ / 10)) << n;

	if (READ_ONCE(range->rollback_cancel))
		return -ECANCELED;
	if (freezing(current))
		return -EAGAIN;
	mod_timer(&memplug_rollback_timer,
		  jiffies + min(bound, MEMPLUG_ROLLBACK_BOUND_MAX));
	return 0;
}

void memplug_rollback_unbound(void)
{
	timer_delete_sync(&memplug_rollback_timer);
	flush_signals(current);
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
	unsigned int n = range->rollback_attempts;
	int rc;

	rc = memplug_remove(range, true);

	mutex_lock(&memplug_lock);
	WRITE_ONCE(memplug_rollback_active, NULL);
	if (!rc) {
		memplug_range_release(range);
		goto out_unlock;
	}
	if (rc == -EAGAIN) {
		/* Frozen half way: not the range's fault. */
		memplug_rollback_queue(range, 0);
		goto out_unlock;
	}
	range->rollback_attempts = n + 1;
	if (range->rollback_cancel) {
		range->rollback_cancel = false;
		memplug_rollback_stop(range);
	} else if (range->rollback_attempts >= memplug_rollback_max) {
		memplug_range_set_state(range, MEMPLUG_RS_FAILED);
		memplug_event_range(MEMPLUG_EVENT_FAILED, range);
		pr_warn("range %u: rollback failed %u times (%d), giving up; %u of %u blocks are still added, unplug removes them\n",
			range->id, range->rollback_attempts, rc,
			memplug_range_blocks_present(range), range->nr_blocks);
	} else {
		memplug_rollback_queue(range,
				       HZ << min(n, MEMPLUG_ROLLBACK_PAUSE_SHIFT));
		pr_notice("range %u: rollback failed (%d, attempt %u of %u), trying again in %u s\n",
			  range->id, rc, n + 1, memplug_rollback_max,
			  1U << min(n, MEMPLUG_ROLLBACK_PAUSE_SHIFT));
	}
out_unlock:
	mutex_unlock(&memplug_lock);
	wake_up_all(&memplug_rollback_done);
}

static int memplug_rollback_thread(void *unused)
{
	set_freezable();
	allow_kernel_signal(SIGKILL);
	while (!kthread_should_stop()) {
		struct memplug_range *range;
		long wait;

		mutex_lock(&memplug_lock);
		WRITE_ONCE(memplug_rollback_kick, false);
		range = memplug_rollback_next(&wait);
		if (range) {
			memplug_range_set_state(range, MEMPLUG_RS_REMOVING);
			WRITE_ONCE(memplug_rollback_active, range);
		}
		mutex_unlock(&memplug_lock);
		if (range)
			memplug_rollback(range);
		else
			wait_event_freezable_timeout(memplug_rollback_wait,
						     kthread_should_stop() ||
						     READ_ONCE(memplug_rollback_kick),
						     wait);
		flush_signals(current);
	}
	return 0;
}

/*
 * A netlink socket was closed. Ranges it held and never committed are
 * rolled back.
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
		range->rollback_attempts = 0;
		memplug_rollback_queue(range, 0);
	}
	mutex_unlock(&memplug_lock);
	return NOTIFY_DONE;
}

static struct notifier_block memplug_netlink_nb = {
	.notifier_call = memplug_netlink_notify,
};

int memplug_rollback_init(unsigned int attempts)
{
	int rc;

	memplug_rollback_max = attempts;
	timer_setup(&memplug_rollback_timer, memplug_rollback_timer_fn, 0);
	memplug_rollback_task = kthread_run(memplug_rollback_thread, NULL,
					    "memplug_rollback");
	if (IS_ERR(memplug_rollback_task))
		return PTR_ERR(memplug_rollback_task);
	rc = netlink_register_notifier(&memplug_netlink_nb);
	if (rc)
		kthread_stop(memplug_rollback_task);
	return rc;
}

void memplug_rollback_exit(void)
{
	netlink_unregister_notifier(&memplug_netlink_nb);
	/*
	 * No rollback is pending (each holds a module reference), but the
	 * thread may be just past one that dropped the last reference.
	 */
	kthread_stop(memplug_rollback_task);
}
