// SPDX-License-Identifier: GPL-2.0
/*
 * memplug: the online page callback.
 *
 * The core hands every chunk of a block being onlined (up to 4 MiB, with
 * mem_hotplug_lock held) to one global callback. Ours passes memory that is
 * not memplug's straight to generic_online_page(). For memplug's ranges it
 * counts what it hands to the buddy allocator, keeps excluded pages out of
 * it (fake-offline, as virtio-mem does) and, with verify, tests each page
 * before the allocator sees it and keeps the failures out too.
 *
 * The slot has one owner. We take it at module load and give it back at
 * unload; if virtio-mem, hv_balloon or the Xen balloon holds it, plain plugs
 * still work and only exclusion and verify are refused. Each plug that needs
 * the callback tries to take the slot again first.
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

#include "internal.h"
#include "compat.h"

static DEFINE_MUTEX(memplug_online_cb_lock);
/* Whether we hold the slot; written under memplug_online_cb_lock. */
static bool memplug_online_cb_installed;
/* Identifies our fake-offline pages, via its address. */
static const char memplug_page_cookie;

#define MEMPLUG_PAGE_COOKIE ((unsigned long)&memplug_page_cookie)

static const char memplug_online_cb_busy[] =
	"another driver (virtio-mem, hv_balloon or Xen) holds the online page callback";

/* Two complementary patterns for verify-on-online. */
#define MEMPLUG_PATTERN 0x5aa5c33c96699669ULL

static void memplug_online_page(struct page *page, unsigned int order);

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
 * Test one page with two complementary patterns, then zero it. The cache
 * is flushed between passes so the reads come from the memory itself.
 */
static bool memplug_verify_page(unsigned long pfn)
{
	u64 *p = page_address(pfn_to_page(pfn));
	const unsigned int n = PAGE_SIZE / sizeof(u64);
	u64 diff = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		WRITE_ONCE(p[i], MEMPLUG_PATTERN);
	memplug_flush_dcache(p, PAGE_SIZE);
	for (i = 0; i < n; i++) {
		diff |= READ_ONCE(p[i]) ^ MEMPLUG_PATTERN;
		WRITE_ONCE(p[i], ~MEMPLUG_PATTERN);
	}
	memplug_flush_dcache(p, PAGE_SIZE);
	for (i = 0; i < n; i++) {
		diff |= READ_ONCE(p[i]) ^ ~MEMPLUG_PATTERN;
		WRITE_ONCE(p[i], 0);
	}
	return !diff && !memplug_knob_verify_fails(pfn);
}

/**
 * memplug_verify_pages() - verify pages that nobody else uses
 * @pfn: first page frame
 * @nr_pages: pages
 *
 * For the test-only benchmark knob: the pages must be added and offline.
 *
 * Return: the number of pages that failed.
 */
unsigned long memplug_verify_pages(unsigned long pfn, unsigned long nr_pages)
{
	unsigned long bad = 0;

	for (; nr_pages--; pfn++) {
		if (!memplug_verify_page(pfn))
			bad++;
		cond_resched();
	}
	return bad;
}

/* Length of the excluded run starting at @pfn, or 0 if @pfn is not. */
static unsigned long memplug_excl_run(const struct memplug_range *range,
				      unsigned long pfn, unsigned long end,
				      unsigned long *next_excl)
{
	unsigned int i;

	*next_excl = end;
	for (i = 0; i < range->nr_excl; i++) {
		const struct memplug_excl *e = &range->excl[i];
		unsigned long e_end = e->start_pfn + e->nr_pages;

		if (e_end <= pfn)
			continue;
		if (e->start_pfn <= pfn)
			return min(e_end, end) - pfn;
		*next_excl = min(e->start_pfn, end);
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
	const unsigned long nr_pages = 1UL << order;
	struct memplug_block_acct *acct;
	struct memplug_range *range;

	rcu_read_lock();
	range = memplug_range_lookup_pfn(pfn);
	rcu_read_unlock();
	if (!range) {
		generic_online_page(page, order);
		return;
	}

	/* Valid while the core holds mem_hotplug_lock for this block. */
	acct = &range->acct[(PFN_PHYS(pfn) - range->start) /
			    memplug_block_bytes()];
	if (!range->nr_excl && !range->verify) {
		generic_online_page(page, order);
		acct->online += nr_pages;
		return;
	}
	memplug_online_chunk(range, acct, pfn, nr_pages);
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
 * memplug_online_cb_take() - take the online page callback slot if free
 *
 * Must not be called from the notifier or the callback itself.
 *
 * Return: whether we hold the slot.
 */
bool memplug_online_cb_take(void)
{
	bool held;

	mutex_lock(&memplug_online_cb_lock);
	if (!memplug_online_cb_installed &&
	    !set_online_page_callback(memplug_online_page))
		memplug_online_cb_installed = true;
	held = memplug_online_cb_installed;
	mutex_unlock(&memplug_online_cb_lock);
	return held;
}

bool memplug_online_cb_held(void)
{
	return READ_ONCE(memplug_online_cb_installed);
}

const char *memplug_online_cb_reason(void)
{
	if (memplug_online_cb_held())
		return NULL;
	return memplug_online_cb_busy;
}

int memplug_online_init(void)
{
	memplug_online_cb_take();
	return 0;
}

void memplug_online_exit(void)
{
	mutex_lock(&memplug_online_cb_lock);
	if (memplug_online_cb_installed)
		WARN_ON_ONCE(restore_online_page_callback(memplug_online_page));
	memplug_online_cb_installed = false;
	mutex_unlock(&memplug_online_cb_lock);
}
