/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memplug: the generic netlink family (nl.c) and its handlers (netlink.c).
 */
#ifndef _MEMPLUG_NL_H
#define _MEMPLUG_NL_H

#include <net/genetlink.h>

#include "internal.h"

extern struct genl_family memplug_nl_family;

/* Policies for requests whose attributes handlers parse themselves. */
extern const struct nla_policy memplug_block_get_nl_policy[MEMPLUG_A_BLOCK_MAX + 1];
extern const struct nla_policy memplug_event_get_nl_policy[MEMPLUG_A_EVENT_MAX + 1];

int memplug_nl_status_get_doit(struct sk_buff *skb, struct genl_info *info);
int memplug_nl_range_add_doit(struct sk_buff *skb, struct genl_info *info);
int memplug_nl_range_del_doit(struct sk_buff *skb, struct genl_info *info);
int memplug_nl_range_get_doit(struct sk_buff *skb, struct genl_info *info);
int memplug_nl_range_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int memplug_nl_range_set_doit(struct sk_buff *skb, struct genl_info *info);
int memplug_nl_range_cancel_doit(struct sk_buff *skb, struct genl_info *info);
int memplug_nl_block_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int memplug_nl_event_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);

#endif /* _MEMPLUG_NL_H */
