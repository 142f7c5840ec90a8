// SPDX-License-Identifier: GPL-2.0
/*
 * memplug: the generic netlink family: policies, operations and groups.
 * The handlers are in netlink.c.
 */
#include <linux/numa.h>
#include <net/genetlink.h>

#include "internal.h"
#include "compat.h"
#include "nl.h"

static const struct nla_policy
memplug_exclude_nl_policy[MEMPLUG_A_EXCLUDE_MAX + 1] = {
	[MEMPLUG_A_EXCLUDE_START] = { .type = NLA_U64 },
	[MEMPLUG_A_EXCLUDE_SIZE] = { .type = NLA_U64 },
};

static const struct nla_policy
memplug_range_add_nl_policy[MEMPLUG_A_RANGE_MAX + 1] = {
	[MEMPLUG_A_RANGE_START] = { .type = NLA_U64 },
	[MEMPLUG_A_RANGE_SIZE] = { .type = NLA_U64 },
	[MEMPLUG_A_RANGE_NODE] = { .type = NLA_U32 },
	[MEMPLUG_A_RANGE_NAME] = { .type = NLA_NUL_STRING,
				   .len = MEMPLUG_NAME_LEN - 1 },
	[MEMPLUG_A_RANGE_ZONE_POLICY] =
		NLA_POLICY_RANGE(NLA_U32, MEMPLUG_ZONE_POLICY_ANY,
				 MEMPLUG_ZONE_POLICY_MAX),
	[MEMPLUG_A_RANGE_PROTECT] = NLA_POLICY_MAX(NLA_U8, 1),
	[MEMPLUG_A_RANGE_VERIFY] = { .type = NLA_FLAG },
	[MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY] = { .type = NLA_FLAG },
	[MEMPLUG_A_RANGE_HOLD] = { .type = NLA_FLAG },
	[MEMPLUG_A_RANGE_DEFER_ONLINE] = { .type = NLA_FLAG },
	[MEMPLUG_A_RANGE_FORCE] = { .type = NLA_FLAG },
	[MEMPLUG_A_RANGE_EXCLUDE] =
		NLA_POLICY_NESTED(memplug_exclude_nl_policy),
};

/* STATUS_GET takes no attribute: every one is refused. */
static const struct nla_policy
memplug_status_nl_policy[MEMPLUG_A_STATUS_MAX + 1] = {
};

static const struct nla_policy
memplug_range_id_nl_policy[MEMPLUG_A_RANGE_MAX + 1] = {
	[MEMPLUG_A_RANGE_ID] = { .type = NLA_U32 },
};

static const struct nla_policy
memplug_range_set_nl_policy[MEMPLUG_A_RANGE_MAX + 1] = {
	[MEMPLUG_A_RANGE_ID] = { .type = NLA_U32 },
	[MEMPLUG_A_RANGE_ZONE_POLICY] =
		NLA_POLICY_RANGE(NLA_U32, MEMPLUG_ZONE_POLICY_ANY,
				 MEMPLUG_ZONE_POLICY_MAX),
	[MEMPLUG_A_RANGE_PROTECT] = NLA_POLICY_MAX(NLA_U8, 1),
	[MEMPLUG_A_RANGE_COMMIT] = { .type = NLA_FLAG },
};

const struct nla_policy
memplug_block_get_nl_policy[MEMPLUG_A_BLOCK_MAX + 1] = {
	[MEMPLUG_A_BLOCK_RANGE_ID] = { .type = NLA_U32 },
};

const struct nla_policy
memplug_event_get_nl_policy[MEMPLUG_A_EVENT_MAX + 1] = {
	[MEMPLUG_A_EVENT_SEQ] = { .type = NLA_U64 },
};

/*
 * Strict validation everywhere (resv_start_op is 0). Every handler but
 * status checks for CAP_SYS_ADMIN itself (memplug_nl_admin()):
 * GENL_ADMIN_PERM would ask for CAP_NET_ADMIN only.
 */
static const struct genl_ops memplug_nl_ops[] = {
	{
		.cmd = MEMPLUG_CMD_STATUS_GET,
		.doit = memplug_nl_status_get_doit,
		.policy = memplug_status_nl_policy,
		.maxattr = MEMPLUG_A_STATUS_MAX,
	},
	{
		.cmd = MEMPLUG_CMD_RANGE_ADD,
		.doit = memplug_nl_range_add_doit,
		.policy = memplug_range_add_nl_policy,
		.maxattr = MEMPLUG_A_RANGE_MAX,
	},
	{
		.cmd = MEMPLUG_CMD_RANGE_DEL,
		.doit = memplug_nl_range_del_doit,
		.policy = memplug_range_id_nl_policy,
		.maxattr = MEMPLUG_A_RANGE_MAX,
	},
	{
		.cmd = MEMPLUG_CMD_RANGE_GET,
		.doit = memplug_nl_range_get_doit,
		.dumpit = memplug_nl_range_get_dumpit,
		.policy = memplug_range_id_nl_policy,
		.maxattr = MEMPLUG_A_RANGE_MAX,
	},
	{
		.cmd = MEMPLUG_CMD_RANGE_SET,
		.doit = memplug_nl_range_set_doit,
		.policy = memplug_range_set_nl_policy,
		.maxattr = MEMPLUG_A_RANGE_MAX,
	},
	{
		.cmd = MEMPLUG_CMD_BLOCK_GET,
		.dumpit = memplug_nl_block_get_dumpit,
		.policy = memplug_block_get_nl_policy,
		.maxattr = MEMPLUG_A_BLOCK_MAX,
	},
	{
		.cmd = MEMPLUG_CMD_EVENT_GET,
		.dumpit = memplug_nl_event_get_dumpit,
		.policy = memplug_event_get_nl_policy,
		.maxattr = MEMPLUG_A_EVENT_MAX,
	},
	{
		.cmd = MEMPLUG_CMD_RANGE_CANCEL,
		.doit = memplug_nl_range_cancel_doit,
		.policy = memplug_range_id_nl_policy,
		.maxattr = MEMPLUG_A_RANGE_MAX,
	},
};

enum memplug_nl_mcgrp {
	MEMPLUG_NL_MCGRP_MONITOR,
};

static const struct genl_multicast_group memplug_nl_mcgrps[] = {
	[MEMPLUG_NL_MCGRP_MONITOR] = {
		.name = MEMPLUG_MCGRP_MONITOR,
		.flags = MEMPLUG_MCAST_CAP_FLAGS,
	},
};

struct genl_family memplug_nl_family __ro_after_init = {
	.name = MEMPLUG_FAMILY_NAME,
	.version = MEMPLUG_FAMILY_VERSION,
	.netnsok = false,
	/* Handlers serialise on memplug_lock, never across the core. */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = memplug_nl_ops,
	.n_ops = ARRAY_SIZE(memplug_nl_ops),
	.resv_start_op = 0,
	.mcgrps = memplug_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(memplug_nl_mcgrps),
};

/**
 * memplug_nl_event_notify() - multicast one event to the monitor group
 * @ev: the event
 *
 * Called with memplug_event_lock held, which keeps multicast order equal to
 * sequence order. Loss on a listener's socket shows up there as ENOBUFS.
 */
void memplug_nl_event_notify(const struct memplug_event *ev)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&memplug_nl_family, &init_net,
				MEMPLUG_NL_MCGRP_MONITOR))
		return;

	/* A lost notification shows as a gap in seq; the ring has it. */
	skb = memplug_alloc("event", genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL));
	if (!skb)
		return;
	if (memplug_nl_event_fill(skb, ev, 0, 0, 0, MEMPLUG_CMD_EVENT_NTF)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_multicast(&memplug_nl_family, skb, 0, MEMPLUG_NL_MCGRP_MONITOR,
			  GFP_KERNEL);
}

int memplug_nl_init(void)
{
	int rc;

	rc = genl_register_family(&memplug_nl_family);
	if (!rc)
		memplug_event_set_mcast(true);
	return rc;
}

void memplug_nl_exit(void)
{
	/* The notifier still runs; its events must not reach a stale group. */
	memplug_event_set_mcast(false);
	genl_unregister_family(&memplug_nl_family);
}
