// SPDX-License-Identifier: GPL-2.0
/*
 * memplug_smoke - a do-nothing module for checking the VM test runner.
 *
 * Loading it taints the kernel O and E (out of tree, unsigned), which the
 * runner must accept. With warn=1 it provokes one WARN on load, which the
 * runner must report as a failure of the test that loaded it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "Provoke a WARN on load (tests the runner's dmesg check)");

static int __init memplug_smoke_init(void)
{
	WARN(warn, "memplug_smoke: warning on request (warn=1)\n");
	pr_info("loaded\n");
	return 0;
}
module_init(memplug_smoke_init);

static void __exit memplug_smoke_exit(void)
{
	pr_info("unloaded\n");
}
module_exit(memplug_smoke_exit);

MODULE_DESCRIPTION("memplug VM runner smoke test module");
MODULE_LICENSE("GPL");
