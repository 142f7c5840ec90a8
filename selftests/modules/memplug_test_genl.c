// SPDX-License-Identifier: GPL-2.0
/*
 * memplug_test_genl: register a generic netlink family on load and
 * unregister it on unload, as wireguard, team or mac80211_hwsim do, so the
 * selftests can check that nothing memplug does keeps genetlink's lock
 * (registering a family takes it for writing) while memory is unplugged.
 *
 *   insmod memplug_test_genl.ko; rmmod memplug_test_genl
 *
 * The family is "memplug_tgenl", with one command (1) that answers with an
 * empty ACK. Test-only: never load it on a machine you care about.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>

static int memplug_tgenl_echo(struct sk_buff *skb, struct genl_info *info)
{
	return 0;
}

static const struct genl_small_ops memplug_tgenl_ops[] = {
	{
		.cmd = 1,
		.doit = memplug_tgenl_echo,
	},
};

static struct genl_family memplug_tgenl_family __ro_after_init = {
	.name = "memplug_tgenl",
	.version = 1,
	.resv_start_op = 2,
	.small_ops = memplug_tgenl_ops,
	.n_small_ops = ARRAY_SIZE(memplug_tgenl_ops),
	.module = THIS_MODULE,
};

static int __init memplug_tgenl_init(void)
{
	int rc = genl_register_family(&memplug_tgenl_family);

	if (!rc)
		pr_info("family %s registered\n", memplug_tgenl_family.name);
	return rc;
}

static void __exit memplug_tgenl_exit(void)
{
	genl_unregister_family(&memplug_tgenl_family);
	pr_info("family unregistered\n");
}

module_init(memplug_tgenl_init);
module_exit(memplug_tgenl_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memplug selftests: a generic netlink family to register");
