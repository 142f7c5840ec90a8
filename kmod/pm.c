// SPDX-License-Identifier: GPL-2.0
/*
 * memplug: power management.
 *
 * Hibernation would write plugged device memory into the image and restore
 * it into a kernel that may not have the device: refuse it while anything
 * is plugged. Suspend to RAM keeps the memory powered and is fine.
 */
#include <linux/notifier.h>
#include <linux/suspend.h>

#include "internal.h"

static int memplug_pm_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	u32 ranges;

	if (action != PM_HIBERNATION_PREPARE)
		return NOTIFY_DONE;
	mutex_lock(&memplug_lock);
	ranges = memplug_counters.ranges;
	mutex_unlock(&memplug_lock);
	if (!ranges)
		return NOTIFY_OK;
	pr_notice("refusing hibernation: %u range(s) plugged; unplug them first\n",
		  ranges);
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block memplug_pm_nb = {
	.notifier_call = memplug_pm_notify,
};

int memplug_pm_init(void)
{
	return register_pm_notifier(&memplug_pm_nb);
}

void memplug_pm_exit(void)
{
	unregister_pm_notifier(&memplug_pm_nb);
}
