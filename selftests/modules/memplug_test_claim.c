// SPDX-License-Identifier: GPL-2.0
/*
 * memplug_test_claim: claim a physical range as a busy resource, the way a
 * device driver would, so the selftests can check that memplug refuses to
 * plug memory over it.
 *
 *   insmod memplug_test_claim.ko start=0x48000000 size=0x1000
 *
 * shows "memplug-test-claim" in /proc/iomem until the module is removed.
 * Test-only: never load it on a machine you care about.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ioport.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#define MEMPLUG_TEST_CLAIM_NAME "memplug-test-claim"

static unsigned long long start;
module_param(start, ullong, 0444);
MODULE_PARM_DESC(start, "Physical start of the range to claim");

static unsigned long long size;
module_param(size, ullong, 0444);
MODULE_PARM_DESC(size, "Bytes to claim (not zero)");

static int __init memplug_test_claim_init(void)
{
	if (!size || start + size - 1 < start) {
		pr_err("give a non-empty start and size that do not wrap\n");
		return -EINVAL;
	}
	if (!request_mem_region(start, size, MEMPLUG_TEST_CLAIM_NAME)) {
		pr_err("%#llx+%#llx is taken\n", start, size);
		return -EBUSY;
	}
	pr_info("claimed %#llx-%#llx\n", start, start + size - 1);
	return 0;
}

static void __exit memplug_test_claim_exit(void)
{
	release_mem_region(start, size);
}

module_init(memplug_test_claim_init);
module_exit(memplug_test_claim_exit);

MODULE_DESCRIPTION("memplug selftests: claim a physical range as busy");
MODULE_AUTHOR("The memplug developers");
MODULE_LICENSE("GPL");
