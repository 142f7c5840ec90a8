// SPDX-License-Identifier: GPL-2.0
/*
 * mp_memplug: the memplug generic netlink protocol for the selftests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_event.h"
#include "mp_memplug.h"
#include "mp_run.h"

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

static const struct mp_field mp_memtype_field[] = {
	MP_FIELD(struct mp_memtype, MEMPLUG_A_MEMTYPE_NODE, node),
	MP_FIELD(struct mp_memtype, MEMPLUG_A_MEMTYPE_ADISTANCE, adistance),
	MP_FIELD(struct mp_memtype, MEMPLUG_A_MEMTYPE_RANGES, ranges),
};

static const struct mp_fields mp_memtype_fields =
	MP_FIELDS(MP_PROTO_SET_MEMTYPE, mp_memtype_field);

#define ST(a, fld) MP_FIELD(struct mp_status, a, fld)
#define ST_HAS(a, fld, hs) MP_FIELD_HAS(struct mp_status, a, fld, hs)
static const struct mp_field mp_status_field[] = {
	ST(MEMPLUG_A_STATUS_VERSION, version),
	ST_HAS(MEMPLUG_A_STATUS_BLOCK_SIZE, block_size, has_block_size),
	ST_HAS(MEMPLUG_A_STATUS_PLUGGABLE_START, pluggable_start,
	       has_pluggable),
	ST_HAS(MEMPLUG_A_STATUS_PLUGGABLE_END, pluggable_end, has_pluggable),
	ST_HAS(MEMPLUG_A_STATUS_ONLINE_CB, online_cb, has_online_cb),
	ST_HAS(MEMPLUG_A_STATUS_ONLINE_CB_REASON, online_cb_reason,
	       has_online_cb_reason),
	ST_HAS(MEMPLUG_A_STATUS_ONLINE_CB_RANGES, online_cb_ranges,
	       has_online_cb_ranges),
	ST_HAS(MEMPLUG_A_STATUS_RANGES, ranges, has_ranges),
	ST(MEMPLUG_A_STATUS_PLUGGED_BYTES, plugged_bytes),
	ST(MEMPLUG_A_STATUS_PLUGS, plugs),
	ST(MEMPLUG_A_STATUS_UNPLUGS, unplugs),
	ST(MEMPLUG_A_STATUS_PLUG_FAILURES, plug_failures),
	ST(MEMPLUG_A_STATUS_UNPLUG_FAILURES, unplug_failures),
	ST(MEMPLUG_A_STATUS_VETOES, vetoes),
	ST(MEMPLUG_A_STATUS_EVENT_SEQ, event_seq),
	ST(MEMPLUG_A_STATUS_EVENT_OLDEST, event_oldest),
	ST(MEMPLUG_A_STATUS_EVENT_RING_SIZE, event_ring_size),
	ST_HAS(MEMPLUG_A_STATUS_OBJECTS, objects, has_objects),
	ST(MEMPLUG_A_STATUS_KDUMP, kdump),
	MP_FIELD_NESTS(struct mp_status, MEMPLUG_A_STATUS_MEMTYPE, memtypes,
		       nr_memtypes, &mp_memtype_fields),
};

MP_SPEC_DECODER(mp_status_decode, struct mp_status, MP_PROTO_SET_STATUS,
		mp_status_field)

static const struct mp_field mp_excl_field[] = {
	MP_FIELD(struct mp_excl, MEMPLUG_A_EXCLUDE_START, start),
	MP_FIELD(struct mp_excl, MEMPLUG_A_EXCLUDE_SIZE, size),
};

static const struct mp_fields mp_excl_fields =
	MP_FIELDS(MP_PROTO_SET_EXCLUDE, mp_excl_field);

#define RG(a, fld) MP_FIELD(struct mp_range, a, fld)
#define RG_HAS(a, fld, hs) MP_FIELD_HAS(struct mp_range, a, fld, hs)
static const struct mp_field mp_range_field[] = {
	RG(MEMPLUG_A_RANGE_ID, id),
	RG(MEMPLUG_A_RANGE_START, start),
	RG(MEMPLUG_A_RANGE_SIZE, size),
	RG_HAS(MEMPLUG_A_RANGE_NODE, node, has_node),
	RG(MEMPLUG_A_RANGE_NAME, name),
	RG(MEMPLUG_A_RANGE_STATE, state),
	RG(MEMPLUG_A_RANGE_ZONE_POLICY, zone_policy),
	RG_HAS(MEMPLUG_A_RANGE_PROTECT, protect, has_protect),
	RG(MEMPLUG_A_RANGE_VERIFY, verify),
	RG_HAS(MEMPLUG_A_RANGE_GROUP_ID, group_id, has_group_id),
	RG(MEMPLUG_A_RANGE_BLOCKS, blocks),
	RG_HAS(MEMPLUG_A_RANGE_BLOCKS_ONLINE, blocks_online,
	       has_blocks_online),
	RG(MEMPLUG_A_RANGE_PAGES_ONLINE, pages_online),
	RG(MEMPLUG_A_RANGE_PAGES_EXCLUDED, pages_excluded),
	RG(MEMPLUG_A_RANGE_ADD_NS, add_ns),
	RG_HAS(MEMPLUG_A_RANGE_REMOVE_NS, remove_ns, has_remove_ns),
	RG_HAS(MEMPLUG_A_RANGE_FAIL_BLOCK, fail_block, has_fail_block),
	RG_HAS(MEMPLUG_A_RANGE_FAIL_ERRNO, fail_errno, has_fail_errno),
	RG(MEMPLUG_A_RANGE_PAGES_VERIFIED, pages_verified),
	RG(MEMPLUG_A_RANGE_PAGES_BAD, pages_bad),
	RG(MEMPLUG_A_RANGE_DEFER_ONLINE, defer_online),
	RG_HAS(MEMPLUG_A_RANGE_BLOCKS_PRESENT, blocks_present,
	       has_blocks_present),
	RG(MEMPLUG_A_RANGE_ROLLBACK_ATTEMPTS, rollback_attempts),
	RG(MEMPLUG_A_RANGE_PLUGGED_BY, plugged_by),
	RG_HAS(MEMPLUG_A_RANGE_FAIL_REASON, fail_reason, has_fail_reason),
	RG_HAS(MEMPLUG_A_RANGE_BLOCKS_DONE, blocks_done, has_blocks_done),
	RG(MEMPLUG_A_RANGE_BYTES_DONE, bytes_done),
	RG(MEMPLUG_A_RANGE_ONLINE_NS, online_ns),
	RG(MEMPLUG_A_RANGE_OFFLINE_NS, offline_ns),
	RG(MEMPLUG_A_RANGE_TIER, tier),
	RG_HAS(MEMPLUG_A_RANGE_ADISTANCE, adistance, has_adistance),
	MP_FIELD_NESTS(struct mp_range, MEMPLUG_A_RANGE_EXCLUDE, excl, nr_excl,
		       &mp_excl_fields),
};

MP_SPEC_DECODER(mp_range_decode, struct mp_range, MP_PROTO_SET_RANGE,
		mp_range_field)

#define BL(a, fld) MP_FIELD(struct mp_block, a, fld)
static const struct mp_field mp_block_field[] = {
	BL(MEMPLUG_A_BLOCK_ID, id),
	BL(MEMPLUG_A_BLOCK_RANGE_ID, range_id),
	BL(MEMPLUG_A_BLOCK_START, start),
	BL(MEMPLUG_A_BLOCK_SIZE, size),
	BL(MEMPLUG_A_BLOCK_STATE, state),
	MP_FIELD_HAS(struct mp_block, MEMPLUG_A_BLOCK_ZONE, zone, has_zone),
	MP_FIELD_HAS(struct mp_block, MEMPLUG_A_BLOCK_NODE, node, has_node),
};

MP_SPEC_DECODER(mp_block_decode, struct mp_block, MP_PROTO_SET_BLOCK,
		mp_block_field)

struct mp_one_ctx {
	void *out;
	int count;
};

/* Every reply is decoded, so that each is checked against the spec. */
static int mp_status_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct mp_one_ctx *ctx = arg;
	struct mp_status st;

	return mp_status_decode(nlh, !ctx->count++ && ctx->out ? ctx->out :
						   &st);
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
	struct mp_range r;

	return mp_range_decode(nlh, !ctx->count++ && ctx->out ? ctx->out :
						  &r);
}

/* How long a plug or unplug may take before the wait gives up. */
#define MP_AWAIT_MS (900 * 1000)
/* Events read from the ring per EVENT_GET. */
#define MP_AWAIT_BATCH 64

/* The outcome event of @id in @ev, if it is one; then *@rc is set. */
static bool mp_await_outcome(const struct mp_event *ev, uint32_t id, bool add,
			     int *rc, struct mp_ack *ack)
{
	uint32_t ok = add ? MEMPLUG_EVENT_PLUG : MEMPLUG_EVENT_UNPLUG;
	uint32_t failed = add ? MEMPLUG_EVENT_PLUG_FAILED :
				MEMPLUG_EVENT_UNPLUG_FAILED;

	if (!ev->has_range_id || ev->range_id != id ||
	    (ev->action != ok && ev->action != failed))
		return false;
	*rc = 0;
	if (ev->action == failed) {
		*rc = ev->error ? ev->error : -EIO;
		ack->error = *rc;
		ack->has_msg = true;
		snprintf(ack->msg, sizeof(ack->msg), "%s", ev->reason);
	}
	return true;
}

/* The ring lost the outcome: RANGE_GET says whether the range got there. */
static bool mp_await_by_state(struct mp_ctx *c, uint32_t id, bool add,
			      int *rc, struct mp_ack *ack)
{
	struct mp_range r;
	struct mp_ack get;
	int err = mp_range_get(c, id, &r, &get);

	if (err == -ENOENT) {
		*rc = add ? -EIO : 0;
	} else if (err) {
		*rc = err;
	} else if (add && r.state == MEMPLUG_RANGE_STATE_PLUGGING &&
		   r.blocks_present == r.blocks) {
		*rc = 0;
	} else if (add ? r.state == MEMPLUG_RANGE_STATE_PLUGGED :
			 r.state != MEMPLUG_RANGE_STATE_UNPLUGGING) {
		*rc = add ? 0 : (r.fail_errno ? r.fail_errno : -EIO);
	} else {
		return false;
	}
	if (*rc) {
		ack->error = *rc;
		ack->has_msg = true;
		snprintf(ack->msg, sizeof(ack->msg),
			 "%.200s (outcome lost: the event ring overflowed)",
			 r.fail_reason);
	}
	return true;
}

int mp_range_await(struct mp_ctx *c, uint32_t id, uint64_t from, bool add,
		   struct mp_ack *ack)
{
	struct mp_event *ev = calloc(MP_AWAIT_BATCH, sizeof(*ev));
	int64_t deadline = mp_time_ms() + MP_AWAIT_MS;
	uint64_t next = from;
	unsigned int pause = 1;
	int rc = -ETIMEDOUT, n, i;

	memset(ack, 0, sizeof(*ack));
	ack->local = true;
	if (!ev)
		return -ENOMEM;
	while (mp_time_ms() < deadline) {
		struct mp_ack dump;
		int err = mp_event_dump(c, next, ev, MP_AWAIT_BATCH, &n, &dump);
		bool lost = false;

		if (err && err != -E2BIG) {
			rc = err;
			break;
		}
		n = n < MP_AWAIT_BATCH ? n : MP_AWAIT_BATCH;
		for (i = 0; i < n; i++) {
			if (ev[i].seq > next)
				lost = true;
			next = ev[i].seq + 1;
			if (mp_await_outcome(&ev[i], id, add, &rc, ack))
				goto out;
		}
		if (lost && mp_await_by_state(c, id, add, &rc, ack))
			goto out;
		if (err == -E2BIG)
			continue;
		mp_sleep_ms(pause);
		pause = pause < 16 ? pause * 2 : 16;
	}
	if (rc == -ETIMEDOUT)
		mp_seterr("range %u: no outcome within %d s", id,
			  MP_AWAIT_MS / 1000);
out:
	free(ev);
	if (!rc)
		ack->local = false;
	else if (ack->has_msg)
		ack->local = false;
	return rc;
}

int mp_range_settle(struct mp_ctx *c, uint32_t id, struct mp_range *out)
{
	int64_t deadline = mp_time_ms() + MP_AWAIT_MS;
	struct mp_ack ack;
	int rc;

	for (;;) {
		rc = mp_range_get(c, id, out, &ack);
		if (rc || out->state == MEMPLUG_RANGE_STATE_PLUGGED ||
		    out->state == MEMPLUG_RANGE_STATE_FAILED)
			return rc;
		if (mp_time_ms() > deadline) {
			mp_seterr("range %u: still %s after %d s", id,
				  MP_ENUM_STR(range_state, out->state),
				  MP_AWAIT_MS / 1000);
			return -ETIMEDOUT;
		}
		mp_sleep_ms(5);
	}
}

static int mp_transact_range_once(struct mp_ctx *c, struct mp_msg *m,
				  struct mp_range *out, struct mp_ack *ack)
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

int mp_transact_range(struct mp_ctx *c, struct mp_msg *m, struct mp_range *out,
		      struct mp_ack *ack)
{
	uint8_t cmd = ((struct genlmsghdr *)NLMSG_DATA(&m->nlh))->cmd;
	bool add = cmd == MEMPLUG_CMD_RANGE_ADD;
	struct mp_status st;
	struct mp_range reply;
	struct mp_ack status, none;
	int rc;

	if (!ack)
		ack = &none;
	if (c->nowait || (!add && cmd != MEMPLUG_CMD_RANGE_DEL))
		return mp_transact_range_once(c, m, out, ack);
	/* Where the outcome's event will be: after what is there now. */
	rc = mp_status_get(c, &st, &status);
	if (rc) {
		*ack = status;
		return rc;
	}
	rc = mp_transact_range_once(c, m, &reply, ack);
	if (!rc)
		rc = mp_range_await(c, reply.id, st.event_seq, add, ack);
	if (rc || !out)
		return rc;
	if (!add) {
		*out = reply;
		return 0;
	}
	return mp_range_get(c, reply.id, out, &status);
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
	if (opts->tier)
		ok &= !!mp_put_u32(m, MEMPLUG_A_RANGE_TIER, opts->tier);
	if (opts->adistance)
		ok &= !!mp_put_u32(m, MEMPLUG_A_RANGE_ADISTANCE,
				   opts->adistance);
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
	struct mp_range settled;
	int rc = mp_range_id_req(c, MEMPLUG_CMD_RANGE_CANCEL, id, out, ack);

	if (rc || c->nowait)
		return rc;
	rc = mp_range_settle(c, id, &settled);
	if (!rc && out)
		*out = settled;
	return rc;
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
	union {
		struct mp_block b;
		struct mp_range r;
	} spare;
	void *slot = &spare;

	if (ctx->n < ctx->max)
		slot = (char *)ctx->out + ctx->elem * ctx->n;
	ctx->n++;
	return ctx->block ? mp_block_decode(nlh, slot) :
			    mp_range_decode(nlh, slot);
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
