// SPDX-License-Identifier: GPL-2.0
/*
 * memplug: plug device-backed physical memory ranges into the running
 * kernel and pull them out again, over generic netlink.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>

#include "internal.h"

static unsigned int event_ring_size = 1024;
module_param(event_ring_size, uint, 0444);
MODULE_PARM_DESC(event_ring_size,
		 "Events kept for listeners to catch up from (16..1048576, default 1024)");

static unsigned int rollback_attempts = 8;
module_param(rollback_attempts, uint, 0444);
MODULE_PARM_DESC(rollback_attempts,
		 "Attempts at removing a range whose owner went away before the range is left failed (1..1000, default 8)");

/* Only in a module built for the tests (MEMPLUG_TEST_KNOBS=y). */
#ifdef MEMPLUG_TEST_KNOBS
static bool test_knobs;
module_param(test_knobs, bool, 0444);
MODULE_PARM_DESC(test_knobs,
		 "Create test-only fault knobs in debugfs (default off)");
#else
#define test_knobs false
#endif

static int __init memplug_init(void)
{
	int rc;

	if (event_ring_size < 16 || event_ring_size > 1048576) {
		pr_err("event_ring_size must be between 16 and 1048576\n");
		return -EINVAL;
	}
	if (rollback_attempts < 1 || rollback_attempts > 1000) {
		pr_err("rollback_attempts must be between 1 and 1000\n");
		return -EINVAL;
	}

	rc = memplug_event_init(event_ring_size);
	if (rc)
		return rc;
	memplug_knob_init(test_knobs);
	rc = memplug_notifier_init();
	if (rc)
		goto out_knob;
	rc = memplug_worker_init(rollback_attempts);
	if (rc)
		goto out_notifier;
	rc = memplug_pm_init();
	if (rc)
		goto out_rollback;
	/* Last: requests may come in as soon as the family exists. */
	rc = memplug_nl_init();
	if (rc)
		goto out_pm;

	pr_info("version %s loaded\n", MEMPLUG_VERSION);
	return 0;

out_pm:
	memplug_pm_exit();
out_rollback:
	memplug_worker_exit();
out_notifier:
	memplug_notifier_exit();
out_knob:
	memplug_knob_exit();
	memplug_event_exit();
	return rc;
}

/*
 * Every range holds a module reference, so no memory of ours is plugged
 * here, nothing is claimed and nobody needs the online page callback; what
 * remains is to stop requests first and free state last.
 */
static void __exit memplug_exit(void)
{
	memplug_nl_exit();
	memplug_pm_exit();
	memplug_worker_exit();
	memplug_notifier_exit();
	memplug_online_exit();
	memplug_knob_exit();
	memplug_event_exit();
	memplug_range_exit();
	/* Wait for the RCU callbacks that free ranges and tables. */
	rcu_barrier();
}

module_init(memplug_init);
module_exit(memplug_exit);

MODULE_DESCRIPTION("Plug device-backed memory ranges into the running kernel");
MODULE_AUTHOR("The memplug developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(MEMPLUG_VERSION);
