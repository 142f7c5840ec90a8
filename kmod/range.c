// SPDX-License-Identifier: GPL-2.0
/*
 * memplug: the registry of ranges.
 *
 * Ranges live on memplug_ranges, sorted by id, under memplug_lock, from the
 * moment a plug reserves them until their memory and their claim are gone.
 * The notifier and the online callback run with the hotplug core's locks
 * held and must not take memplug_lock; they find ranges through
 * memplug_table, an RCU-published array sorted by start address, and take
 * a reference for as long as they use one. A range enters the table only
 * once its physical range is claimed (resource.c) and leaves it once its
 * memory is removed, so whatever the core reports for a block of a range
 * in the table is about memory that range owns.
 */
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "internal.h"
#include "compat.h"

/* Protects memplug_ranges, memplug_counters, memplug_next_id, the table. */
DEFINE_MUTEX(memplug_lock);
LIST_HEAD(memplug_ranges);
struct memplug_counters memplug_counters;
/* Live ranges, for leak checks in status. */
atomic_t memplug_objects = ATOMIC_INIT(0);

static u32 memplug_next_id;

/**
 * struct memplug_range_table - lookup table for lock-free readers
 * @rcu: frees the table after readers are done
 * @nr: entries in @ranges
 * @ranges: every published range, sorted by start
 */
struct memplug_range_table {
	struct rcu_head rcu;
	unsigned int nr;
	struct memplug_range *ranges[];
};

static struct memplug_range_table __rcu *memplug_table;

unsigned long memplug_block_bytes(void)
{
	return memory_block_size_bytes();
}

static int memplug_range_cmp_start(const void *a, const void *b)
{
	const struct memplug_range *ra = *(const struct memplug_range **)a;
	const struct memplug_range *rb = *(const struct memplug_range **)b;

	if (ra->start < rb->start)
		return -1;
	return ra->start > rb->start;
}

/*
 * Publish a new table of the published ranges. Must be called with
 * memplug_lock held. @gfp lets removal insist (__GFP_NOFAIL): a range that
 * is unpublished must be gone from the table too.
 */
static int memplug_table_rebuild(gfp_t gfp)
{
	struct memplug_range_table *new, *old;
	struct memplug_range *range;
	unsigned int nr = 0;

	lockdep_assert_held(&memplug_lock);

	list_for_each_entry(range, &memplug_ranges, list)
		nr += range->published;

	/* Only insertion may fail; removal passes __GFP_NOFAIL. */
	if (!(gfp & __GFP_NOFAIL) && memplug_knob_fail("table"))
		return -ENOMEM;
	new = kmalloc(struct_size(new, ranges, nr), gfp);
	if (!new)
		return -ENOMEM;
	new->nr = 0;
	list_for_each_entry(range, &memplug_ranges, list)
		if (range->published)
			new->ranges[new->nr++] = range;
	sort(new->ranges, new->nr, sizeof(new->ranges[0]),
	     memplug_range_cmp_start, NULL);

	old = rcu_replace_pointer(memplug_table, new,
				  lockdep_is_held(&memplug_lock));
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

static struct memplug_range *memplug_range_lookup_pfn(unsigned long pfn)
{
	struct memplug_range_table *table = rcu_dereference(memplug_table);
	u64 phys = PFN_PHYS(pfn);
	unsigned int lo = 0, hi;

	if (!table)
		return NULL;
	hi = table->nr;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		struct memplug_range *range = table->ranges[mid];

		if (phys < range->start)
			hi = mid;
		else if (phys - range->start >= range->size)
			lo = mid + 1;
		else
			return range;
	}
	return NULL;
}

/**
 * memplug_range_get_pfn() - find the range that contains a page frame
 * @pfn: page frame number
 *
 * For the notifier and the online callback, which must not take
 * memplug_lock. Release the range with memplug_range_put().
 *
 * Return: the range with a reference taken, or NULL if the page is not
 * memplug's.
 */
struct memplug_range *memplug_range_get_pfn(unsigned long pfn)
{
	struct memplug_range *range;

	rcu_read_lock();
	range = memplug_range_lookup_pfn(pfn);
	if (range && !refcount_inc_not_zero(&range->ref))
		range = NULL;
	rcu_read_unlock();
	return range;
}

static void memplug_range_free_rcu(struct rcu_head *rcu)
{
	struct memplug_range *range = container_of(rcu, struct memplug_range,
						   rcu);

	kfree(range->excl);
	kvfree(range->acct);
	kfree(range);
}

/*
 * The last reference frees the range after an RCU grace period: a reader
 * may still be looking at it in an old table.
 */
void memplug_range_put(struct memplug_range *range)
{
	if (refcount_dec_and_test(&range->ref))
		call_rcu(&range->rcu, memplug_range_free_rcu);
}

/**
 * memplug_range_set_state() - the one place a range changes state
 * @range: the range
 * @state: its new state
 *
 * Must be called with memplug_lock held.
 */
void memplug_range_set_state(struct memplug_range *range,
			     enum memplug_rs state)
{
	lockdep_assert_held(&memplug_lock);
	WRITE_ONCE(range->state, state);
}

enum memplug_range_state memplug_range_uapi_state(enum memplug_rs state)
{
	switch (state) {
	case MEMPLUG_RS_PLUGGED:
		return MEMPLUG_RANGE_STATE_PLUGGED;
	case MEMPLUG_RS_REMOVING:
	case MEMPLUG_RS_ROLLBACK:
		return MEMPLUG_RANGE_STATE_UNPLUGGING;
	case MEMPLUG_RS_FAILED:
		return MEMPLUG_RANGE_STATE_FAILED;
	case MEMPLUG_RS_ADDING:
	case MEMPLUG_RS_HELD:
	default:
		return MEMPLUG_RANGE_STATE_PLUGGING;
	}
}

/**
 * memplug_range_find() - look a range up by id
 * @id: range id
 *
 * Must be called with memplug_lock held.
 *
 * Return: the range or NULL.
 */
struct memplug_range *memplug_range_find(u32 id)
{
	struct memplug_range *range;

	lockdep_assert_held(&memplug_lock);
	list_for_each_entry(range, &memplug_ranges, list)
		if (range->id == id)
			return range;
	return NULL;
}

/**
 * memplug_range_blocks_online() - count the online blocks of a range
 * @range: the range
 *
 * Reads only the section online bits of blocks that are added, never the
 * memmap, so it is safe in any state.
 *
 * Return: the number of online memory blocks.
 */
unsigned int memplug_range_blocks_online(const struct memplug_range *range)
{
	unsigned int i, n = 0;

	for (i = 0; i < range->nr_blocks; i++)
		if (READ_ONCE(range->acct[i].present) &&
		    pfn_to_online_page(PHYS_PFN(memplug_range_block(range, i))))
			n++;
	return n;
}

/**
 * memplug_range_blocks_present() - count the blocks of a range that are added
 * @range: the range
 *
 * Return: the number of memory blocks the kernel has of @range.
 */
unsigned int memplug_range_blocks_present(const struct memplug_range *range)
{
	unsigned int i, n = 0;

	for (i = 0; i < range->nr_blocks; i++)
		n += READ_ONCE(range->acct[i].present);
	return n;
}

static bool memplug_ranges_overlap(const struct memplug_range *range,
				   u64 start, u64 size)
{
	return start < range->start + range->size &&
	       range->start < start + size;
}

/**
 * memplug_range_reserve() - enter a new range into the registry
 * @args: the validated request; its exclusion list moves to the range
 * @extack: for the refusal
 *
 * The range starts in MEMPLUG_RS_ADDING with one reference (the
 * registry's), known by id but not yet published to the notifier and the
 * online callback: nothing of the physical range is ours yet. It holds a
 * module reference until it is released. Must be called without
 * memplug_lock held.
 *
 * Return: the range, or an ERR_PTR: -EEXIST if it overlaps another
 * memplug range, -ENOMEM, -ENODEV while the module is unloading.
 */
struct memplug_range *memplug_range_reserve(struct memplug_range_args *args,
					    struct netlink_ext_ack *extack)
{
	struct memplug_range *range, *other;
	char comm[TASK_COMM_LEN];
	int rc;

	range = memplug_alloc("range", kzalloc(sizeof(*range), GFP_KERNEL));
	if (!range)
		goto out_nomem;
	range->nr_blocks = args->size / memplug_block_bytes();
	range->acct = memplug_alloc("acct",
				    kvcalloc(range->nr_blocks,
					     sizeof(*range->acct), GFP_KERNEL));
	if (!range->acct) {
		kfree(range);
		goto out_nomem;
	}
	refcount_set(&range->ref, 1);
	range->state = MEMPLUG_RS_ADDING;
	range->start = args->start;
	range->size = args->size;
	range->nid = args->nid;
	range->mgid = -1;
	strscpy(range->name, args->name, sizeof(range->name));
	get_task_comm(comm, current);
	snprintf(range->plugged_by, sizeof(range->plugged_by), "%s[%d]",
		 comm, task_tgid_nr(current));
	range->zone_policy = args->zone_policy;
	range->protect = args->protect;
	range->verify = args->verify;
	range->uses_cb = args->verify || args->nr_excl;
	range->tier = args->tier;
	range->tier_adist = args->tier_adist;
	range->memmap_on_memory = args->memmap_on_memory;
	range->per_block = args->memmap_on_memory &&
			   !MEMPLUG_MHP_SPLITS_MEMMAP_ON_MEMORY;
	range->defer_online = args->defer_online;
	range->owner_portid = args->hold ? args->portid : 0;
	INIT_LIST_HEAD(&range->job_node);
	range->fail_block = U32_MAX;
	atomic64_set(&range->online_ns, 0);
	atomic64_set(&range->offline_ns, 0);
	atomic64_set(&range->pages_bad, 0);

	/* Fails once the module is unloading: no new memory then. */
	if (!try_module_get(THIS_MODULE)) {
		NL_SET_ERR_MSG_MOD(extack, "module is being unloaded");
		rc = -ENODEV;
		goto out_free;
	}

	mutex_lock(&memplug_lock);
	list_for_each_entry(other, &memplug_ranges, list) {
		if (memplug_ranges_overlap(other, args->start, args->size)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "range overlaps an existing memplug range");
			rc = -EEXIST;
			goto out_unlock;
		}
	}
	range->id = ++memplug_next_id;
	snprintf(range->claim_name, sizeof(range->claim_name),
		 "memplug range %u", range->id);
	list_add_tail(&range->list, &memplug_ranges);
	range->excl = args->excl;
	range->nr_excl = args->nr_excl;
	args->excl = NULL;
	args->nr_excl = 0;
	memplug_counters.ranges++;
	atomic_inc(&memplug_objects);
	mutex_unlock(&memplug_lock);
	return range;

out_unlock:
	mutex_unlock(&memplug_lock);
	module_put(THIS_MODULE);
out_free:
	kvfree(range->acct);
	kfree(range);
	return ERR_PTR(rc);

out_nomem:
	NL_SET_ERR_MSG_MOD(extack, "out of memory for the range's bookkeeping");
	return ERR_PTR(-ENOMEM);
}

/**
 * memplug_range_publish() - let the notifier and the callback see a range
 * @range: a reserved range whose physical range is claimed
 * @extack: for the refusal
 *
 * Must be called without memplug_lock held.
 *
 * Return: 0 or -ENOMEM.
 */
int memplug_range_publish(struct memplug_range *range,
			  struct netlink_ext_ack *extack)
{
	int rc;

	mutex_lock(&memplug_lock);
	range->published = true;
	rc = memplug_table_rebuild(GFP_KERNEL);
	if (rc) {
		range->published = false;
		NL_SET_ERR_MSG_MOD(extack,
				   "out of memory for the range lookup table");
	}
	mutex_unlock(&memplug_lock);
	return rc;
}

/**
 * memplug_range_unpublish() - hide a range whose memory is gone again
 * @range: a published range none of whose blocks is added
 *
 * Readers that found it before keep their reference; new ones do not find
 * it. Must be called without memplug_lock held.
 */
void memplug_range_unpublish(struct memplug_range *range)
{
	mutex_lock(&memplug_lock);
	if (range->published) {
		range->published = false;
		memplug_table_rebuild(GFP_KERNEL | __GFP_NOFAIL);
	}
	mutex_unlock(&memplug_lock);
}

/**
 * memplug_range_release() - take a range out of the registry
 * @range: an unpublished range with no memory added and nothing claimed
 *
 * Drops the module reference and the registry's reference to the range.
 * Must be called with memplug_lock held.
 */
void memplug_range_release(struct memplug_range *range)
{
	lockdep_assert_held(&memplug_lock);

	if (WARN_ON_ONCE(range->published || range->claim ||
			 memplug_range_blocks_present(range)))
		return;
	list_del(&range->list);
	memplug_counters.ranges--;
	atomic_dec(&memplug_objects);
	module_put(THIS_MODULE);
	memplug_range_put(range);
}

/**
 * memplug_range_exit() - free the lookup table at module exit
 *
 * Every range is gone by then: each held a module reference.
 */
void memplug_range_exit(void)
{
	struct memplug_range_table *table;

	mutex_lock(&memplug_lock);
	WARN_ON_ONCE(!list_empty(&memplug_ranges));
	table = rcu_replace_pointer(memplug_table, NULL,
				    lockdep_is_held(&memplug_lock));
	mutex_unlock(&memplug_lock);
	if (table)
		kfree_rcu(table, rcu);
}
