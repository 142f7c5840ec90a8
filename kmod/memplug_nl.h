/* SPDX-License-Identifier: GPL-2.0 */
/* Generated from memplug.yaml by scripts/gen-proto.py; do not edit. */
/*
 * memplug: the generic netlink tables of the module (memplug_nl.c): a policy
 * for the request of each command and for each nest in one, the operations and
 * the multicast groups. The family that uses them and the handlers declared
 * here are the module's own.
 */
#ifndef _MEMPLUG_NL_GEN_H
#define _MEMPLUG_NL_GEN_H

#include <net/genetlink.h>
#include <net/netlink.h>

#include <linux/memplug.h>

/* Nests in requests */
extern const struct nla_policy
memplug_exclude_nl_policy[MEMPLUG_A_EXCLUDE_MAX + 1];

/* Requests, one policy per command */
extern const struct nla_policy
memplug_status_get_nl_policy[MEMPLUG_A_STATUS_MAX + 1];
extern const struct nla_policy
memplug_range_add_nl_policy[MEMPLUG_A_RANGE_MAX + 1];
extern const struct nla_policy
memplug_range_del_nl_policy[MEMPLUG_A_RANGE_MAX + 1];
extern const struct nla_policy
memplug_range_get_nl_policy[MEMPLUG_A_RANGE_MAX + 1];
extern const struct nla_policy
memplug_range_set_nl_policy[MEMPLUG_A_RANGE_MAX + 1];
extern const struct nla_policy
memplug_block_get_nl_policy[MEMPLUG_A_BLOCK_MAX + 1];
extern const struct nla_policy
memplug_event_get_nl_policy[MEMPLUG_A_EVENT_MAX + 1];
extern const struct nla_policy
memplug_range_cancel_nl_policy[MEMPLUG_A_RANGE_MAX + 1];

/* Handlers */
int memplug_nl_status_get_doit(struct sk_buff *skb, struct genl_info *info);
int memplug_nl_range_add_doit(struct sk_buff *skb, struct genl_info *info);
int memplug_nl_range_del_doit(struct sk_buff *skb, struct genl_info *info);
int memplug_nl_range_get_doit(struct sk_buff *skb, struct genl_info *info);
int memplug_nl_range_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int memplug_nl_range_set_doit(struct sk_buff *skb, struct genl_info *info);
int memplug_nl_block_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int memplug_nl_event_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int memplug_nl_range_cancel_doit(struct sk_buff *skb, struct genl_info *info);

enum memplug_nl_mcgrp {
	MEMPLUG_NL_MCGRP_MONITOR,
};

extern const struct genl_ops memplug_nl_ops[8];
extern const struct genl_multicast_group memplug_nl_mcgrps[1];

#endif /* _MEMPLUG_NL_GEN_H */
