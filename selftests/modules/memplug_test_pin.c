// SPDX-License-Identifier: GPL-2.0
/*
 * memplug_test_pin: test-only helper that holds one page inside a physical
 * range, so that offlining the range cannot finish: the page is allocated,
 * not on an LRU list and not movable, and offline_pages() keeps retrying
 * until a signal stops it. Unloading the module frees the page.
 *
 *   insmod memplug_test_pin.ko start=0x40000000 size=0x10000000
 *   cat /sys/module/memplug_test_pin/parameters/pinned_pfn
 *
 * The range must be online in ZONE_MOVABLE: movable allocations are
 * served from the highest zone first, so they land there.
 */
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pfn.h>

static unsigned long start;
module_param(start, ulong, 0444);
MODULE_PARM_DESC(start, "Physical start of the range to pin a page in");

static unsigned long size;
module_param(size, ulong, 0444);
MODULE_PARM_DESC(size, "Size of the range in bytes");

static unsigned long pinned_pfn;
module_param(pinned_pfn, ulong, 0444);
MODULE_PARM_DESC(pinned_pfn, "Page frame held (read only)");

/* Give up after this many pages that fell outside the range. */
#define MEMPLUG_TEST_PIN_TRIES 65536

static struct page *memplug_test_pinned;

static int __init memplug_test_pin_init(void)
{
	LIST_HEAD(misses);
	struct page *page, *tmp;
	unsigned long phys;
	unsigned int i;

	if (!size || start + size < start)
		return -EINVAL;

	for (i = 0; i < MEMPLUG_TEST_PIN_TRIES; i++) {
		page = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
		if (!page)
			break;
		phys = PFN_PHYS(page_to_pfn(page));
		if (phys >= start && phys - start < size) {
			memplug_test_pinned = page;
			break;
		}
		list_add(&page->lru, &misses);
	}
	list_for_each_entry_safe(page, tmp, &misses, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	if (!memplug_test_pinned)
		return -ENOSPC;

	pinned_pfn = page_to_pfn(memplug_test_pinned);
	pr_info("holding pfn %#lx\n", pinned_pfn);
	return 0;
}

static void __exit memplug_test_pin_exit(void)
{
	__free_page(memplug_test_pinned);
}

module_init(memplug_test_pin_init);
module_exit(memplug_test_pin_exit);

MODULE_DESCRIPTION("memplug test helper: hold a page inside a range");
MODULE_LICENSE("GPL");
