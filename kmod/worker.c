// SPDX-License-Identifier: GPL-2.0
/*
 * memplug: the worker, the module's one kernel thread.
 *
 * No request adds or removes memory itself: the add of a RANGE_ADD, the
 * removal of a RANGE_DEL and the rollback of a range whose owner went away
 * are jobs on one list, run here one at a time in the order they fall due.
 * A request thus holds genetlink's lock only as long as it takes to check,
 * claim and queue, and a removal can be stopped at any moment without
 * touching the requester.
 *
 * The core's offlining retries migration until a signal is pending, so a
 * page that someone holds would keep the thread spinning, with the device
 * hotplug lock taken, and every other plug, sysfs online and CPU hotplug of
 * the machine waiting. So the thread accepts SIGKILL from the kernel, and
 * the core puts back online what it had offlined and lets go of the lock:
 *   - RANGE_CANCEL sends it for the range being removed (memplug_cancel());
 *   - a rollback attempt is bounded in time (memplug_rollback_bound()), and
 *     memplug_worker_timer sends it when the attempt outlasts its bound;
 *   - a removal whose requester closed its socket gets the same kind of
 *     bound from then on (memplug_netlink_notify()).
 * After a failed rollback attempt the range waits (1 s, doubling up to
 * 64 s) and is tried again, up to rollback_attempts times; then it is
 * FAILED: it stays in the registry with its claim and a module reference,
 * and an unplug tries again.
 *
 * The thread is freezable: it freezes between jobs. A rollback attempt
 * does not start while the system freezes and never outlasts the freezer's
 * patience.
 *
 * memplug_jobs, the ranges' job fields and memplug_worker_active are
 * protected by memplug_lock; memplug_worker_kick is set under it and read
 * by the thread without it.
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

static LIST_HEAD(memplug_jobs);
static bool memplug_worker_kick;
static DECLARE_WAIT_QUEUE_HEAD(memplug_worker_wait);
static struct task_struct *memplug_worker_task;
/* The range whose job runs now, if any. */
static struct memplug_range *memplug_worker_active;
static struct timer_list memplug_worker_timer;
static unsigned int memplug_rollback_max;

/*
 * In attempt n, removing b blocks at once may take (1 s + 100 ms * b) <<
 * min(n, 2), but never more than 30 s; the pause after attempt n is
 * 1 s << min(n, 6). A removal whose requester went away gets 1 s + 100 ms
 * per block from then.
 */
#define MEMPLUG_ROLLBACK_BOUND_SHIFT 2U
#define MEMPLUG_ROLLBACK_BOUND_MAX (30 * HZ)
#define MEMPLUG_ROLLBACK_PAUSE_SHIFT 6

static unsigned long memplug_worker_bound(unsigned int blocks)
{
	return HZ + blocks * (HZ / 10);
}

/**
 * memplug_worker_queue() - hand a job on a range to the worker
 * @range: a range nobody else works on, in the state the job needs
 * @job: what to do
 * @delay: jiffies until it is due
 *
 * Must be called with memplug_lock held.
 */
void memplug_worker_queue(struct memplug_range *range, enum memplug_job job,
			  unsigned long delay)
{
	lockdep_assert_held(&memplug_lock);

	range->job = job;
	range->job_due = jiffies + delay;
	range->job_cancel = false;
	list_add_tail(&range->job_node, &memplug_jobs);
	WRITE_ONCE(memplug_worker_kick, true);
	wake_up(&memplug_worker_wait);
}

/**
 * memplug_worker_dequeue() - take a job that waits off the list
 * @range: a range whose job waits
 *
 * The caller sets its next state. Must be called with memplug_lock held.
 */
void memplug_worker_dequeue(struct memplug_range *range)
{
	lockdep_assert_held(&memplug_lock);
	list_del_init(&range->job_node);
	range->job = MEMPLUG_JOB_NONE;
}

/**
 * memplug_rollback_queue() - have the worker remove a range nobody owns
 * @range: a range whose memory must go, with nobody else working on it
 * @delay: jiffies until the next attempt
 *
 * Must be called with memplug_lock held.
 */
void memplug_rollback_queue(struct memplug_range *range, unsigned long delay)
{
	range->owner_portid = 0;
	memplug_range_set_state(range, MEMPLUG_RS_ROLLBACK);
	memplug_worker_queue(range, MEMPLUG_JOB_ROLLBACK, delay);
}

/*
 * What a range whose rollback is cancelled becomes: plugged if it is
 * whole, else failed. Either way the removal ends as cancelled.
 */
static void memplug_rollback_stop(struct memplug_range *range)
{
	if (memplug_range_blocks_present(range) == range->nr_blocks) {
		memplug_range_set_state(range, MEMPLUG_RS_PLUGGED);
	} else {
		memplug_range_set_state(range, MEMPLUG_RS_FAILED);
		memplug_event_range(MEMPLUG_EVENT_FAILED, range);
	}
	memplug_set_reason(range, "rollback cancelled");
	memplug_event_outcome(MEMPLUG_EVENT_UNPLUG_FAILED, range, -ECANCELED,
			      range->fail_reason);
}

/* Interrupt the job running on @range; it ends as cancelled. */
static void memplug_worker_interrupt(struct memplug_range *range)
{
	range->job_cancel = true;
	send_sig(SIGKILL, memplug_worker_task, 1);
}

/**
 * memplug_cancel() - stop what is being done to a range
 * @range: a range found under memplug_lock, which the caller holds
 * @extack: for the refusal
 *
 * Puts the range back where it was before, without waiting for it:
 *   - an add that waits or runs ends as cancelled, and its memory, if any
 *     was added, is rolled back; a range added with HOLD and not yet
 *     committed is rolled back as if its owner had gone;
 *   - an unplug that waits is dropped, one that runs is interrupted;
 *   - a rollback that waits stops at once, one that runs is interrupted. A
 *     range that is whole becomes PLUGGED, as if its owner had committed
 *     it; what is left of another stays FAILED.
 * The outcome comes as an event.
 *
 * Return: 0, or -EINVAL if nothing of @range can be cancelled.
 */
int memplug_cancel(struct memplug_range *range, struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&memplug_lock);

	switch (range->state) {
	case MEMPLUG_RS_ADDING:
		range->job_cancel = true;
		return 0;
	case MEMPLUG_RS_HELD:
		range->rollback_attempts = 0;
		memplug_rollback_queue(range, 0);
		return 0;
	case MEMPLUG_RS_ROLLBACK:
		memplug_worker_dequeue(range);
		memplug_rollback_stop(range);
		return 0;
	case MEMPLUG_RS_FAILED:
		if (memplug_range_blocks_present(range) != range->nr_blocks)
			break;
		memplug_rollback_stop(range);
		return 0;
	case MEMPLUG_RS_REMOVING:
		if (memplug_worker_active == range) {
			memplug_worker_interrupt(range);
			return 0;
		}
		/* An unplug that waits for its turn: no block refused. */
		memplug_worker_dequeue(range);
		range->job_cancel = true;
		WRITE_ONCE(range->fail_block, U32_MAX);
		memplug_unplug_end(range, -EINTR);
		return 0;
	default:
		break;
	}
	NL_SET_ERR_MSG_MOD(extack,
			   "range has nothing to cancel: no plug, unplug or rollback of it is in progress (a failed range with blocks removed is unplugged, not cancelled)");
	return -EINVAL;
}

static void memplug_worker_timer_fn(struct timer_list *t)
{
	send_sig(SIGKILL, memplug_worker_task, 1);
}

/**
 * memplug_rollback_bound() - before the worker removes memory in a rollback
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
	unsigned long bound = memplug_worker_bound(blocks) << n;

	if (READ_ONCE(range->job_cancel))
		return -ECANCELED;
	if (freezing(current))
		return -EAGAIN;
	mod_timer(&memplug_worker_timer,
		  jiffies + min(bound, MEMPLUG_ROLLBACK_BOUND_MAX));
	return 0;
}

void memplug_rollback_unbound(void)
{
	timer_delete_sync(&memplug_worker_timer);
	flush_signals(current);
}

/* The first job that is due, off the list, or when the next one is. */
static struct memplug_range *memplug_worker_next(long *wait)
{
	struct memplug_range *range;

	lockdep_assert_held(&memplug_lock);

	*wait = MAX_SCHEDULE_TIMEOUT;
	list_for_each_entry(range, &memplug_jobs, job_node) {
		long left = (long)(range->job_due - jiffies);

		if (left <= 0) {
			list_del_init(&range->job_node);
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
	if (!rc) {
		memplug_removed(range);
		goto out_unlock;
	}
	if (rc == -EAGAIN) {
		/* Frozen half way: not the range's fault. */
		memplug_rollback_queue(range, 0);
		goto out_unlock;
	}
	range->rollback_attempts = n + 1;
	if (range->job_cancel) {
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
}

/* Take the next job that is due; NULL and how long to wait if none is. */
static struct memplug_range *memplug_worker_take(long *wait)
{
	struct memplug_range *range;
	enum memplug_job job;

	mutex_lock(&memplug_lock);
	WRITE_ONCE(memplug_worker_kick, false);
	range = memplug_worker_next(wait);
	if (!range)
		goto out_unlock;
	job = range->job;
	if (job == MEMPLUG_JOB_ROLLBACK)
		memplug_range_set_state(range, MEMPLUG_RS_REMOVING);
	memplug_worker_active = range;
	/* A removal whose requester is gone already: bounded from the start. */
	if (job == MEMPLUG_JOB_REMOVE && range->job_orphaned)
		mod_timer(&memplug_worker_timer,
			  jiffies + memplug_worker_bound(range->nr_blocks));
out_unlock:
	mutex_unlock(&memplug_lock);
	return range;
}

static void memplug_worker_run(struct memplug_range *range)
{
	switch (range->job) {
	case MEMPLUG_JOB_ADD:
		memplug_plug_run(range);
		break;
	case MEMPLUG_JOB_REMOVE:
		memplug_unplug_run(range);
		break;
	case MEMPLUG_JOB_ROLLBACK:
		memplug_rollback(range);
		break;
	case MEMPLUG_JOB_NONE:
		break;
	}
}

static int memplug_worker_thread(void *unused)
{
	set_freezable();
	allow_kernel_signal(SIGKILL);
	while (!kthread_should_stop()) {
		struct memplug_range *range;
		long wait;

		range = memplug_worker_take(&wait);
		if (!range) {
			wait_event_freezable_timeout(memplug_worker_wait,
						     kthread_should_stop() ||
						     READ_ONCE(memplug_worker_kick),
						     wait);
			continue;
		}
		/*
		 * The job may have released the range: only its address is
		 * compared from here on.
		 */
		memplug_worker_run(range);
		mutex_lock(&memplug_lock);
		memplug_worker_active = NULL;
		mutex_unlock(&memplug_lock);
		/*
		 * A bound or a cancel armed under memplug_lock while the job
		 * ran fires before this or not at all; its signal goes here.
		 */
		timer_delete_sync(&memplug_worker_timer);
		flush_signals(current);
	}
	return 0;
}

/* The socket @portid is gone: what it owned is let go of. */
static void memplug_worker_orphan(struct memplug_range *range, u32 portid)
{
	bool owner = range->owner_portid == portid;

	if (owner)
		range->owner_portid = 0;
	if (range->job_portid == portid) {
		range->job_portid = 0;
		range->job_orphaned = true;
		if (memplug_worker_active == range &&
		    range->job == MEMPLUG_JOB_REMOVE)
			mod_timer(&memplug_worker_timer,
				  jiffies +
				  memplug_worker_bound(range->nr_blocks));
	}
	if (!owner)
		return;
	switch (range->state) {
	case MEMPLUG_RS_HELD:
		range->rollback_attempts = 0;
		memplug_rollback_queue(range, 0);
		break;
	case MEMPLUG_RS_ADDING:
		/* Its add ends as cancelled, and rolls back what it added. */
		range->job_cancel = true;
		break;
	case MEMPLUG_RS_REMOVING:
		/* An unplug of the held range; if it fails, roll back. */
		if (range->job_prev == MEMPLUG_RS_HELD)
			range->job_prev = MEMPLUG_RS_ROLLBACK;
		break;
	default:
		break;
	}
}

/*
 * A netlink socket was closed. Ranges it held and never committed are
 * rolled back, adds it held end as cancelled, and removals it asked for
 * get a bound in time.
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
	list_for_each_entry(range, &memplug_ranges, list)
		memplug_worker_orphan(range, n->portid);
	mutex_unlock(&memplug_lock);
	return NOTIFY_DONE;
}

static struct notifier_block memplug_netlink_nb = {
	.notifier_call = memplug_netlink_notify,
};

int memplug_worker_init(unsigned int attempts)
{
	int rc;

	memplug_rollback_max = attempts;
	timer_setup(&memplug_worker_timer, memplug_worker_timer_fn, 0);
	memplug_worker_task = kthread_run(memplug_worker_thread, NULL,
					  "memplug_worker");
	if (IS_ERR(memplug_worker_task))
		return PTR_ERR(memplug_worker_task);
	rc = netlink_register_notifier(&memplug_netlink_nb);
	if (rc)
		kthread_stop(memplug_worker_task);
	return rc;
}

void memplug_worker_exit(void)
{
	netlink_unregister_notifier(&memplug_netlink_nb);
	/*
	 * No job is pending (each range holds a module reference), but the
	 * thread may be just past one that dropped the last reference.
	 */
	kthread_stop(memplug_worker_task);
}
