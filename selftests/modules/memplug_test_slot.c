// SPDX-License-Identifier: GPL-2.0
/*
 * memplug_test_slot: take the kernel's online page callback slot, the way
 * virtio-mem or a balloon driver would, so the selftests can check how
 * memplug behaves when another driver holds it. The callback only hands
 * every page to generic_online_page(), so onlining works as without it.
 *
 *   insmod memplug_test_slot.ko
 *
 * fails with -EBUSY if the slot is taken (by memplug, for instance), and
 * gives the slot back when the module is removed. Test-only: never load it
 * on a machine you care about.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/module.h>

static void memplug_test_slot_online_page(struct page *page,
					  unsigned int order)
{
	generic_online_page(page, order);
}

static int __init memplug_test_slot_init(void)
{
	if (set_online_page_callback(memplug_test_slot_online_page)) {
		pr_notice("the online page callback is held by another driver\n");
		return -EBUSY;
	}
	pr_info("holding the online page callback\n");
	return 0;
}

static void __exit memplug_test_slot_exit(void)
{
	WARN_ON_ONCE(restore_online_page_callback(memplug_test_slot_online_page));
}

module_init(memplug_test_slot_init);
module_exit(memplug_test_slot_exit);

MODULE_DESCRIPTION("memplug selftests: hold the online page callback slot");
MODULE_AUTHOR("The memplug developers");
MODULE_LICENSE("GPL");
