// SPDX-License-Identifier: GPL-2.0
/*
 * memplug: the generic netlink family "memplug": its request handlers, the
 * messages they and the events build, and the multicast of events. The
 * family's tables (policies, operations, groups) are generated from
 * memplug.yaml into memplug_nl.c; event.c keeps the ring and knows nothing
 * of netlink.
 *
 * Fill helpers return -EMSGSIZE when the message is full and leave it as it
 * was. Handlers validate everything they are given and say why they refuse
 * in the extended ACK.
 */
#include <linux/crash_dump.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "internal.h"
#include "compat.h"
#include "memplug_nl.h"

/*
 * Strict validation everywhere (resv_start_op is 0). Every handler but
 * status checks for CAP_SYS_ADMIN itself (memplug_nl_admin()):
 * GENL_ADMIN_PERM would ask for CAP_NET_ADMIN only.
 */
static struct genl_family memplug_nl_family __ro_after_init = {
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

/*
 * Resolving the family by name (CTRL_CMD_GETFAMILY with
 * CTRL_ATTR_FAMILY_NAME, as libnl's genl_ctrl_resolve() asks) while it is
 * not registered makes the genetlink core call
 * request_module("net-pf-16-proto-16-family-memplug"), which this alias
 * answers: memplugctl loads the module on first use, for any caller, as
 * every genetlink family's alias does.
 */
MODULE_ALIAS_GENL_FAMILY(MEMPLUG_FAMILY_NAME);

/*
 * Like GENL_REQ_ATTR_CHECK(), which names the missing attribute, but also
 * says in words what is missing. (GENL_REQ_ATTR_CHECK() has a local called
 * __info, hence the longer name here.)
 */
#define memplug_nl_require(info, attr, msg) ({				\
	struct genl_info *__mp_info = (info);				\
	bool __mp_missing = GENL_REQ_ATTR_CHECK(__mp_info, attr);	\
									\
	if (__mp_missing)						\
		NL_SET_ERR_MSG_MOD(__mp_info->extack, msg);		\
	__mp_missing;							\
})

static int memplug_nl_put_u64(struct sk_buff *skb, int attr, u64 value,
			      int pad)
{
	return nla_put_u64_64bit(skb, attr, value, pad);
}

/*
 * memplug's power is that of /dev/mem, and its answers carry physical
 * addresses, which /proc/iomem shows only to CAP_SYS_ADMIN. So every
 * command but STATUS_GET needs CAP_SYS_ADMIN in the initial user namespace,
 * of the sender and, for a socket written without an explicit address, of
 * its opener (netlink_capable()). GENL_ADMIN_PERM would ask for
 * CAP_NET_ADMIN only, which network daemons and containers are given.
 */
static int memplug_nl_admin(struct sk_buff *skb, struct netlink_ext_ack *extack)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	NL_SET_ERR_MSG_MOD(extack, "needs CAP_SYS_ADMIN");
	return -EPERM;
}

/*
 * A dump is checked in its first round, which runs in the sender's context
 * (later rounds run in whoever reads the socket). Its start callback would
 * come earlier, but Linux 6.1 gives that no extended ACK to say why.
 */
static int memplug_nl_dump_admin(struct netlink_callback *cb, bool *checked)
{
	int rc;

	if (*checked)
		return 0;
	rc = memplug_nl_admin(cb->skb, cb->extack);
	*checked = !rc;
	return rc;
}

/* The memory types memplug gave nodes, one nest each. */
static int memplug_nl_status_memtypes(struct sk_buff *skb)
{
	struct memplug_memtype *t;
	struct nlattr *nest;
	int rc = 0;

	mutex_lock(&memplug_lock);
	list_for_each_entry(t, &memplug_memtypes, list) {
		nest = nla_nest_start(skb, MEMPLUG_A_STATUS_MEMTYPE);
		if (!nest || nla_put_u32(skb, MEMPLUG_A_MEMTYPE_NODE, t->nid) ||
		    nla_put_u32(skb, MEMPLUG_A_MEMTYPE_ADISTANCE, t->adist) ||
		    nla_put_u32(skb, MEMPLUG_A_MEMTYPE_RANGES, t->ranges)) {
			rc = -EMSGSIZE;
			break;
		}
		nla_nest_end(skb, nest);
	}
	mutex_unlock(&memplug_lock);
	return rc;
}

static int memplug_nl_status_fill(struct sk_buff *skb, bool privileged)
{
	struct memplug_counters c;
	struct memplug_range *range;
	enum memplug_online_cb cb;
	struct range pluggable;
	u64 next, oldest, plugged = 0;
	u32 ring_size, cb_ranges;

	mutex_lock(&memplug_lock);
	c = memplug_counters;
	list_for_each_entry(range, &memplug_ranges, list)
		plugged += (u64)memplug_range_blocks_present(range) *
			   memplug_block_bytes();
	mutex_unlock(&memplug_lock);
	memplug_event_seq_info(&next, &oldest, &ring_size);
	cb = memplug_online_cb_state(&cb_ranges);

	if (nla_put_string(skb, MEMPLUG_A_STATUS_VERSION, MEMPLUG_VERSION) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_STATUS_BLOCK_SIZE,
			       memplug_block_bytes(), MEMPLUG_A_STATUS_PAD) ||
	    nla_put_u32(skb, MEMPLUG_A_STATUS_ONLINE_CB, cb) ||
	    nla_put_u32(skb, MEMPLUG_A_STATUS_ONLINE_CB_RANGES, cb_ranges) ||
	    nla_put_u32(skb, MEMPLUG_A_STATUS_RANGES, c.ranges) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_STATUS_PLUGGED_BYTES, plugged,
			       MEMPLUG_A_STATUS_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_STATUS_PLUGS, c.plugs,
			       MEMPLUG_A_STATUS_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_STATUS_UNPLUGS, c.unplugs,
			       MEMPLUG_A_STATUS_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_STATUS_PLUG_FAILURES,
			       c.plug_failures, MEMPLUG_A_STATUS_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_STATUS_UNPLUG_FAILURES,
			       c.unplug_failures, MEMPLUG_A_STATUS_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_STATUS_VETOES,
			       atomic64_read(&memplug_vetoes),
			       MEMPLUG_A_STATUS_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_STATUS_EVENT_SEQ, next,
			       MEMPLUG_A_STATUS_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_STATUS_EVENT_OLDEST, oldest,
			       MEMPLUG_A_STATUS_PAD) ||
	    nla_put_u32(skb, MEMPLUG_A_STATUS_EVENT_RING_SIZE, ring_size) ||
	    nla_put_u32(skb, MEMPLUG_A_STATUS_OBJECTS,
			atomic_read(&memplug_objects)))
		return -EMSGSIZE;

	if (cb == MEMPLUG_ONLINE_CB_UNAVAILABLE &&
	    nla_put_string(skb, MEMPLUG_A_STATUS_ONLINE_CB_REASON,
			   memplug_online_cb_reason()))
		return -EMSGSIZE;
	if (is_kdump_kernel() && nla_put_flag(skb, MEMPLUG_A_STATUS_KDUMP))
		return -EMSGSIZE;
	if (memplug_nl_status_memtypes(skb))
		return -EMSGSIZE;

	/* Physical addresses only for those who may see /proc/iomem. */
	if (privileged) {
		pluggable = mhp_get_pluggable_range(true);
		if (memplug_nl_put_u64(skb, MEMPLUG_A_STATUS_PLUGGABLE_START,
				       pluggable.start, MEMPLUG_A_STATUS_PAD) ||
		    memplug_nl_put_u64(skb, MEMPLUG_A_STATUS_PLUGGABLE_END,
				       pluggable.end, MEMPLUG_A_STATUS_PAD))
			return -EMSGSIZE;
	}
	return 0;
}

static int memplug_nl_range_fill_excl(struct sk_buff *skb,
				      const struct memplug_range *range)
{
	struct nlattr *nest;
	unsigned int i;

	for (i = 0; i < range->nr_excl; i++) {
		nest = nla_nest_start(skb, MEMPLUG_A_RANGE_EXCLUDE);
		if (!nest)
			return -EMSGSIZE;
		if (memplug_nl_put_u64(skb, MEMPLUG_A_EXCLUDE_START,
				       range->excl[i].start,
				       MEMPLUG_A_EXCLUDE_PAD) ||
		    memplug_nl_put_u64(skb, MEMPLUG_A_EXCLUDE_SIZE,
				       range->excl[i].size,
				       MEMPLUG_A_EXCLUDE_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, nest);
	}
	return 0;
}

/*
 * BLOCKS_DONE and BYTES_DONE of a range being plugged (its blocks online)
 * or unplugged (its blocks offline or removed).
 */
static int memplug_nl_put_progress(struct sk_buff *skb,
				   const struct memplug_range *range)
{
	unsigned int done;

	switch (memplug_range_uapi_state(range->state)) {
	case MEMPLUG_RANGE_STATE_PLUGGING:
		done = memplug_range_blocks_online(range);
		break;
	case MEMPLUG_RANGE_STATE_UNPLUGGING:
		done = range->nr_blocks - memplug_range_blocks_online(range);
		break;
	default:
		return 0;
	}
	return nla_put_u32(skb, MEMPLUG_A_RANGE_BLOCKS_DONE, done) ||
	       memplug_nl_put_u64(skb, MEMPLUG_A_RANGE_BYTES_DONE,
				  (u64)done * memplug_block_bytes(),
				  MEMPLUG_A_RANGE_PAD);
}

/*
 * Must be called with memplug_lock held, or on a range that left the
 * registry and is only ours.
 */
static int memplug_nl_range_fill_attrs(struct sk_buff *skb,
				       const struct memplug_range *range)
{
	u64 online = 0, excluded = 0, verified = 0;
	unsigned int i;

	for (i = 0; i < range->nr_blocks; i++) {
		online += READ_ONCE(range->acct[i].online);
		excluded += READ_ONCE(range->acct[i].excluded);
		verified += READ_ONCE(range->acct[i].verified);
	}

	if (nla_put_u32(skb, MEMPLUG_A_RANGE_ID, range->id) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_RANGE_START, range->start,
			       MEMPLUG_A_RANGE_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_RANGE_SIZE, range->size,
			       MEMPLUG_A_RANGE_PAD) ||
	    nla_put_u32(skb, MEMPLUG_A_RANGE_NODE, range->nid) ||
	    nla_put_string(skb, MEMPLUG_A_RANGE_NAME, range->name) ||
	    nla_put_u32(skb, MEMPLUG_A_RANGE_STATE,
			memplug_range_uapi_state(range->state)) ||
	    nla_put_u32(skb, MEMPLUG_A_RANGE_ZONE_POLICY,
			READ_ONCE(range->zone_policy)) ||
	    nla_put_u8(skb, MEMPLUG_A_RANGE_PROTECT, READ_ONCE(range->protect)) ||
	    (range->verify && nla_put_flag(skb, MEMPLUG_A_RANGE_VERIFY)) ||
	    (range->memmap_on_memory &&
	     nla_put_flag(skb, MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY)) ||
	    (range->defer_online &&
	     nla_put_flag(skb, MEMPLUG_A_RANGE_DEFER_ONLINE)) ||
	    (range->mgid >= 0 &&
	     nla_put_u32(skb, MEMPLUG_A_RANGE_GROUP_ID, range->mgid)) ||
	    nla_put_u32(skb, MEMPLUG_A_RANGE_BLOCKS, range->nr_blocks) ||
	    nla_put_u32(skb, MEMPLUG_A_RANGE_BLOCKS_ONLINE,
			memplug_range_blocks_online(range)) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_RANGE_PAGES_ONLINE, online,
			       MEMPLUG_A_RANGE_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_RANGE_PAGES_EXCLUDED, excluded,
			       MEMPLUG_A_RANGE_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_RANGE_PAGES_VERIFIED, verified,
			       MEMPLUG_A_RANGE_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_RANGE_PAGES_BAD,
			       atomic64_read(&range->pages_bad),
			       MEMPLUG_A_RANGE_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_RANGE_ADD_NS, range->add_ns,
			       MEMPLUG_A_RANGE_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_RANGE_REMOVE_NS, range->remove_ns,
			       MEMPLUG_A_RANGE_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_RANGE_ONLINE_NS,
			       atomic64_read(&range->online_ns),
			       MEMPLUG_A_RANGE_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_RANGE_OFFLINE_NS,
			       atomic64_read(&range->offline_ns),
			       MEMPLUG_A_RANGE_PAD) ||
	    (READ_ONCE(range->fail_block) != U32_MAX &&
	     nla_put_u32(skb, MEMPLUG_A_RANGE_FAIL_BLOCK,
			 READ_ONCE(range->fail_block))) ||
	    (range->fail_errno &&
	     nla_put_s32(skb, MEMPLUG_A_RANGE_FAIL_ERRNO, range->fail_errno)) ||
	    nla_put_u32(skb, MEMPLUG_A_RANGE_BLOCKS_PRESENT,
			memplug_range_blocks_present(range)) ||
	    nla_put_u32(skb, MEMPLUG_A_RANGE_ROLLBACK_ATTEMPTS,
			range->rollback_attempts) ||
	    nla_put_string(skb, MEMPLUG_A_RANGE_PLUGGED_BY, range->plugged_by) ||
	    (range->fail_reason &&
	     nla_put_string(skb, MEMPLUG_A_RANGE_FAIL_REASON,
			    range->fail_reason)) ||
	    memplug_nl_put_progress(skb, range) ||
	    nla_put_u32(skb, MEMPLUG_A_RANGE_TIER, range->tier) ||
	    (range->memtype &&
	     nla_put_u32(skb, MEMPLUG_A_RANGE_ADISTANCE, range->memtype->adist)))
		return -EMSGSIZE;
	return memplug_nl_range_fill_excl(skb, range);
}

static int memplug_nl_range_fill(struct sk_buff *skb,
				 const struct memplug_range *range, u32 portid,
				 u32 seq, int flags, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &memplug_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (memplug_nl_range_fill_attrs(skb, range)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * A reply message, allocated before a handler changes anything: a request
 * that changed something must not fail afterwards for want of memory.
 */
static struct sk_buff *memplug_nl_reply_new(struct genl_info *info)
{
	struct sk_buff *msg;

	msg = memplug_alloc("reply", genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL));
	if (!msg)
		NL_SET_ERR_MSG_MOD(info->extack, "out of memory for the reply");
	return msg;
}

/*
 * Describe @range in @msg and send it (memplug_lock held, or the range is
 * ours). A range always fits in NLMSG_GOODSIZE; should it not, the request
 * still did what it did and is answered with a plain ACK.
 */
static int memplug_nl_range_reply(struct genl_info *info,
				  const struct memplug_range *range,
				  struct sk_buff *msg)
{
	if (WARN_ON_ONCE(memplug_nl_range_fill(msg, range, info->snd_portid,
					       info->snd_seq, 0,
					       info->genlhdr->cmd))) {
		nlmsg_free(msg);
		return 0;
	}
	return genlmsg_reply(msg, info);
}

int memplug_nl_status_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int rc;

	msg = memplug_nl_reply_new(info);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &memplug_nl_family, 0,
				MEMPLUG_CMD_STATUS_GET);
	if (!hdr) {
		rc = -EMSGSIZE;
		goto out_free;
	}
	rc = memplug_nl_status_fill(msg, netlink_capable(skb, CAP_SYS_ADMIN));
	if (rc)
		goto out_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

out_free:
	nlmsg_free(msg);
	return rc;
}

/* Decode the repeated EXCLUDE nests, in the order given. */
static int memplug_nl_parse_excl(struct genl_info *info,
				 struct memplug_range_args *args)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[MEMPLUG_A_EXCLUDE_MAX + 1];
	struct memplug_excl *excl;
	unsigned int n = 0, i;
	struct nlattr *attr;
	int rem, rc;

	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(attr) == MEMPLUG_A_RANGE_EXCLUDE)
			n++;
	if (!n)
		return 0;
	if (n > MEMPLUG_MAX_EXCLUDES) {
		NL_SET_ERR_MSG_MOD(extack, "too many exclusion ranges");
		return -E2BIG;
	}
	excl = memplug_alloc("excl", kcalloc(n, sizeof(*excl), GFP_KERNEL));
	if (!excl) {
		NL_SET_ERR_MSG_MOD(extack, "out of memory for the exclusion list");
		return -ENOMEM;
	}

	i = 0;
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) != MEMPLUG_A_RANGE_EXCLUDE)
			continue;
		/* Already validated against the nested policy. */
		rc = nla_parse_nested(tb, MEMPLUG_A_EXCLUDE_MAX, attr, NULL,
				      extack);
		if (rc)
			goto out_free;
		if (!tb[MEMPLUG_A_EXCLUDE_START] || !tb[MEMPLUG_A_EXCLUDE_SIZE]) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "exclusion needs a start and a size");
			rc = -EINVAL;
			goto out_free;
		}
		excl[i].start = nla_get_u64(tb[MEMPLUG_A_EXCLUDE_START]);
		excl[i].size = nla_get_u64(tb[MEMPLUG_A_EXCLUDE_SIZE]);
		i++;
	}
	args->excl = excl;
	args->nr_excl = n;
	return 0;

out_free:
	kfree(excl);
	return rc;
}

/*
 * FORCE turns any physical range that nothing claims into RAM, like a write
 * to /dev/mem: it needs what /dev/mem needs, CAP_SYS_RAWIO and a kernel
 * that is not locked down.
 */
static int memplug_nl_force_allowed(struct sk_buff *skb,
				    struct netlink_ext_ack *extack)
{
	int rc;

	if (!netlink_capable(skb, CAP_SYS_RAWIO)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "force needs CAP_SYS_RAWIO, as /dev/mem does");
		return -EPERM;
	}
	rc = security_locked_down(LOCKDOWN_DEV_MEM);
	if (rc)
		NL_SET_ERR_MSG_MOD(extack,
				   "force is refused while the kernel is locked down, as /dev/mem is");
	return rc;
}

/* Decode a RANGE_ADD request; memplug_plug() judges what it asks for. */
/* TIER, and ADISTANCE with TIER ADISTANCE only. */
static int memplug_nl_parse_tier(struct genl_info *info,
				 struct memplug_range_args *args)
{
	struct nlattr **tb = info->attrs;
	bool has_adist;

	args->tier = tb[MEMPLUG_A_RANGE_TIER] ?
		     nla_get_u32(tb[MEMPLUG_A_RANGE_TIER]) : MEMPLUG_TIER_AUTO;
	has_adist = tb[MEMPLUG_A_RANGE_ADISTANCE];
	if (has_adist && args->tier != MEMPLUG_TIER_ADISTANCE) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MEMPLUG_A_RANGE_ADISTANCE],
				    "an abstract distance needs tier adistance");
		return -EINVAL;
	}
	if (!has_adist && args->tier == MEMPLUG_TIER_ADISTANCE) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MEMPLUG_A_RANGE_TIER],
				    "tier adistance needs an abstract distance");
		return -EINVAL;
	}
	if (args->tier == MEMPLUG_TIER_ADISTANCE)
		args->tier_adist = nla_get_u32(tb[MEMPLUG_A_RANGE_ADISTANCE]);
	return 0;
}

static int memplug_nl_parse_range_add(struct sk_buff *skb,
				      struct genl_info *info,
				      struct memplug_range_args *args)
{
	struct nlattr **tb = info->attrs;
	int rc;

	if (memplug_nl_require(info, MEMPLUG_A_RANGE_START,
			       "request needs a start address") ||
	    memplug_nl_require(info, MEMPLUG_A_RANGE_SIZE,
			       "request needs a size"))
		return -EINVAL;

	args->start = nla_get_u64(tb[MEMPLUG_A_RANGE_START]);
	args->size = nla_get_u64(tb[MEMPLUG_A_RANGE_SIZE]);
	args->has_nid = tb[MEMPLUG_A_RANGE_NODE];
	if (args->has_nid)
		args->nid = nla_get_u32(tb[MEMPLUG_A_RANGE_NODE]);
	if (tb[MEMPLUG_A_RANGE_NAME])
		nla_strscpy(args->name, tb[MEMPLUG_A_RANGE_NAME],
			    sizeof(args->name));
	args->zone_policy = tb[MEMPLUG_A_RANGE_ZONE_POLICY] ?
			    nla_get_u32(tb[MEMPLUG_A_RANGE_ZONE_POLICY]) :
			    MEMPLUG_ZONE_POLICY_ANY;
	args->protect = tb[MEMPLUG_A_RANGE_PROTECT] &&
			nla_get_u8(tb[MEMPLUG_A_RANGE_PROTECT]);
	args->verify = nla_get_flag(tb[MEMPLUG_A_RANGE_VERIFY]);
	args->memmap_on_memory =
		nla_get_flag(tb[MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY]);
	args->hold = nla_get_flag(tb[MEMPLUG_A_RANGE_HOLD]);
	args->defer_online = nla_get_flag(tb[MEMPLUG_A_RANGE_DEFER_ONLINE]);
	args->force = nla_get_flag(tb[MEMPLUG_A_RANGE_FORCE]);
	args->portid = info->snd_portid;
	if (args->force) {
		rc = memplug_nl_force_allowed(skb, info->extack);
		if (rc)
			return rc;
	}
	rc = memplug_nl_parse_tier(info, args);
	if (rc)
		return rc;
	return memplug_nl_parse_excl(info, args);
}

/* Point the extended ACK at the attribute the core refused. */
static void memplug_nl_name_bad_arg(struct genl_info *info,
				    const struct memplug_range_args *args)
{
	static const int attr_of[] = {
		[MEMPLUG_ARG_START] = MEMPLUG_A_RANGE_START,
		[MEMPLUG_ARG_SIZE] = MEMPLUG_A_RANGE_SIZE,
		[MEMPLUG_ARG_NODE] = MEMPLUG_A_RANGE_NODE,
	};
	unsigned int i = 0;
	struct nlattr *attr;
	int rem;

	if (args->bad != MEMPLUG_ARG_EXCLUDE) {
		if (args->bad != MEMPLUG_ARG_NONE)
			NL_SET_BAD_ATTR(info->extack,
					info->attrs[attr_of[args->bad]]);
		return;
	}
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) != MEMPLUG_A_RANGE_EXCLUDE)
			continue;
		if (i++ == args->bad_excl) {
			NL_SET_BAD_ATTR(info->extack, attr);
			return;
		}
	}
}

int memplug_nl_range_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct memplug_range_args args = {};
	struct memplug_range *range;
	struct sk_buff *msg;
	int rc;

	rc = memplug_nl_admin(skb, info->extack);
	if (rc)
		return rc;
	msg = memplug_nl_reply_new(info);
	if (!msg)
		return -ENOMEM;
	rc = memplug_nl_parse_range_add(skb, info, &args);
	if (!rc) {
		rc = memplug_plug(&args, info->extack, &range);
		if (rc)
			memplug_nl_name_bad_arg(info, &args);
	}
	if (rc) {
		kfree(args.excl);
		nlmsg_free(msg);
		return rc;
	}

	/* The worker adds it only once the lock is free: reply first. */
	rc = memplug_nl_range_reply(info, range, msg);
	mutex_unlock(&memplug_lock);
	return rc;
}

/*
 * What every request on one range starts with: the sender may ask, room
 * for the reply, and the range the request's ID names. Returns the range
 * with memplug_lock held and *@msg allocated, or an ERR_PTR with neither.
 */
static struct memplug_range *memplug_nl_range_begin(struct sk_buff *skb,
						    struct genl_info *info,
						    struct sk_buff **msg)
{
	struct nlattr *id = info->attrs[MEMPLUG_A_RANGE_ID];
	struct memplug_range *range;
	int rc;

	rc = memplug_nl_admin(skb, info->extack);
	if (rc)
		return ERR_PTR(rc);
	if (memplug_nl_require(info, MEMPLUG_A_RANGE_ID,
			       "request needs a range id"))
		return ERR_PTR(-EINVAL);
	*msg = memplug_nl_reply_new(info);
	if (!*msg)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&memplug_lock);
	range = memplug_range_find(nla_get_u32(id));
	if (range)
		return range;
	mutex_unlock(&memplug_lock);
	nlmsg_free(*msg);
	NL_SET_ERR_MSG_ATTR(info->extack, id, "no range with this id");
	return ERR_PTR(-ENOENT);
}

int memplug_nl_range_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct memplug_range *range;
	struct sk_buff *msg;
	int rc;

	range = memplug_nl_range_begin(skb, info, &msg);
	if (IS_ERR(range))
		return PTR_ERR(range);
	rc = memplug_unplug(range, info->snd_portid, info->extack);
	if (rc) {
		mutex_unlock(&memplug_lock);
		nlmsg_free(msg);
		return rc;
	}
	/* The worker removes it only once the lock is free: reply first. */
	rc = memplug_nl_range_reply(info, range, msg);
	mutex_unlock(&memplug_lock);
	return rc;
}

int memplug_nl_range_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct memplug_range *range;
	struct sk_buff *msg;
	int rc;

	range = memplug_nl_range_begin(skb, info, &msg);
	if (IS_ERR(range))
		return PTR_ERR(range);
	rc = memplug_nl_range_reply(info, range, msg);
	mutex_unlock(&memplug_lock);
	return rc;
}

/* Dump position: the last range id sent. */
struct memplug_nl_range_ctx {
	u32 last_id;
	bool checked;
};

int memplug_nl_range_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct memplug_nl_range_ctx *ctx = (void *)cb->ctx;
	struct memplug_range *range;
	int rc;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));

	rc = memplug_nl_dump_admin(cb, &ctx->checked);
	if (rc)
		return rc;

	mutex_lock(&memplug_lock);
	list_for_each_entry(range, &memplug_ranges, list) {
		if (range->id <= ctx->last_id)
			continue;
		rc = memplug_nl_range_fill(skb, range,
					   NETLINK_CB(cb->skb).portid,
					   cb->nlh->nlmsg_seq, NLM_F_MULTI,
					   MEMPLUG_CMD_RANGE_GET);
		if (rc)
			break;
		ctx->last_id = range->id;
	}
	mutex_unlock(&memplug_lock);
	/* A full message is not an error if it carries something. */
	if (rc && !skb->len)
		return rc;
	return skb->len;
}

int memplug_nl_range_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct memplug_range_change change = {
		.commit = nla_get_flag(tb[MEMPLUG_A_RANGE_COMMIT]),
		.portid = info->snd_portid,
		.set_zone_policy = tb[MEMPLUG_A_RANGE_ZONE_POLICY],
		.set_protect = tb[MEMPLUG_A_RANGE_PROTECT],
	};
	struct memplug_range *range;
	struct sk_buff *msg;
	int rc;

	if (change.set_zone_policy)
		change.zone_policy = nla_get_u32(tb[MEMPLUG_A_RANGE_ZONE_POLICY]);
	if (change.set_protect)
		change.protect = nla_get_u8(tb[MEMPLUG_A_RANGE_PROTECT]);
	range = memplug_nl_range_begin(skb, info, &msg);
	if (IS_ERR(range))
		return PTR_ERR(range);
	rc = memplug_change(range, &change, info->extack);
	if (rc) {
		mutex_unlock(&memplug_lock);
		nlmsg_free(msg);
		return rc;
	}
	rc = memplug_nl_range_reply(info, range, msg);
	mutex_unlock(&memplug_lock);
	return rc;
}

int memplug_nl_range_cancel_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct memplug_range *range;
	struct sk_buff *msg;
	int rc;

	range = memplug_nl_range_begin(skb, info, &msg);
	if (IS_ERR(range))
		return PTR_ERR(range);
	rc = memplug_cancel(range, info->extack);
	if (rc)
		nlmsg_free(msg);
	else
		rc = memplug_nl_range_reply(info, range, msg);
	mutex_unlock(&memplug_lock);
	return rc;
}

static int memplug_nl_block_fill(struct sk_buff *skb,
				 const struct memplug_range *range,
				 unsigned int idx, u32 portid, u32 seq)
{
	unsigned long bs = memplug_block_bytes();
	u64 start = memplug_range_block(range, idx);
	const char *zone = NULL;
	int nid = range->nid;
	struct page *page;
	void *hdr;

	/*
	 * The memmap of a present block stays while no removal runs: it needs
	 * memplug_lock, which our caller holds, to start.
	 */
	page = pfn_to_online_page(PHYS_PFN(start));
	if (page && range->state != MEMPLUG_RS_ADDING &&
	    range->state != MEMPLUG_RS_REMOVING) {
		zone = page_zone(page)->name;
		nid = page_to_nid(page);
	}

	hdr = genlmsg_put(skb, portid, seq, &memplug_nl_family, NLM_F_MULTI,
			  MEMPLUG_CMD_BLOCK_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, MEMPLUG_A_BLOCK_ID, memplug_phys_to_block(start)) ||
	    nla_put_u32(skb, MEMPLUG_A_BLOCK_RANGE_ID, range->id) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_BLOCK_START, start,
			       MEMPLUG_A_BLOCK_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_BLOCK_SIZE, bs,
			       MEMPLUG_A_BLOCK_PAD) ||
	    nla_put_u32(skb, MEMPLUG_A_BLOCK_STATE,
			page ? MEMPLUG_BLOCK_STATE_ONLINE :
			MEMPLUG_BLOCK_STATE_OFFLINE) ||
	    (zone && nla_put_string(skb, MEMPLUG_A_BLOCK_ZONE, zone)) ||
	    nla_put_u32(skb, MEMPLUG_A_BLOCK_NODE, nid)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Dump position: range id and block index within it of the next block. */
struct memplug_nl_block_ctx {
	u32 range_id;
	u32 idx;
	bool checked;
};

int memplug_nl_block_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct memplug_nl_block_ctx *ctx = (void *)cb->ctx;
	struct nlattr *tb[MEMPLUG_A_BLOCK_MAX + 1];
	struct memplug_range *range;
	u32 filter = 0;
	int rc;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));

	rc = memplug_nl_dump_admin(cb, &ctx->checked);
	if (rc)
		return rc;
	/* The core validated the request already; this only indexes it. */
	rc = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, MEMPLUG_A_BLOCK_MAX,
			 memplug_block_get_nl_policy, cb->extack);
	if (rc)
		return rc;

	if (tb[MEMPLUG_A_BLOCK_RANGE_ID])
		filter = nla_get_u32(tb[MEMPLUG_A_BLOCK_RANGE_ID]);

	mutex_lock(&memplug_lock);
	if (filter && !memplug_range_find(filter)) {
		mutex_unlock(&memplug_lock);
		NL_SET_ERR_MSG_ATTR(cb->extack, tb[MEMPLUG_A_BLOCK_RANGE_ID],
				    "no range with this id");
		return -ENOENT;
	}
	list_for_each_entry(range, &memplug_ranges, list) {
		if (range->id < ctx->range_id || (filter && range->id != filter))
			continue;
		if (range->id > ctx->range_id) {
			ctx->range_id = range->id;
			ctx->idx = 0;
		}
		for (; ctx->idx < range->nr_blocks; ctx->idx++) {
			if (!READ_ONCE(range->acct[ctx->idx].present))
				continue;
			rc = memplug_nl_block_fill(skb, range, ctx->idx,
						   NETLINK_CB(cb->skb).portid,
						   cb->nlh->nlmsg_seq);
			if (rc)
				goto out_unlock;
		}
	}
out_unlock:
	mutex_unlock(&memplug_lock);
	if (rc && !skb->len)
		return rc;
	return skb->len;
}

static int memplug_nl_event_fill(struct sk_buff *skb,
				 const struct memplug_event *ev, u32 portid,
				 u32 seq, int flags, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &memplug_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (memplug_nl_put_u64(skb, MEMPLUG_A_EVENT_SEQ, ev->seq,
			       MEMPLUG_A_EVENT_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_EVENT_TIME_NS, ev->time_ns,
			       MEMPLUG_A_EVENT_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_EVENT_REALTIME_NS,
			       ev->realtime_ns, MEMPLUG_A_EVENT_PAD) ||
	    nla_put_u32(skb, MEMPLUG_A_EVENT_ACTION, ev->action) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_EVENT_START_PFN, ev->start_pfn,
			       MEMPLUG_A_EVENT_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_EVENT_NR_PAGES, ev->nr_pages,
			       MEMPLUG_A_EVENT_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_EVENT_START,
			       PFN_PHYS(ev->start_pfn), MEMPLUG_A_EVENT_PAD) ||
	    memplug_nl_put_u64(skb, MEMPLUG_A_EVENT_SIZE,
			       PFN_PHYS(ev->nr_pages), MEMPLUG_A_EVENT_PAD) ||
	    nla_put_u32(skb, MEMPLUG_A_EVENT_BLOCK, ev->block) ||
	    nla_put_s32(skb, MEMPLUG_A_EVENT_NODE, ev->node) ||
	    (ev->zone && nla_put_string(skb, MEMPLUG_A_EVENT_ZONE, ev->zone)) ||
	    (ev->has_range &&
	     nla_put_u32(skb, MEMPLUG_A_EVENT_RANGE_ID, ev->range_id)) ||
	    (ev->veto_errno &&
	     nla_put_s32(skb, MEMPLUG_A_EVENT_VETO_ERRNO, ev->veto_errno)) ||
	    (ev->veto_reason &&
	     nla_put_string(skb, MEMPLUG_A_EVENT_VETO_REASON, ev->veto_reason)) ||
	    (ev->error && nla_put_s32(skb, MEMPLUG_A_EVENT_ERROR, ev->error)) ||
	    (ev->reason &&
	     nla_put_string(skb, MEMPLUG_A_EVENT_REASON, ev->reason)) ||
	    (ev->blocks_total &&
	     (nla_put_u32(skb, MEMPLUG_A_EVENT_BLOCKS_DONE, ev->blocks_done) ||
	      nla_put_u32(skb, MEMPLUG_A_EVENT_BLOCKS_TOTAL,
			  ev->blocks_total)))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Dump position: the next sequence number to send. */
struct memplug_nl_event_ctx {
	u64 next_seq;
	bool started;
	bool checked;
};

/* The dump message and the dump, for memplug_nl_event_dump_one(). */
struct memplug_nl_event_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

/* memplug_event_walk() callback: one event into the dump message. */
static int memplug_nl_event_dump_one(const struct memplug_event *ev,
				     void *arg)
{
	struct memplug_nl_event_dump *d = arg;

	return memplug_nl_event_fill(d->skb, ev, NETLINK_CB(d->cb->skb).portid,
				     d->cb->nlh->nlmsg_seq, NLM_F_MULTI,
				     MEMPLUG_CMD_EVENT_GET);
}

int memplug_nl_event_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct memplug_nl_event_ctx *ctx = (void *)cb->ctx;
	struct memplug_nl_event_dump d = { .skb = skb, .cb = cb };
	struct nlattr *tb[MEMPLUG_A_EVENT_MAX + 1];
	int rc;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));

	rc = memplug_nl_dump_admin(cb, &ctx->checked);
	if (rc)
		return rc;
	if (!ctx->started) {
		rc = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, MEMPLUG_A_EVENT_MAX,
				 memplug_event_get_nl_policy, cb->extack);
		if (rc)
			return rc;
		ctx->started = true;
		ctx->next_seq = tb[MEMPLUG_A_EVENT_SEQ] ?
				nla_get_u64(tb[MEMPLUG_A_EVENT_SEQ]) : 0;
	}
	rc = memplug_event_walk(&ctx->next_seq, memplug_nl_event_dump_one, &d);
	if (rc && !skb->len)
		return rc;
	return skb->len;
}

/*
 * The event sink while the family is registered: multicast one event to the
 * monitor group. Called with memplug_event_lock held, which keeps multicast
 * order equal to sequence order. Loss on a listener's socket shows up there
 * as ENOBUFS; a notification that cannot be built shows as a gap in seq,
 * and the ring has the event.
 */
static void memplug_nl_event_notify(const struct memplug_event *ev)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&memplug_nl_family, &init_net,
				MEMPLUG_NL_MCGRP_MONITOR))
		return;

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
		memplug_event_set_sink(memplug_nl_event_notify);
	return rc;
}

void memplug_nl_exit(void)
{
	/* The notifier still runs; its events must not reach a stale group. */
	memplug_event_set_sink(NULL);
	genl_unregister_family(&memplug_nl_family);
}
