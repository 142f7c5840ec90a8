// SPDX-License-Identifier: GPL-2.0
/* Generated from memplug.yaml by scripts/gen-proto.py; do not edit. */
/*
 * memplug: the generic netlink tables of the module.
 *
 * Every command has a policy of its own that lists what its request may carry
 * (the do and the dump request alike): an attribute it does not list is
 * NLA_UNSPEC there, which strict validation refuses. The operations are struct
 * genl_ops, as Debian's 6.1 takes them, without flags: the handlers check
 * CAP_SYS_ADMIN themselves, where GENL_ADMIN_PERM would only ask for
 * CAP_NET_ADMIN. Joining a multicast group needs CAP_SYS_ADMIN; compat.h says
 * how the kernel spells that (MEMPLUG_MCAST_CAP_FLAGS).
 */
#include <net/genetlink.h>
#include <net/netlink.h>

#include <linux/memplug.h>

#include "compat.h"
#include "memplug_nl.h"

/* MEMPLUG_A_EXCLUDE_*, in a nest */
const struct nla_policy
memplug_exclude_nl_policy[MEMPLUG_A_EXCLUDE_MAX + 1] = {
	[MEMPLUG_A_EXCLUDE_START] = { .type = NLA_U64 },
	[MEMPLUG_A_EXCLUDE_SIZE] = { .type = NLA_U64 },
};

/* MEMPLUG_CMD_STATUS_GET (doit): no attribute; every one is refused */
const struct nla_policy
memplug_status_get_nl_policy[MEMPLUG_A_STATUS_MAX + 1] = {
};

/* MEMPLUG_CMD_RANGE_ADD (doit) */
const struct nla_policy
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
	[MEMPLUG_A_RANGE_EXCLUDE] =
		NLA_POLICY_NESTED(memplug_exclude_nl_policy),
	[MEMPLUG_A_RANGE_DEFER_ONLINE] = { .type = NLA_FLAG },
	[MEMPLUG_A_RANGE_FORCE] = { .type = NLA_FLAG },
	[MEMPLUG_A_RANGE_TIER] =
		NLA_POLICY_RANGE(NLA_U32, MEMPLUG_TIER_AUTO, MEMPLUG_TIER_MAX),
	[MEMPLUG_A_RANGE_ADISTANCE] =
		NLA_POLICY_RANGE(NLA_U32, 1, MEMPLUG_ADISTANCE_MAX),
};

/* MEMPLUG_CMD_RANGE_DEL (doit) */
const struct nla_policy
memplug_range_del_nl_policy[MEMPLUG_A_RANGE_MAX + 1] = {
	[MEMPLUG_A_RANGE_ID] = { .type = NLA_U32 },
};

/* MEMPLUG_CMD_RANGE_GET (doit and dump) */
const struct nla_policy
memplug_range_get_nl_policy[MEMPLUG_A_RANGE_MAX + 1] = {
	[MEMPLUG_A_RANGE_ID] = { .type = NLA_U32 },
};

/* MEMPLUG_CMD_RANGE_SET (doit) */
const struct nla_policy
memplug_range_set_nl_policy[MEMPLUG_A_RANGE_MAX + 1] = {
	[MEMPLUG_A_RANGE_ID] = { .type = NLA_U32 },
	[MEMPLUG_A_RANGE_ZONE_POLICY] =
		NLA_POLICY_RANGE(NLA_U32, MEMPLUG_ZONE_POLICY_ANY,
				 MEMPLUG_ZONE_POLICY_MAX),
	[MEMPLUG_A_RANGE_PROTECT] = NLA_POLICY_MAX(NLA_U8, 1),
	[MEMPLUG_A_RANGE_COMMIT] = { .type = NLA_FLAG },
};

/* MEMPLUG_CMD_BLOCK_GET (dump) */
const struct nla_policy
memplug_block_get_nl_policy[MEMPLUG_A_BLOCK_MAX + 1] = {
	[MEMPLUG_A_BLOCK_RANGE_ID] = { .type = NLA_U32 },
};

/* MEMPLUG_CMD_EVENT_GET (dump) */
const struct nla_policy
memplug_event_get_nl_policy[MEMPLUG_A_EVENT_MAX + 1] = {
	[MEMPLUG_A_EVENT_SEQ] = { .type = NLA_U64 },
};

/* MEMPLUG_CMD_RANGE_CANCEL (doit) */
const struct nla_policy
memplug_range_cancel_nl_policy[MEMPLUG_A_RANGE_MAX + 1] = {
	[MEMPLUG_A_RANGE_ID] = { .type = NLA_U32 },
};

const struct genl_ops memplug_nl_ops[8] = {
	{
		.cmd = MEMPLUG_CMD_STATUS_GET,
		.doit = memplug_nl_status_get_doit,
		.policy = memplug_status_get_nl_policy,
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
		.policy = memplug_range_del_nl_policy,
		.maxattr = MEMPLUG_A_RANGE_MAX,
	},
	{
		.cmd = MEMPLUG_CMD_RANGE_GET,
		.doit = memplug_nl_range_get_doit,
		.dumpit = memplug_nl_range_get_dumpit,
		.policy = memplug_range_get_nl_policy,
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
		.policy = memplug_range_cancel_nl_policy,
		.maxattr = MEMPLUG_A_RANGE_MAX,
	},
};

const struct genl_multicast_group memplug_nl_mcgrps[1] = {
	[MEMPLUG_NL_MCGRP_MONITOR] = {
		.name = MEMPLUG_MCGRP_MONITOR,
		.flags = MEMPLUG_MCAST_CAP_FLAGS,
	},
};
