// SPDX-License-Identifier: GPL-2.0
/*
 * memplug: events.
 *
 * Every event gets the next module-wide sequence number, goes into a ring
 * of the last memplug_event_ring_size events and to the sink, which is the
 * "monitor" multicast group while the family is registered (netlink.c). A
 * listener that lost messages (ENOBUFS on its socket, or a jump in seq)
 * reads them back from the ring with EVENT_GET; if the ring no longer holds
 * them, the listener sees the gap and reports it. This file knows nothing
 * of netlink: netlink.c sets the sink and walks the ring.
 */
#include <linux/ktime.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/slab.h>

#include "internal.h"
#include "compat.h"

/*
 * Protects the ring and the sequence counter, and keeps multicast order
 * equal to sequence order. Taken inside the memory notifier, so it must
 * never be held across a call into the hotplug core.
 */
static DEFINE_MUTEX(memplug_event_lock);
static struct memplug_event *memplug_ring;
static unsigned int memplug_ring_size;
/* Sequence number of the next event; the first event is 1. */
static u64 memplug_next_seq = 1;
/* Where each event goes besides the ring; NULL while none is set. */
static memplug_event_sink_t memplug_event_sink;

static void memplug_event_emit(struct memplug_event *ev)
{
	mutex_lock(&memplug_event_lock);
	ev->seq = memplug_next_seq++;
	ev->time_ns = ktime_get_ns();
	ev->realtime_ns = ktime_get_real_ns();
	memplug_ring[ev->seq % memplug_ring_size] = *ev;
	if (memplug_event_sink)
		memplug_event_sink(ev);
	mutex_unlock(&memplug_event_lock);
}

static void memplug_event_set_range(struct memplug_event *ev,
				    const struct memplug_range *range)
{
	if (!range)
		return;
	ev->has_range = true;
	ev->range_id = range->id;
}

void memplug_event_outcome(enum memplug_event_action action,
			   const struct memplug_range *range, int error,
			   const char *reason)
{
	struct memplug_event ev = {
		.action = action,
		.start_pfn = PHYS_PFN(range->start),
		.nr_pages = PHYS_PFN(range->size),
		.block = memplug_phys_to_block(range->start),
		.node = range->nid,
		.error = error,
		.reason = reason,
	};

	/* A failed removal names the block that refused. */
	if (error && READ_ONCE(range->fail_block) != U32_MAX)
		ev.block = READ_ONCE(range->fail_block);
	memplug_event_set_range(&ev, range);
	memplug_event_emit(&ev);
}

void memplug_event_range(enum memplug_event_action action,
			 const struct memplug_range *range)
{
	memplug_event_outcome(action, range, 0, NULL);
}

void memplug_event_memory(enum memplug_event_action action,
			  const struct memory_notify *mn,
			  const struct memplug_range *range, int veto_errno,
			  const char *veto_reason, unsigned int blocks_done)
{
	struct memplug_event ev = {
		.action = action,
		.start_pfn = mn->start_pfn,
		.nr_pages = mn->nr_pages,
		.block = memplug_phys_to_block(PFN_PHYS(mn->start_pfn)),
		.node = NUMA_NO_NODE,
		.veto_errno = veto_errno,
		.veto_reason = veto_reason,
		.blocks_done = blocks_done,
		.blocks_total = blocks_done ? range->nr_blocks : 0,
	};
	struct page *page;

	/*
	 * The memmap of a block exists for every notification, and the core
	 * sets its zone before MEM_GOING_ONLINE and resets it only after
	 * MEM_OFFLINE and MEM_CANCEL_ONLINE.
	 */
	page = pfn_to_page(mn->start_pfn);
	ev.node = page_to_nid(page);
	ev.zone = page_zone(page)->name;
	memplug_event_set_range(&ev, range);
	memplug_event_emit(&ev);
}

void memplug_event_verify_fail(const struct memplug_range *range,
			       unsigned long pfn, unsigned long nr_pages)
{
	struct memplug_event ev = {
		.action = MEMPLUG_EVENT_VERIFY_FAIL,
		.start_pfn = pfn,
		.nr_pages = nr_pages,
		.block = memplug_phys_to_block(PFN_PHYS(pfn)),
		.node = range->nid,
	};

	memplug_event_set_range(&ev, range);
	memplug_event_emit(&ev);
}

/**
 * memplug_event_node() - a node got its first memory or lost its last
 * @action: MEMPLUG_EVENT_NODE_ONLINE or MEMPLUG_EVENT_NODE_OFFLINE
 * @nid: the node
 */
void memplug_event_node(enum memplug_event_action action, int nid)
{
	struct memplug_event ev = {
		.action = action,
		.node = nid,
	};

	memplug_event_emit(&ev);
}

/**
 * memplug_event_set_sink() - where events go besides the ring
 * @sink: called for each event, in sequence order, with memplug_event_lock
 *	held; NULL for nowhere
 *
 * Once this returns, the previous sink is no longer called.
 */
void memplug_event_set_sink(memplug_event_sink_t sink)
{
	mutex_lock(&memplug_event_lock);
	memplug_event_sink = sink;
	mutex_unlock(&memplug_event_lock);
}

/**
 * memplug_event_seq_info() - where the ring stands
 * @next: sequence number the next event will get
 * @oldest: oldest sequence number still in the ring (== @next if empty)
 * @ring_size: capacity
 */
void memplug_event_seq_info(u64 *next, u64 *oldest, u32 *ring_size)
{
	mutex_lock(&memplug_event_lock);
	*next = memplug_next_seq;
	*oldest = memplug_next_seq > memplug_ring_size ?
		  memplug_next_seq - memplug_ring_size : 1;
	*ring_size = memplug_ring_size;
	mutex_unlock(&memplug_event_lock);
}

/**
 * memplug_event_walk() - hand the events still in the ring to @fn, in order
 * @next_seq: in: first sequence number wanted; out: first one not handed
 *	over (the one @fn refused, or the next event's)
 * @fn: called with memplug_event_lock held; a non-zero return stops the walk
 * @arg: passed to @fn
 *
 * Return: 0 when every event was handed over, else what @fn returned.
 */
int memplug_event_walk(u64 *next_seq, memplug_event_walk_t fn, void *arg)
{
	u64 seq, oldest;
	int rc = 0;

	mutex_lock(&memplug_event_lock);
	oldest = memplug_next_seq > memplug_ring_size ?
		 memplug_next_seq - memplug_ring_size : 1;
	for (seq = max(*next_seq, oldest); seq < memplug_next_seq; seq++) {
		rc = fn(&memplug_ring[seq % memplug_ring_size], arg);
		if (rc)
			break;
	}
	*next_seq = seq;
	mutex_unlock(&memplug_event_lock);
	return rc;
}

int memplug_event_init(unsigned int ring_size)
{
	memplug_ring = kvcalloc(ring_size, sizeof(*memplug_ring), GFP_KERNEL);
	if (!memplug_ring)
		return -ENOMEM;
	memplug_ring_size = ring_size;
	return 0;
}

void memplug_event_exit(void)
{
	kvfree(memplug_ring);
	memplug_ring = NULL;
}
