// SPDX-License-Identifier: GPL-2.0
/*
 * memplug: memory tiers.
 *
 * The kernel places a node in a memory tier by the abstract distance of
 * its memory type, once, when its first memory comes online; a node nobody
 * gave a type joins the DRAM tier. Reclaim demotes cold pages from a tier
 * to the next lower one, so device memory on a node of its own is only
 * used as slow memory if the node gets a type before its memory comes:
 * dax/kmem gives its nodes five times DRAM's distance, or what the
 * firmware says (HMAT, CDAT) where the kernel can compute it.
 *
 * memplug does the same for the nodes it brings memory to. The first range
 * on a node without memory gives the node a type of its own, with the
 * distance the range's tier asks for; later ranges on the node share it,
 * or are refused if they ask for another. The last range's removal clears
 * the node's type, so that the next plug may give another. A node that
 * has memory memplug did not plug keeps its tier: only TIER AUTO, or DRAM
 * on a node with CPUs, is accepted there.
 *
 * Only the worker calls in here (the add and the end of a range), so the
 * kernel's memory_tier_lock is never taken in a request.
 */
#include <linux/memory-tiers.h>
#include <linux/nodemask.h>
#include <linux/slab.h>

#include "internal.h"
#include "compat.h"

/* dax/kmem's default for device memory. */
#define MEMPLUG_ADISTANCE_SLOW (MEMTIER_ADISTANCE_DRAM * 5)

/* The nodes memplug gave a memory type, under memplug_lock. */
LIST_HEAD(memplug_memtypes);

static struct memplug_memtype *memplug_memtype_find(int nid)
{
	struct memplug_memtype *t;

	lockdep_assert_held(&memplug_lock);
	list_for_each_entry(t, &memplug_memtypes, list)
		if (t->nid == nid)
			return t;
	return NULL;
}

/* The abstract distance @range asks for on a node that has no memory. */
static int memplug_tier_adistance(const struct memplug_range *range)
{
	int adist = MEMPLUG_ADISTANCE_SLOW;

	switch (range->tier) {
	case MEMPLUG_TIER_DRAM:
		return MEMTIER_ADISTANCE_DRAM;
	case MEMPLUG_TIER_SLOW:
		return MEMPLUG_ADISTANCE_SLOW;
	case MEMPLUG_TIER_ADISTANCE:
		return range->tier_adist;
	default:
		if (node_state(range->nid, N_CPU))
			return MEMTIER_ADISTANCE_DRAM;
		memplug_calc_adistance(range->nid, &adist);
		return adist;
	}
}

/*
 * The node has no type from memplug: give it one, unless it has memory
 * (its tier is set) or kept a type from memory it had before.
 */
static int memplug_tier_new(struct memplug_range *range)
{
	bool any = range->tier == MEMPLUG_TIER_AUTO;
	struct memplug_memtype *t;
	int nid = range->nid, adist;

	if (node_state(nid, N_MEMORY)) {
		if (any || (range->tier == MEMPLUG_TIER_DRAM &&
			    node_state(nid, N_CPU)))
			return 0;
		memplug_set_reason(range,
				   "the node already has memory in a tier memplug did not set, and keeps that tier");
		return -EBUSY;
	}

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		goto out_nomem;
	adist = memplug_tier_adistance(range);
	t->type = alloc_memory_type(adist);
	if (IS_ERR(t->type)) {
		kfree(t);
		goto out_nomem;
	}
	t->nid = nid;
	t->adist = adist;
	t->ranges = 1;
	init_node_memory_type(nid, t->type);
	/*
	 * The node takes a reference only if it had no type. One it kept
	 * from memory it had before stays until the kernel clears it.
	 */
	if (kref_read(&t->type->kref) < 2) {
		memplug_put_memory_type(t->type);
		kfree(t);
		if (any) {
			pr_info("range %u: node %d keeps the memory type it had before; the range gets none of memplug's\n",
				range->id, nid);
			return 0;
		}
		memplug_set_reason(range,
				   "the node keeps the memory type it had when it last had memory; its tier cannot be changed");
		return -EBUSY;
	}

	mutex_lock(&memplug_lock);
	list_add_tail(&t->list, &memplug_memtypes);
	range->memtype = t;
	mutex_unlock(&memplug_lock);
	return 0;

out_nomem:
	memplug_set_reason(range, "no memory for the node's memory type");
	return -ENOMEM;
}

/**
 * memplug_tier_get() - give @range's node the memory type its tier asks for
 * @range: a range in MEMPLUG_RS_ADDING, none of whose memory is added yet
 *
 * Called by the worker before the add. On success the range shares its
 * node's type (@range->memtype), or the node keeps the tier it has and
 * @range->memtype stays NULL.
 *
 * Return: 0, or -EBUSY or -ENOMEM with the range's fail_reason saying why.
 */
int memplug_tier_get(struct memplug_range *range)
{
	struct memplug_memtype *t;

	mutex_lock(&memplug_lock);
	t = memplug_memtype_find(range->nid);
	if (t && (range->tier == MEMPLUG_TIER_AUTO ||
		  memplug_tier_adistance(range) == t->adist)) {
		t->ranges++;
		range->memtype = t;
	}
	mutex_unlock(&memplug_lock);
	if (range->memtype)
		return 0;
	if (t) {
		memplug_set_reason(range,
				   "the node already has another memory type, from memplug's other ranges on it");
		return -EBUSY;
	}
	return memplug_tier_new(range);
}

/**
 * memplug_tier_put() - @range's memory is gone: let go of its node's type
 * @range: a range none of whose blocks is present
 *
 * The last range of a node clears the node's type, as dax/kmem does, if
 * the node has no memory left; one that still has (another driver's) keeps
 * the type as long as the kernel holds it.
 */
void memplug_tier_put(struct memplug_range *range)
{
	struct memplug_memtype *t = range->memtype;
	bool last;

	if (!t)
		return;
	mutex_lock(&memplug_lock);
	range->memtype = NULL;
	last = !--t->ranges;
	if (last)
		list_del(&t->list);
	mutex_unlock(&memplug_lock);
	if (!last)
		return;
	if (!node_state(t->nid, N_MEMORY))
		clear_node_memory_type(t->nid, t->type);
	else
		pr_info("node %d keeps memplug's memory type while it has other memory\n",
			t->nid);
	memplug_put_memory_type(t->type);
	kfree(t);
}
