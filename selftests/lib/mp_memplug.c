// SPDX-License-Identifier: GPL-2.0
/*
 * mp_memplug: the memplug generic netlink protocol for the selftests.
 */
#include <errno.h>
#include <string.h>

#include "mp_memplug.h"

int mp_open(struct mp_ctx *c)
{
	struct mp_ack ack;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = mp_sock_open(&c->sock);
	if (rc)
		return rc;
	rc = mp_family_get(&c->sock, MEMPLUG_FAMILY_NAME, &c->fam, &ack);
	if (rc) {
		if (!ack.local)
			mp_seterr("resolving family \"%s\": %s%s%s",
				  MEMPLUG_FAMILY_NAME, strerror(-rc),
				  ack.has_msg ? ": " : "", ack.msg);
		mp_sock_close(&c->sock);
		return rc;
	}
	return 0;
}

void mp_close(struct mp_ctx *c)
{
	mp_sock_close(&c->sock);
}

void mp_req_init(const struct mp_ctx *c, struct mp_msg *m, uint8_t cmd,
		 bool dump)
{
	mp_msg_init(m, c->fam.id,
		    NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK), cmd,
		    MEMPLUG_FAMILY_VERSION);
}

void mp_status_decode(const struct nlmsghdr *nlh, struct mp_status *st)
{
	const struct nlattr *tb[MEMPLUG_A_STATUS_MAX + 1];
	int i;

	memset(st, 0, sizeof(*st));
	mp_genl_parse(nlh, tb, MEMPLUG_A_STATUS_MAX);
	for (i = 1; i <= MEMPLUG_A_STATUS_MAX; i++)
		if (tb[i])
			st->nattrs++;
	if (tb[MEMPLUG_A_STATUS_VERSION])
		mp_attr_str(tb[MEMPLUG_A_STATUS_VERSION], st->version,
			    sizeof(st->version));
	if (tb[MEMPLUG_A_STATUS_BLOCK_SIZE]) {
		st->has_block_size = true;
		st->block_size = mp_attr_u64(tb[MEMPLUG_A_STATUS_BLOCK_SIZE]);
	}
	if (tb[MEMPLUG_A_STATUS_PLUGGABLE_START] ||
	    tb[MEMPLUG_A_STATUS_PLUGGABLE_END])
		st->has_pluggable = true;
	if (tb[MEMPLUG_A_STATUS_PLUGGABLE_START])
		st->pluggable_start =
			mp_attr_u64(tb[MEMPLUG_A_STATUS_PLUGGABLE_START]);
	if (tb[MEMPLUG_A_STATUS_PLUGGABLE_END])
		st->pluggable_end =
			mp_attr_u64(tb[MEMPLUG_A_STATUS_PLUGGABLE_END]);
	if (tb[MEMPLUG_A_STATUS_ONLINE_CB]) {
		st->has_online_cb = true;
		st->online_cb = mp_attr_u32(tb[MEMPLUG_A_STATUS_ONLINE_CB]);
	}
	if (tb[MEMPLUG_A_STATUS_ONLINE_CB_REASON]) {
		st->has_online_cb_reason = true;
		mp_attr_str(tb[MEMPLUG_A_STATUS_ONLINE_CB_REASON],
			    st->online_cb_reason, sizeof(st->online_cb_reason));
	}
	if (tb[MEMPLUG_A_STATUS_ONLINE_CB_RANGES]) {
		st->has_online_cb_ranges = true;
		st->online_cb_ranges =
			mp_attr_u32(tb[MEMPLUG_A_STATUS_ONLINE_CB_RANGES]);
	}
	if (tb[MEMPLUG_A_STATUS_RANGES]) {
		st->has_ranges = true;
		st->ranges = mp_attr_u32(tb[MEMPLUG_A_STATUS_RANGES]);
	}
	if (tb[MEMPLUG_A_STATUS_PLUGGED_BYTES])
		st->plugged_bytes = mp_attr_u64(tb[MEMPLUG_A_STATUS_PLUGGED_BYTES]);
	if (tb[MEMPLUG_A_STATUS_PLUGS])
		st->plugs = mp_attr_u64(tb[MEMPLUG_A_STATUS_PLUGS]);
	if (tb[MEMPLUG_A_STATUS_UNPLUGS])
		st->unplugs = mp_attr_u64(tb[MEMPLUG_A_STATUS_UNPLUGS]);
	if (tb[MEMPLUG_A_STATUS_PLUG_FAILURES])
		st->plug_failures = mp_attr_u64(tb[MEMPLUG_A_STATUS_PLUG_FAILURES]);
	if (tb[MEMPLUG_A_STATUS_UNPLUG_FAILURES])
		st->unplug_failures =
			mp_attr_u64(tb[MEMPLUG_A_STATUS_UNPLUG_FAILURES]);
	if (tb[MEMPLUG_A_STATUS_VETOES])
		st->vetoes = mp_attr_u64(tb[MEMPLUG_A_STATUS_VETOES]);
	if (tb[MEMPLUG_A_STATUS_EVENT_SEQ])
		st->event_seq = mp_attr_u64(tb[MEMPLUG_A_STATUS_EVENT_SEQ]);
	if (tb[MEMPLUG_A_STATUS_EVENT_OLDEST])
		st->event_oldest = mp_attr_u64(tb[MEMPLUG_A_STATUS_EVENT_OLDEST]);
	if (tb[MEMPLUG_A_STATUS_EVENT_RING_SIZE])
		st->event_ring_size =
			mp_attr_u32(tb[MEMPLUG_A_STATUS_EVENT_RING_SIZE]);
	if (tb[MEMPLUG_A_STATUS_OBJECTS]) {
		st->has_objects = true;
		st->objects = mp_attr_u32(tb[MEMPLUG_A_STATUS_OBJECTS]);
	}
	st->kdump = tb[MEMPLUG_A_STATUS_KDUMP];
}

/* EXCLUDE repeats, so tb[] of mp_genl_parse() holds only the last one. */
static void mp_range_decode_excl(const struct nlmsghdr *nlh, struct mp_range *r)
{
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;
	const struct nlattr *a;

	if (nlh->nlmsg_len < hdr)
		return;
	mp_attr_for_each(a, (const char *)nlh + hdr, nlh->nlmsg_len - hdr) {
		const struct nlattr *tb[MEMPLUG_A_EXCLUDE_MAX + 1];

		if ((a->nla_type & NLA_TYPE_MASK) != MEMPLUG_A_RANGE_EXCLUDE ||
		    r->nr_excl == (int)MP_ARRAY_SIZE(r->excl))
			continue;
		mp_attr_parse(mp_attr_data(a), mp_attr_len(a), tb,
			      MEMPLUG_A_EXCLUDE_MAX);
		if (tb[MEMPLUG_A_EXCLUDE_START])
			r->excl[r->nr_excl].start =
				mp_attr_u64(tb[MEMPLUG_A_EXCLUDE_START]);
		if (tb[MEMPLUG_A_EXCLUDE_SIZE])
			r->excl[r->nr_excl].size =
				mp_attr_u64(tb[MEMPLUG_A_EXCLUDE_SIZE]);
		r->nr_excl++;
	}
}

void mp_range_decode(const struct nlmsghdr *nlh, struct mp_range *r)
{
	const struct nlattr *tb[MEMPLUG_A_RANGE_MAX + 1];

	memset(r, 0, sizeof(*r));
	mp_genl_parse(nlh, tb, MEMPLUG_A_RANGE_MAX);
	if (tb[MEMPLUG_A_RANGE_ID])
		r->id = mp_attr_u32(tb[MEMPLUG_A_RANGE_ID]);
	if (tb[MEMPLUG_A_RANGE_START])
		r->start = mp_attr_u64(tb[MEMPLUG_A_RANGE_START]);
	if (tb[MEMPLUG_A_RANGE_SIZE])
		r->size = mp_attr_u64(tb[MEMPLUG_A_RANGE_SIZE]);
	if (tb[MEMPLUG_A_RANGE_NODE]) {
		r->has_node = true;
		r->node = mp_attr_u32(tb[MEMPLUG_A_RANGE_NODE]);
	}
	if (tb[MEMPLUG_A_RANGE_NAME])
		mp_attr_str(tb[MEMPLUG_A_RANGE_NAME], r->name, sizeof(r->name));
	if (tb[MEMPLUG_A_RANGE_STATE])
		r->state = mp_attr_u32(tb[MEMPLUG_A_RANGE_STATE]);
	if (tb[MEMPLUG_A_RANGE_ZONE_POLICY])
		r->zone_policy = mp_attr_u32(tb[MEMPLUG_A_RANGE_ZONE_POLICY]);
	if (tb[MEMPLUG_A_RANGE_PROTECT]) {
		r->has_protect = true;
		r->protect = mp_attr_u8(tb[MEMPLUG_A_RANGE_PROTECT]);
	}
	r->verify = tb[MEMPLUG_A_RANGE_VERIFY];
	if (tb[MEMPLUG_A_RANGE_GROUP_ID]) {
		r->has_group_id = true;
		r->group_id = mp_attr_u32(tb[MEMPLUG_A_RANGE_GROUP_ID]);
	}
	if (tb[MEMPLUG_A_RANGE_BLOCKS])
		r->blocks = mp_attr_u32(tb[MEMPLUG_A_RANGE_BLOCKS]);
	if (tb[MEMPLUG_A_RANGE_BLOCKS_ONLINE]) {
		r->has_blocks_online = true;
		r->blocks_online = mp_attr_u32(tb[MEMPLUG_A_RANGE_BLOCKS_ONLINE]);
	}
	if (tb[MEMPLUG_A_RANGE_PAGES_ONLINE])
		r->pages_online = mp_attr_u64(tb[MEMPLUG_A_RANGE_PAGES_ONLINE]);
	if (tb[MEMPLUG_A_RANGE_PAGES_EXCLUDED])
		r->pages_excluded =
			mp_attr_u64(tb[MEMPLUG_A_RANGE_PAGES_EXCLUDED]);
	if (tb[MEMPLUG_A_RANGE_ADD_NS])
		r->add_ns = mp_attr_u64(tb[MEMPLUG_A_RANGE_ADD_NS]);
	if (tb[MEMPLUG_A_RANGE_REMOVE_NS]) {
		r->has_remove_ns = true;
		r->remove_ns = mp_attr_u64(tb[MEMPLUG_A_RANGE_REMOVE_NS]);
	}
	if (tb[MEMPLUG_A_RANGE_FAIL_BLOCK]) {
		r->has_fail_block = true;
		r->fail_block = mp_attr_u32(tb[MEMPLUG_A_RANGE_FAIL_BLOCK]);
	}
	if (tb[MEMPLUG_A_RANGE_FAIL_ERRNO]) {
		r->has_fail_errno = true;
		r->fail_errno = (int32_t)mp_attr_u32(tb[MEMPLUG_A_RANGE_FAIL_ERRNO]);
	}
	if (tb[MEMPLUG_A_RANGE_PAGES_VERIFIED])
		r->pages_verified =
			mp_attr_u64(tb[MEMPLUG_A_RANGE_PAGES_VERIFIED]);
	if (tb[MEMPLUG_A_RANGE_PAGES_BAD])
		r->pages_bad = mp_attr_u64(tb[MEMPLUG_A_RANGE_PAGES_BAD]);
	r->defer_online = tb[MEMPLUG_A_RANGE_DEFER_ONLINE];
	if (tb[MEMPLUG_A_RANGE_BLOCKS_PRESENT]) {
		r->has_blocks_present = true;
		r->blocks_present =
			mp_attr_u32(tb[MEMPLUG_A_RANGE_BLOCKS_PRESENT]);
	}
	if (tb[MEMPLUG_A_RANGE_ROLLBACK_ATTEMPTS])
		r->rollback_attempts =
			mp_attr_u32(tb[MEMPLUG_A_RANGE_ROLLBACK_ATTEMPTS]);
	if (tb[MEMPLUG_A_RANGE_ONLINE_NS])
		r->online_ns = mp_attr_u64(tb[MEMPLUG_A_RANGE_ONLINE_NS]);
	if (tb[MEMPLUG_A_RANGE_OFFLINE_NS])
		r->offline_ns = mp_attr_u64(tb[MEMPLUG_A_RANGE_OFFLINE_NS]);
	mp_range_decode_excl(nlh, r);
}

static void mp_block_decode(const struct nlmsghdr *nlh, struct mp_block *b)
{
	const struct nlattr *tb[MEMPLUG_A_BLOCK_MAX + 1];

	memset(b, 0, sizeof(*b));
	mp_genl_parse(nlh, tb, MEMPLUG_A_BLOCK_MAX);
	if (tb[MEMPLUG_A_BLOCK_ID])
		b->id = mp_attr_u32(tb[MEMPLUG_A_BLOCK_ID]);
	if (tb[MEMPLUG_A_BLOCK_RANGE_ID])
		b->range_id = mp_attr_u32(tb[MEMPLUG_A_BLOCK_RANGE_ID]);
	if (tb[MEMPLUG_A_BLOCK_START])
		b->start = mp_attr_u64(tb[MEMPLUG_A_BLOCK_START]);
	if (tb[MEMPLUG_A_BLOCK_SIZE])
		b->size = mp_attr_u64(tb[MEMPLUG_A_BLOCK_SIZE]);
	if (tb[MEMPLUG_A_BLOCK_STATE])
		b->state = mp_attr_u32(tb[MEMPLUG_A_BLOCK_STATE]);
	if (tb[MEMPLUG_A_BLOCK_ZONE]) {
		b->has_zone = true;
		mp_attr_str(tb[MEMPLUG_A_BLOCK_ZONE], b->zone, sizeof(b->zone));
	}
	if (tb[MEMPLUG_A_BLOCK_NODE]) {
		b->has_node = true;
		b->node = mp_attr_u32(tb[MEMPLUG_A_BLOCK_NODE]);
	}
}

struct mp_one_ctx {
	void *out;
	int count;
};

static int mp_status_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct mp_one_ctx *ctx = arg;

	if (!ctx->count++ && ctx->out)
		mp_status_decode(nlh, ctx->out);
	return 0;
}

int mp_transact_status(struct mp_sock *s, struct mp_msg *m,
		       struct mp_status *st, struct mp_ack *ack)
{
	struct mp_one_ctx ctx = { .out = st };
	int rc;

	rc = mp_transact(s, m, mp_status_cb, &ctx, ack);
	if (!rc && ctx.count != 1) {
		mp_seterr("STATUS_GET: %d replies instead of one", ctx.count);
		return -EPROTO;
	}
	return rc;
}

int mp_status_get(struct mp_ctx *c, struct mp_status *st, struct mp_ack *ack)
{
	struct mp_msg m;

	mp_req_init(c, &m, MEMPLUG_CMD_STATUS_GET, false);
	return mp_transact_status(&c->sock, &m, st, ack);
}

static int mp_range_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct mp_one_ctx *ctx = arg;

	if (!ctx->count++ && ctx->out)
		mp_range_decode(nlh, ctx->out);
	return 0;
}

int mp_transact_range(struct mp_ctx *c, struct mp_msg *m, struct mp_range *out,
		      struct mp_ack *ack)
{
	struct mp_one_ctx ctx = { .out = out };
	int rc;

	if (out)
		memset(out, 0, sizeof(*out));
	rc = mp_transact(&c->sock, m, mp_range_cb, &ctx, ack);
	if (!rc && ctx.count != 1) {
		mp_seterr("%d range replies instead of one", ctx.count);
		return -EPROTO;
	}
	return rc;
}

int mp_range_add(struct mp_ctx *c, uint64_t start, uint64_t size,
		 const struct mp_add_opts *opts, struct mp_range *out,
		 struct mp_ack *ack)
{
	struct mp_msg m;

	mp_req_init(c, &m, MEMPLUG_CMD_RANGE_ADD, false);
	mp_put_u64(&m, MEMPLUG_A_RANGE_START, start);
	mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, size);
	if (opts && mp_add_opts_put(&m, opts)) {
		if (ack) {
			memset(ack, 0, sizeof(*ack));
			ack->local = true;
			ack->error = -EMSGSIZE;
		}
		return -EMSGSIZE;
	}
	return mp_transact_range(c, &m, out, ack);
}

int mp_add_opts_put(struct mp_msg *m, const struct mp_add_opts *opts)
{
	bool ok = true;
	int i;

	if (opts->has_node)
		ok &= !!mp_put_u32(m, MEMPLUG_A_RANGE_NODE, opts->node);
	if (opts->name)
		ok &= !!mp_put_str(m, MEMPLUG_A_RANGE_NAME, opts->name);
	if (opts->zone_policy)
		ok &= !!mp_put_u32(m, MEMPLUG_A_RANGE_ZONE_POLICY,
				   opts->zone_policy);
	if (opts->protect)
		ok &= !!mp_put_u8(m, MEMPLUG_A_RANGE_PROTECT, 1);
	if (opts->verify)
		ok &= !!mp_put_flag(m, MEMPLUG_A_RANGE_VERIFY);
	if (opts->defer_online)
		ok &= !!mp_put_flag(m, MEMPLUG_A_RANGE_DEFER_ONLINE);
	if (opts->memmap_on_memory)
		ok &= !!mp_put_flag(m, MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY);
	if (opts->force)
		ok &= !!mp_put_flag(m, MEMPLUG_A_RANGE_FORCE);
	for (i = 0; ok && i < opts->nr_excl; i++) {
		struct nlattr *nest = mp_nest_start(m, MEMPLUG_A_RANGE_EXCLUDE);

		ok = nest &&
		     mp_put_u64(m, MEMPLUG_A_EXCLUDE_START, opts->excl[i].start) &&
		     mp_put_u64(m, MEMPLUG_A_EXCLUDE_SIZE, opts->excl[i].size);
		if (ok)
			mp_nest_end(m, nest);
	}
	return ok ? 0 : -EMSGSIZE;
}

static int mp_range_id_req(struct mp_ctx *c, uint8_t cmd, uint32_t id,
			   struct mp_range *out, struct mp_ack *ack)
{
	struct mp_msg m;

	mp_req_init(c, &m, cmd, false);
	mp_put_u32(&m, MEMPLUG_A_RANGE_ID, id);
	return mp_transact_range(c, &m, out, ack);
}

int mp_range_del(struct mp_ctx *c, uint32_t id, struct mp_range *out,
		 struct mp_ack *ack)
{
	return mp_range_id_req(c, MEMPLUG_CMD_RANGE_DEL, id, out, ack);
}

int mp_range_get(struct mp_ctx *c, uint32_t id, struct mp_range *out,
		 struct mp_ack *ack)
{
	return mp_range_id_req(c, MEMPLUG_CMD_RANGE_GET, id, out, ack);
}

int mp_range_cancel(struct mp_ctx *c, uint32_t id, struct mp_range *out,
		    struct mp_ack *ack)
{
	return mp_range_id_req(c, MEMPLUG_CMD_RANGE_CANCEL, id, out, ack);
}

int mp_range_set(struct mp_ctx *c, uint32_t id, int protect,
		 uint32_t zone_policy, struct mp_range *out, struct mp_ack *ack)
{
	struct mp_msg m;

	mp_req_init(c, &m, MEMPLUG_CMD_RANGE_SET, false);
	mp_put_u32(&m, MEMPLUG_A_RANGE_ID, id);
	if (protect >= 0)
		mp_put_u8(&m, MEMPLUG_A_RANGE_PROTECT, protect);
	if (zone_policy)
		mp_put_u32(&m, MEMPLUG_A_RANGE_ZONE_POLICY, zone_policy);
	return mp_transact_range(c, &m, out, ack);
}

struct mp_many_ctx {
	void *out;
	size_t elem;
	int max;
	int n;
	bool block;
};

static int mp_many_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct mp_many_ctx *ctx = arg;
	void *slot;

	if (ctx->n >= ctx->max) {
		ctx->n++;
		return 0;
	}
	slot = (char *)ctx->out + ctx->elem * ctx->n++;
	if (ctx->block)
		mp_block_decode(nlh, slot);
	else
		mp_range_decode(nlh, slot);
	return 0;
}

int mp_range_dump(struct mp_ctx *c, struct mp_range *out, int max, int *n,
		  struct mp_ack *ack)
{
	struct mp_many_ctx ctx = { out, sizeof(*out), max, 0, false };
	struct mp_msg m;
	int rc;

	mp_req_init(c, &m, MEMPLUG_CMD_RANGE_GET, true);
	rc = mp_transact(&c->sock, &m, mp_many_cb, &ctx, ack);
	*n = ctx.n;
	if (!rc && ctx.n > max) {
		mp_seterr("range dump: %d ranges, room for %d", ctx.n, max);
		return -E2BIG;
	}
	return rc;
}

int mp_block_dump(struct mp_ctx *c, uint32_t range_id, struct mp_block *out,
		  int max, int *n, struct mp_ack *ack)
{
	struct mp_many_ctx ctx = { out, sizeof(*out), max, 0, true };
	struct mp_msg m;
	int rc;

	mp_req_init(c, &m, MEMPLUG_CMD_BLOCK_GET, true);
	if (range_id)
		mp_put_u32(&m, MEMPLUG_A_BLOCK_RANGE_ID, range_id);
	rc = mp_transact(&c->sock, &m, mp_many_cb, &ctx, ack);
	*n = ctx.n;
	if (!rc && ctx.n > max) {
		mp_seterr("block dump: %d blocks, room for %d", ctx.n, max);
		return -E2BIG;
	}
	return rc;
}

const char *mp_range_state_name(uint32_t state)
{
	switch (state) {
	case MEMPLUG_RANGE_STATE_PLUGGING:
		return "plugging";
	case MEMPLUG_RANGE_STATE_PLUGGED:
		return "plugged";
	case MEMPLUG_RANGE_STATE_UNPLUGGING:
		return "unplugging";
	case MEMPLUG_RANGE_STATE_FAILED:
		return "failed";
	default:
		return "?";
	}
}
