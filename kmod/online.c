// SPDX-License-Identifier: GPL-2.0
/*
 * memplug: the online page callback.
 *
 * The core hands every chunk of a block being onlined (up to 4 MiB, with
 * mem_hotplug_lock held) to one global callback. The slot has one owner,
 * and virtio-mem, hv_balloon and the Xen balloon need it for their own
 * memory, so memplug holds it only while a range needs it: a range with
 * exclusions (pages that must never reach the page allocator) or verify
 * (pages tested before the allocator sees them). Nothing else needs it:
 * plain ranges are counted by the memory notifier. The first such plug
 * takes the slot, and the removal of the last such range gives it back.
 * If another driver holds it, such plugs are refused with the reason and
 * plain plugs work as ever.
 *
 * While memplug holds the slot, memory that is not memplug's, or that
 * belongs to a plain range, goes straight to generic_online_page(). For the
 * other ranges the callback counts what it hands to the buddy allocator,
 * keeps excluded pages out of it (fake-offline, as virtio-mem does) and,
 * with verify, tests each page and keeps the failures out too.
 *
 * A fake-offline page of ours is PageOffline, not reserved, has a reference
 * count of 1 and our cookie in page->private, so that MEM_GOING_OFFLINE can
 * tell it from a page another driver (a balloon) made PageOffline.
 */
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/page_ref.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "internal.h"
#include "compat.h"

/*
 * Protects memplug_online_cb_users and memplug_online_cb_refused, and
 * serialises taking and giving back the slot. Held across
 * set_online_page_callback() and restore_online_page_callback(), which
 * wait for onlining in progress: never taken by the notifier or the
 * callback.
 */
static DEFINE_MUTEX(memplug_online_cb_lock);
/* Ranges that need the slot; memplug holds it while this is not 0. */
static unsigned int memplug_online_cb_users;
/* Our last attempt to take the slot found another driver holding it. */
static bool memplug_online_cb_refused;
/*
 * Pages of a block being onlined reach the callback PageOffline (6.11 on),
 * not PageReserved; see memplug_offline_managed_adjust() in compat.h. Set
 * from the callback, before any page of ours can be fake-offline.
 */
bool memplug_pages_arrive_offline;
/* Identifies our fake-offline pages, via its address. */
static const char memplug_page_cookie;

#define MEMPLUG_PAGE_COOKIE ((unsigned long)&memplug_page_cookie)

static const char memplug_online_cb_busy[] =
	"another driver (virtio-mem, hv_balloon or Xen) holds the online page callback";

/* Two complementary patterns for verify-on-online. */
#define MEMPLUG_PATTERN 0x5aa5c33c96699669ULL
/* Bytes verify reads back per machine-check-safe copy. */
#define MEMPLUG_VERIFY_CHUNK 256

static bool memplug_page_is_ours(struct page *page)
{
	return PageOffline(page) && page_private(page) == MEMPLUG_PAGE_COOKIE;
}

static void memplug_fake_offline(unsigned long pfn, unsigned long nr_pages)
{
	page_offline_begin();
	for (; nr_pages--; pfn++) {
		struct page *page = pfn_to_page(pfn);

		/* A reserved page would make offlining fail. */
		ClearPageReserved(page);
		__SetPageOffline(page);
		set_page_private(page, MEMPLUG_PAGE_COOKIE);
	}
	page_offline_end();
}

/* Free a run of good pages to the buddy in the largest aligned chunks. */
static void memplug_online_run(unsigned long pfn, unsigned long nr_pages)
{
	while (nr_pages) {
		unsigned int order = min3((unsigned int)__ffs(pfn),
					  (unsigned int)__fls(nr_pages),
					  (unsigned int)MEMPLUG_MAX_CHUNK_ORDER);

		generic_online_page(pfn_to_page(pfn), order);
		pfn += 1UL << order;
		nr_pages -= 1UL << order;
	}
}

/*
 * Read one page back and compare it with @pattern. The read is the one a
 * machine check can interrupt: copy_mc_to_kernel() turns an uncorrectable
 * error into a short copy instead of a panic (on CPUs that can recover
 * from it), so a poisoned page is excluded like any other bad one.
 */
static bool memplug_verify_read(const void *p, u64 pattern)
{
	u64 buf[MEMPLUG_VERIFY_CHUNK / sizeof(u64)];
	unsigned int off, i;

	for (off = 0; off < PAGE_SIZE; off += sizeof(buf)) {
		if (copy_mc_to_kernel(buf, p + off, sizeof(buf)))
			return false;
		for (i = 0; i < ARRAY_SIZE(buf); i++)
			if (buf[i] != pattern)
				return false;
	}
	return true;
}

/**
 * memplug_verify_page() - test a page nobody else uses
 * @pfn: its page frame
 *
 * Writes two complementary patterns, then zeroes it. The cache is flushed
 * after each write so the reads come from the memory itself. A page that
 * fails is left alone after the failing read.
 *
 * Return: whether the page passed.
 */
bool memplug_verify_page(unsigned long pfn)
{
	void *p = page_address(pfn_to_page(pfn));
	const u64 patterns[] = { MEMPLUG_PATTERN, ~MEMPLUG_PATTERN };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(patterns); i++) {
		memset64(p, patterns[i], PAGE_SIZE / sizeof(u64));
		memplug_flush_dcache(p, PAGE_SIZE);
		if (!memplug_verify_read(p, patterns[i]))
			return false;
	}
	memset(p, 0, PAGE_SIZE);
	return !memplug_knob_verify_fails(pfn);
}

/* Length of the excluded run starting at @pfn, or 0 if @pfn is not. */
static unsigned long memplug_excl_run(const struct memplug_range *range,
				      unsigned long pfn, unsigned long end,
				      unsigned long *next_excl)
{
	unsigned int i;

	*next_excl = end;
	for (i = 0; i < range->nr_excl; i++) {
		unsigned long e_start = PHYS_PFN(range->excl[i].start);
		unsigned long e_end = e_start + PHYS_PFN(range->excl[i].size);

		if (e_end <= pfn)
			continue;
		if (e_start <= pfn)
			return min(e_end, end) - pfn;
		*next_excl = min(e_start, end);
		break;
	}
	return 0;
}

/* Online a chunk of a range that has exclusions or verifies. */
static void memplug_online_chunk(struct memplug_range *range,
				 struct memplug_block_acct *acct,
				 unsigned long pfn, unsigned long nr_pages)
{
	const unsigned long end = pfn + nr_pages;
	unsigned long next_excl, run, good, bad_start = 0, nr_bad = 0;

	while (pfn < end) {
		run = memplug_excl_run(range, pfn, end, &next_excl);
		if (run) {
			memplug_fake_offline(pfn, run);
			acct->excluded += run;
			pfn += run;
			continue;
		}
		if (!range->verify) {
			memplug_online_run(pfn, next_excl - pfn);
			acct->online += next_excl - pfn;
			pfn = next_excl;
			continue;
		}
		/* Verify page by page; hand over good runs as they end. */
		for (good = pfn; pfn < next_excl; pfn++) {
			cond_resched();
			if (memplug_verify_page(pfn)) {
				acct->verified++;
				continue;
			}
			memplug_online_run(good, pfn - good);
			acct->online += pfn - good;
			memplug_fake_offline(pfn, 1);
			acct->excluded++;
			acct->bad++;
			atomic64_inc(&range->pages_bad);
			if (nr_bad && bad_start + nr_bad == pfn) {
				nr_bad++;
			} else {
				if (nr_bad)
					memplug_event_verify_fail(range, bad_start,
								  nr_bad);
				bad_start = pfn;
				nr_bad = 1;
			}
			good = pfn + 1;
		}
		memplug_online_run(good, pfn - good);
		acct->online += pfn - good;
	}
	if (nr_bad)
		memplug_event_verify_fail(range, bad_start, nr_bad);
}

static void memplug_online_page(struct page *page, unsigned int order)
{
	const unsigned long pfn = page_to_pfn(page);
	struct memplug_range *range;

	if (PageOffline(page))
		WRITE_ONCE(memplug_pages_arrive_offline, true);
	range = memplug_range_get_pfn(pfn);
	if (!range || !range->uses_cb) {
		generic_online_page(page, order);
	} else {
		unsigned int idx = (PFN_PHYS(pfn) - range->start) /
				   memplug_block_bytes();

		memplug_online_chunk(range, &range->acct[idx], pfn,
				     1UL << order);
	}
	if (range)
		memplug_range_put(range);
}

/**
 * memplug_online_going_offline() - let offlining skip our fake-offline pages
 * @range: the range
 * @idx: block index in the range
 *
 * Drops our reference to each fake-offline page, so offlining can skip it,
 * and on kernels whose offlining subtracts the whole block from the managed
 * page count, adds the pages to it first (see compat.h). Called from
 * MEM_GOING_OFFLINE.
 */
void memplug_online_going_offline(struct memplug_range *range,
				  unsigned int idx)
{
	struct memplug_block_acct *acct = &range->acct[idx];
	unsigned long pfn = PHYS_PFN(range->start + (u64)idx *
				     memplug_block_bytes());
	unsigned long end = pfn + PHYS_PFN(memplug_block_bytes());

	if (!acct->excluded)
		return;
	memplug_offline_managed_adjust(pfn_to_page(pfn), acct->excluded);
	for (; pfn < end; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (memplug_page_is_ours(page) && !page_ref_dec_and_test(page))
			WARN_ONCE(1, "memplug: fake-offline page %lx referenced\n",
				  pfn);
	}
	acct->going_offline = true;
}

/**
 * memplug_online_cancel_offline() - undo memplug_online_going_offline()
 * @range: the range
 * @idx: block index in the range
 *
 * Called from MEM_CANCEL_OFFLINE, which also comes when someone vetoed the
 * step before our MEM_GOING_OFFLINE ran: then there is nothing to undo.
 */
void memplug_online_cancel_offline(struct memplug_range *range,
				   unsigned int idx)
{
	struct memplug_block_acct *acct = &range->acct[idx];
	unsigned long pfn = PHYS_PFN(range->start + (u64)idx *
				     memplug_block_bytes());
	unsigned long end = pfn + PHYS_PFN(memplug_block_bytes());

	if (!acct->going_offline)
		return;
	acct->going_offline = false;
	memplug_offline_managed_adjust(pfn_to_page(pfn),
				       -(long)acct->excluded);
	for (; pfn < end; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (memplug_page_is_ours(page))
			page_ref_inc(page);
	}
}

/**
 * memplug_online_offline() - a block went offline: forget what we did to it
 * @range: the range
 * @idx: block index in the range
 */
void memplug_online_offline(struct memplug_range *range, unsigned int idx)
{
	struct memplug_block_acct *acct = &range->acct[idx];

	atomic64_sub(acct->bad, &range->pages_bad);
	acct->online = 0;
	acct->excluded = 0;
	acct->verified = 0;
	acct->bad = 0;
	acct->going_offline = false;
}

/**
 * memplug_online_cb_get() - a range needs the online page callback
 * @range: the range, which says why in its fail_reason on refusal
 *
 * Takes the slot for the first range that needs it. set_online_page_callback()
 * takes mem_hotplug_lock, so this may wait for as long as a removal runs:
 * only the worker calls it. Must not be called from the notifier or the
 * callback.
 *
 * Return: 0, or -EOPNOTSUPP if another driver holds the slot.
 */
int memplug_online_cb_get(struct memplug_range *range)
{
	int rc = 0;

	mutex_lock(&memplug_online_cb_lock);
	if (!memplug_online_cb_users) {
		rc = set_online_page_callback(memplug_online_page);
		WRITE_ONCE(memplug_online_cb_refused, rc != 0);
	}
	if (rc) {
		memplug_set_reason(range,
				   "verify and exclusion need the online page callback, which another driver holds");
		rc = -EOPNOTSUPP;
	} else {
		WRITE_ONCE(memplug_online_cb_users,
			   memplug_online_cb_users + 1);
	}
	mutex_unlock(&memplug_online_cb_lock);
	return rc;
}

/**
 * memplug_online_cb_put() - a range that needed the callback is gone
 *
 * Gives the slot back to the kernel's default when no range needs it any
 * more, so that another driver may take it. Must not be called from the
 * notifier or the callback.
 */
void memplug_online_cb_put(void)
{
	mutex_lock(&memplug_online_cb_lock);
	if (!WARN_ON_ONCE(!memplug_online_cb_users)) {
		WRITE_ONCE(memplug_online_cb_users,
			   memplug_online_cb_users - 1);
		if (!memplug_online_cb_users)
			WARN_ON_ONCE(restore_online_page_callback(memplug_online_page));
	}
	mutex_unlock(&memplug_online_cb_lock);
}

/**
 * memplug_online_cb_state() - memplug and the slot, for status
 * @ranges: set to the number of ranges that need the slot
 *
 * Return: MEMPLUG_ONLINE_CB_MEMPLUG while memplug holds the slot,
 * MEMPLUG_ONLINE_CB_UNAVAILABLE if the last attempt to take it failed,
 * MEMPLUG_ONLINE_CB_IDLE otherwise.
 */
enum memplug_online_cb memplug_online_cb_state(u32 *ranges)
{
	*ranges = READ_ONCE(memplug_online_cb_users);
	if (*ranges)
		return MEMPLUG_ONLINE_CB_MEMPLUG;
	if (READ_ONCE(memplug_online_cb_refused))
		return MEMPLUG_ONLINE_CB_UNAVAILABLE;
	return MEMPLUG_ONLINE_CB_IDLE;
}

const char *memplug_online_cb_reason(void)
{
	u32 ranges;

	if (memplug_online_cb_state(&ranges) != MEMPLUG_ONLINE_CB_UNAVAILABLE)
		return NULL;
	return memplug_online_cb_busy;
}

/* Every range is gone by now, and with the last one the slot. */
void memplug_online_exit(void)
{
	WARN_ON_ONCE(READ_ONCE(memplug_online_cb_users));
}
