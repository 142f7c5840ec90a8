// SPDX-License-Identifier: GPL-2.0
/*
 * mp_event: memplug's events for the selftests.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mp_event.h"

#define EV(a, fld) MP_FIELD(struct mp_event, a, fld)
#define EV_HAS(a, fld, hs) MP_FIELD_HAS(struct mp_event, a, fld, hs)
static const struct mp_field mp_event_field[] = {
	EV_HAS(MEMPLUG_A_EVENT_SEQ, seq, has_seq),
	EV(MEMPLUG_A_EVENT_TIME_NS, time_ns),
	EV(MEMPLUG_A_EVENT_REALTIME_NS, realtime_ns),
	EV(MEMPLUG_A_EVENT_ACTION, action),
	EV(MEMPLUG_A_EVENT_START_PFN, start_pfn),
	EV(MEMPLUG_A_EVENT_NR_PAGES, nr_pages),
	EV(MEMPLUG_A_EVENT_START, start),
	EV(MEMPLUG_A_EVENT_SIZE, size),
	EV(MEMPLUG_A_EVENT_BLOCK, block),
	EV_HAS(MEMPLUG_A_EVENT_NODE, node, has_node),
	EV_HAS(MEMPLUG_A_EVENT_ZONE, zone, has_zone),
	EV(MEMPLUG_A_EVENT_STATUS_CHANGE_NID, status_change_nid),
	EV(MEMPLUG_A_EVENT_STATUS_CHANGE_NID_NORMAL, status_change_nid_normal),
	EV_HAS(MEMPLUG_A_EVENT_RANGE_ID, range_id, has_range_id),
	EV_HAS(MEMPLUG_A_EVENT_VETO_ERRNO, veto_errno, has_veto_errno),
	EV_HAS(MEMPLUG_A_EVENT_VETO_REASON, veto_reason, has_veto_reason),
	EV_HAS(MEMPLUG_A_EVENT_ERROR, error, has_error),
	EV(MEMPLUG_A_EVENT_REASON, reason),
	EV_HAS(MEMPLUG_A_EVENT_BLOCKS_DONE, blocks_done, has_blocks_done),
	EV(MEMPLUG_A_EVENT_BLOCKS_TOTAL, blocks_total),
};

static MP_SPEC_DECODER(mp_event_decode_attrs, struct mp_event,
		       MP_PROTO_SET_EVENT, mp_event_field)

int mp_event_decode(const struct nlmsghdr *nlh, struct mp_event *ev)
{
	int rc = mp_event_decode_attrs(nlh, ev);

	if (nlh->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN)
		ev->cmd = ((const struct genlmsghdr *)NLMSG_DATA(nlh))->cmd;
	return rc;
}

void mp_event_format(const struct mp_event *ev, char *buf, size_t len)
{
	char range[32] = "-", veto[320] = "", more[320] = "";

	if (ev->has_range_id)
		snprintf(range, sizeof(range), "%u", ev->range_id);
	if (ev->has_veto_errno || ev->has_veto_reason)
		snprintf(veto, sizeof(veto), " veto %d '%s'", ev->veto_errno,
			 ev->veto_reason);
	if (ev->has_error)
		snprintf(more, sizeof(more), " error %d '%s'", ev->error,
			 ev->reason);
	else if (ev->has_blocks_done)
		snprintf(more, sizeof(more), " done %u/%u", ev->blocks_done,
			 ev->blocks_total);
	snprintf(buf, len,
		 "seq %" PRIu64 " %s block %u 0x%" PRIx64 "+0x%" PRIx64
		 " pfn %" PRIu64 "+%" PRIu64 " node %d zone %s range %s%s%s",
		 ev->seq, MP_ENUM_STR(event_action, ev->action), ev->block,
		 ev->start, ev->size, ev->start_pfn, ev->nr_pages, ev->node,
		 ev->has_zone ? ev->zone : "-", range, veto, more);
}

bool mp_event_same(const struct mp_event *a, const struct mp_event *b,
		   char *why, size_t len)
{
#define MP_EV_FIELD(f)                                                        \
	do {                                                                  \
		if (a->f != b->f) {                                           \
			snprintf(why, len, "%s differs", #f);                 \
			return false;                                         \
		}                                                             \
	} while (0)
	MP_EV_FIELD(has_seq);
	MP_EV_FIELD(seq);
	MP_EV_FIELD(time_ns);
	MP_EV_FIELD(realtime_ns);
	MP_EV_FIELD(action);
	MP_EV_FIELD(start_pfn);
	MP_EV_FIELD(nr_pages);
	MP_EV_FIELD(start);
	MP_EV_FIELD(size);
	MP_EV_FIELD(block);
	MP_EV_FIELD(has_node);
	MP_EV_FIELD(node);
	MP_EV_FIELD(has_zone);
	MP_EV_FIELD(status_change_nid);
	MP_EV_FIELD(status_change_nid_normal);
	MP_EV_FIELD(has_range_id);
	MP_EV_FIELD(range_id);
	MP_EV_FIELD(has_veto_errno);
	MP_EV_FIELD(veto_errno);
	MP_EV_FIELD(has_veto_reason);
	MP_EV_FIELD(has_error);
	MP_EV_FIELD(error);
	MP_EV_FIELD(has_blocks_done);
	MP_EV_FIELD(blocks_done);
	MP_EV_FIELD(blocks_total);
#undef MP_EV_FIELD
	if (strcmp(a->zone, b->zone)) {
		snprintf(why, len, "zone '%s' / '%s'", a->zone, b->zone);
		return false;
	}
	if (strcmp(a->veto_reason, b->veto_reason)) {
		snprintf(why, len, "veto_reason differs");
		return false;
	}
	if (strcmp(a->reason, b->reason)) {
		snprintf(why, len, "reason differs");
		return false;
	}
	return true;
}

int mp_event_find(const struct mp_event *ev, int n, int from, uint32_t action,
		  long long block)
{
	int i;

	for (i = from < 0 ? 0 : from; i < n; i++)
		if (ev[i].action == action &&
		    (block < 0 || ev[i].block == (uint64_t)block))
			return i;
	return -1;
}

struct mp_event_dump_ctx {
	struct mp_event *out;
	int max;
	int n;
};

static int mp_event_dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct mp_event_dump_ctx *ctx = arg;
	struct mp_event *ev, spare;

	ev = ctx->n < ctx->max ? &ctx->out[ctx->n] : &spare;
	ctx->n++;
	return mp_event_decode(nlh, ev);
}

int mp_event_dump(struct mp_ctx *c, uint64_t seq, struct mp_event *out,
		  int max, int *n, struct mp_ack *ack)
{
	struct mp_event_dump_ctx ctx = { out, max, 0 };
	struct mp_msg m;
	int rc;

	mp_req_init(c, &m, MEMPLUG_CMD_EVENT_GET, true);
	if (seq)
		mp_put_u64(&m, MEMPLUG_A_EVENT_SEQ, seq);
	rc = mp_transact(&c->sock, &m, mp_event_dump_cb, &ctx, ack);
	*n = ctx.n;
	if (!rc && ctx.n > max) {
		mp_seterr("event dump: %d events, room for %d", ctx.n, max);
		return -E2BIG;
	}
	return rc;
}

int mp_monitor_open(struct mp_monitor *m, const struct mp_family *fam,
		    int rcvbuf, bool no_enobufs)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	int one = 1, rc;

	m->len = m->off = 0;
	m->grp = mp_family_grp(fam, MEMPLUG_MCGRP_MONITOR);
	if (!m->grp) {
		mp_seterr("family has no \"%s\" group", MEMPLUG_MCGRP_MONITOR);
		m->fd = -1;
		return -ENOENT;
	}
	m->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (m->fd < 0) {
		rc = -errno;
		mp_seterr("socket(AF_NETLINK): %s", strerror(errno));
		return rc;
	}
	if (rcvbuf > 0 && setsockopt(m->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				     sizeof(rcvbuf))) {
		rc = -errno;
		mp_seterr("SO_RCVBUF %d: %s", rcvbuf, strerror(errno));
		goto out_close;
	}
	if (no_enobufs && setsockopt(m->fd, SOL_NETLINK, NETLINK_NO_ENOBUFS,
				     &one, sizeof(one))) {
		rc = -errno;
		mp_seterr("NETLINK_NO_ENOBUFS: %s", strerror(errno));
		goto out_close;
	}
	/*
	 * Multicasts are sent "from" port 0 and skip the socket with that
	 * port id, which an unbound socket has: bind to get a port.
	 */
	if (bind(m->fd, (struct sockaddr *)&local, sizeof(local))) {
		rc = -errno;
		mp_seterr("netlink bind: %s", strerror(errno));
		goto out_close;
	}
	if (setsockopt(m->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &m->grp,
		       sizeof(m->grp))) {
		rc = -errno;
		mp_seterr("joining group \"%s\" (%u): %s",
			  MEMPLUG_MCGRP_MONITOR, m->grp, strerror(errno));
		goto out_close;
	}
	return 0;

out_close:
	close(m->fd);
	m->fd = -1;
	return rc;
}

void mp_monitor_close(struct mp_monitor *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}

int mp_monitor_recv(struct mp_monitor *m, struct mp_event *ev, int timeout_ms)
{
	for (;;) {
		struct pollfd p = { .fd = m->fd, .events = POLLIN };
		ssize_t n;
		int rc;

		while (m->off < m->len) {
			const struct nlmsghdr *nlh =
				(const struct nlmsghdr *)(m->buf + m->off);
			size_t left = m->len - m->off;

			if (!NLMSG_OK(nlh, left)) {
				m->off = m->len;
				mp_seterr("monitor: %zu bytes of garbage", left);
				return -EPROTO;
			}
			m->off += NLMSG_ALIGN(nlh->nlmsg_len);
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			return mp_event_decode(nlh, ev);
		}
		m->len = m->off = 0;

		rc = poll(&p, 1, timeout_ms);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			mp_seterr("monitor poll: %s", strerror(errno));
			return rc;
		}
		if (!rc)
			return -EAGAIN;
		n = recv(m->fd, m->buf, sizeof(m->buf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			rc = -errno;
			if (rc != -ENOBUFS)
				mp_seterr("monitor recv: %s", strerror(errno));
			return rc;
		}
		if ((size_t)n > sizeof(m->buf)) {
			mp_seterr("monitor: datagram of %zd bytes truncated", n);
			return -EMSGSIZE;
		}
		m->len = n;
	}
}

int mp_monitor_drain(struct mp_monitor *m, struct mp_event *out, int max,
		     int *n, int *enobufs, int quiet_ms)
{
	struct mp_event ev;
	int rc;

	*n = 0;
	if (enobufs)
		*enobufs = 0;
	for (;;) {
		rc = mp_monitor_recv(m, &ev, quiet_ms);
		if (rc == -EAGAIN)
			return 0;
		if (rc == -ENOBUFS) {
			if (enobufs)
				(*enobufs)++;
			continue;
		}
		if (rc)
			return rc;
		if (*n < max)
			out[*n] = ev;
		(*n)++;
	}
}

struct mp_seqwatch_ctx {
	struct mp_seqwatch *w;
	uint64_t end;
	int rc;
};

/* One event of a catch-up dump: the missing events, in order. */
static int mp_seqwatch_dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct mp_seqwatch_ctx *ctx = arg;
	struct mp_seqwatch *w = ctx->w;
	struct mp_event ev;
	int rc;

	rc = mp_event_decode(nlh, &ev);
	if (rc)
		return rc;
	if (ctx->rc || !ev.has_seq || ev.seq >= ctx->end)
		return 0;
	if (ev.seq < w->next) {
		mp_seterr("EVENT_GET from seq %" PRIu64 " returned seq %" PRIu64,
			  w->next, ev.seq);
		ctx->rc = -EPROTO;
		return 0;
	}
	/* What the ring no longer had. */
	w->lost += ev.seq - w->next;
	w->recovered++;
	w->next = ev.seq + 1;
	w->last = ev;
	return 0;
}

int mp_seqwatch_catch_up(struct mp_seqwatch *w, struct mp_ctx *c,
			 uint64_t end)
{
	struct mp_seqwatch_ctx ctx = { w, end, 0 };
	struct mp_msg m;
	struct mp_ack ack;
	int rc;

	if (!w->next || w->next >= end)
		return 0;
	mp_req_init(c, &m, MEMPLUG_CMD_EVENT_GET, true);
	mp_put_u64(&m, MEMPLUG_A_EVENT_SEQ, w->next);
	rc = mp_transact(&c->sock, &m, mp_seqwatch_dump_cb, &ctx, &ack);
	if (rc) {
		if (!ack.local)
			mp_seterr("EVENT_GET from seq %" PRIu64 ": %s%s%s",
				  w->next, strerror(-rc),
				  ack.has_msg ? ": " : "", ack.msg);
		return rc;
	}
	if (ctx.rc)
		return ctx.rc;
	/* Not even the end was still in the ring. */
	if (w->next < end) {
		w->lost += end - w->next;
		w->next = end;
	}
	return 0;
}

int mp_seqwatch_feed(struct mp_seqwatch *w, struct mp_ctx *c,
		     const struct mp_event *ev)
{
	int rc;

	if (!ev->has_seq) {
		mp_seterr("event without seq");
		return -EPROTO;
	}
	w->received++;
	if (!w->next)
		w->next = ev->seq;
	if (ev->seq < w->next) {
		mp_seterr("seq %" PRIu64 " after %" PRIu64 ": backwards or repeated",
			  ev->seq, w->next - 1);
		return -EPROTO;
	}
	if (ev->seq > w->next) {
		w->gaps++;
		rc = mp_seqwatch_catch_up(w, c, ev->seq);
		if (rc)
			return rc;
	}
	w->next = ev->seq + 1;
	w->last = *ev;
	return 0;
}

void mp_seqwatch_enobufs(struct mp_seqwatch *w)
{
	w->enobufs++;
}
