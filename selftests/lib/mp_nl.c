// SPDX-License-Identifier: GPL-2.0
/*
 * mp_nl: raw generic netlink for the memplug selftests.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "mp_nl.h"

/* Dumps of a few hundred blocks fit easily; the kernel never sends more. */
#define MP_RECV_MAX (64 * 1024)

/* Per thread: the stress tests call the library from several threads. */
static __thread char mp_err[512];

const char *mp_errstr(void)
{
	return mp_err[0] ? mp_err : "(no error recorded)";
}

void mp_seterr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(mp_err, sizeof(mp_err), fmt, ap);
	va_end(ap);
}

int mp_sock_open(struct mp_sock *s)
{
	int one = 1;

	s->seq = (uint32_t)getpid() << 8;
	s->unaddressed = false;
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0) {
		int rc = -errno;

		mp_seterr("socket(AF_NETLINK, NETLINK_GENERIC): %s",
			  strerror(errno));
		return rc;
	}
	/* Extended ACKs, without the request echoed back in errors. */
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one,
		       sizeof(one)) ||
	    setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
		       sizeof(one))) {
		int rc = -errno;

		mp_seterr("setsockopt(NETLINK_EXT_ACK/CAP_ACK): %s",
			  strerror(errno));
		close(s->fd);
		s->fd = -1;
		return rc;
	}
	return 0;
}

int mp_sock_timeout(struct mp_sock *s, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		int rc = -errno;

		mp_seterr("SO_RCVTIMEO %d ms: %s", ms, strerror(errno));
		return rc;
	}
	return 0;
}

void mp_sock_close(struct mp_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

void mp_msg_init(struct mp_msg *m, uint16_t type, uint16_t flags, uint8_t cmd,
		 uint8_t version)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->nlh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = flags;
	g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = version;
}

struct nlattr *mp_msg_put(struct mp_msg *m, uint16_t type, const void *data,
			  size_t len)
{
	size_t need = NLA_ALIGN(NLA_HDRLEN + len);
	struct nlattr *a;

	if (m->nlh.nlmsg_len + need > sizeof(m->buf)) {
		mp_seterr("request full: no room for attribute %u", type);
		return NULL;
	}
	a = (struct nlattr *)(m->buf + m->nlh.nlmsg_len);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, need - NLA_HDRLEN - len);
	m->nlh.nlmsg_len += need;
	return a;
}

struct nlattr *mp_put_u8(struct mp_msg *m, uint16_t type, uint8_t v)
{
	return mp_msg_put(m, type, &v, sizeof(v));
}

struct nlattr *mp_put_u16(struct mp_msg *m, uint16_t type, uint16_t v)
{
	return mp_msg_put(m, type, &v, sizeof(v));
}

struct nlattr *mp_put_u32(struct mp_msg *m, uint16_t type, uint32_t v)
{
	return mp_msg_put(m, type, &v, sizeof(v));
}

/*
 * No PAD attribute: the kernel reads u64 attributes with memcpy-safe
 * accessors, and a request is only ever 4-byte aligned anyway.
 */
struct nlattr *mp_put_u64(struct mp_msg *m, uint16_t type, uint64_t v)
{
	return mp_msg_put(m, type, &v, sizeof(v));
}

struct nlattr *mp_put_str(struct mp_msg *m, uint16_t type, const char *s)
{
	return mp_msg_put(m, type, s, strlen(s) + 1);
}

struct nlattr *mp_put_flag(struct mp_msg *m, uint16_t type)
{
	return mp_msg_put(m, type, NULL, 0);
}

struct nlattr *mp_nest_start(struct mp_msg *m, uint16_t type)
{
	return mp_msg_put(m, type | NLA_F_NESTED, NULL, 0);
}

void mp_nest_end(struct mp_msg *m, struct nlattr *nest)
{
	nest->nla_len = m->buf + m->nlh.nlmsg_len - (char *)nest;
}

uint32_t mp_msg_offset(const struct mp_msg *m, const struct nlattr *a)
{
	return (const char *)a - m->buf;
}

void mp_attr_parse(const void *data, size_t len, const struct nlattr **tb,
		   int max)
{
	const struct nlattr *a;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	mp_attr_for_each(a, data, len) {
		int type = a->nla_type & NLA_TYPE_MASK;

		if (type <= max)
			tb[type] = a;
	}
}

void mp_genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
		   int max)
{
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	if (nlh->nlmsg_len < hdr) {
		memset(tb, 0, sizeof(*tb) * (max + 1));
		return;
	}
	mp_attr_parse((const char *)nlh + hdr, nlh->nlmsg_len - hdr, tb, max);
}

const void *mp_attr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

size_t mp_attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

uint8_t mp_attr_u8(const struct nlattr *a)
{
	return mp_attr_len(a) >= 1 ? *(const uint8_t *)mp_attr_data(a) : 0;
}

uint32_t mp_attr_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	if (mp_attr_len(a) >= sizeof(v))
		memcpy(&v, mp_attr_data(a), sizeof(v));
	return v;
}

uint64_t mp_attr_u64(const struct nlattr *a)
{
	uint64_t v = 0;

	if (mp_attr_len(a) >= sizeof(v))
		memcpy(&v, mp_attr_data(a), sizeof(v));
	return v;
}

void mp_attr_str(const struct nlattr *a, char *buf, size_t len)
{
	size_t n = mp_attr_len(a);

	if (!len)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(buf, mp_attr_data(a), n);
	buf[n] = '\0';
	/* A string attribute carries its NUL; cut there. */
	buf[strnlen(buf, n)] = '\0';
}

/* Read the extended ACK attributes that start at @tlv. */
static void mp_ack_parse_tlvs(struct mp_ack *ack, const void *tlv, size_t len)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	mp_attr_parse(tlv, len, tb, NLMSGERR_ATTR_MAX);
	if (tb[NLMSGERR_ATTR_MSG]) {
		ack->has_msg = true;
		mp_attr_str(tb[NLMSGERR_ATTR_MSG], ack->msg, sizeof(ack->msg));
	}
	if (tb[NLMSGERR_ATTR_OFFS]) {
		ack->has_offs = true;
		ack->offs = mp_attr_u32(tb[NLMSGERR_ATTR_OFFS]);
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE]) {
		ack->has_miss_type = true;
		ack->miss_type = mp_attr_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	}
	if (tb[NLMSGERR_ATTR_MISS_NEST]) {
		ack->has_miss_nest = true;
		ack->miss_nest = mp_attr_u32(tb[NLMSGERR_ATTR_MISS_NEST]);
	}
}

static void mp_ack_from_error(struct mp_ack *ack, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t hlen = sizeof(*e);

	ack->error = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hlen += e->msg.nlmsg_len - NLMSG_HDRLEN;
	hlen = NLMSG_ALIGN(hlen);
	if (NLMSG_HDRLEN + hlen < nlh->nlmsg_len)
		mp_ack_parse_tlvs(ack, (const char *)e + hlen,
				  nlh->nlmsg_len - NLMSG_HDRLEN - hlen);
}

/* NLMSG_DONE of a dump: an int (0 or the dump's error), then TLVs. */
static void mp_ack_from_done(struct mp_ack *ack, const struct nlmsghdr *nlh)
{
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	int err = 0;

	if (plen >= sizeof(err))
		memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
	ack->error = err;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && plen > NLMSG_ALIGN(sizeof(err)))
		mp_ack_parse_tlvs(ack,
				  (const char *)NLMSG_DATA(nlh) +
					  NLMSG_ALIGN(sizeof(err)),
				  plen - NLMSG_ALIGN(sizeof(err)));
}

static int mp_local_fail(struct mp_ack *ack, int rc)
{
	ack->local = true;
	ack->error = rc;
	return rc;
}

int mp_transact(struct mp_sock *s, struct mp_msg *req, mp_msg_cb cb, void *arg,
		struct mp_ack *ack)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct mp_ack dummy;
	uint32_t seq;
	char *buf;
	ssize_t n;
	int rc;

	if (!ack)
		ack = &dummy;
	memset(ack, 0, sizeof(*ack));

	seq = ++s->seq;
	req->nlh.nlmsg_seq = seq;
	req->nlh.nlmsg_pid = 0;
	if (s->unaddressed)
		n = send(s->fd, req->buf, req->nlh.nlmsg_len, 0);
	else
		n = sendto(s->fd, req->buf, req->nlh.nlmsg_len, 0,
			   (struct sockaddr *)&kernel, sizeof(kernel));
	if (n < 0) {
		rc = -errno;
		mp_seterr("netlink sendto: %s", strerror(errno));
		return mp_local_fail(ack, rc);
	}

	buf = malloc(MP_RECV_MAX);
	if (!buf) {
		mp_seterr("out of memory");
		return mp_local_fail(ack, -ENOMEM);
	}
	for (;;) {
		const struct nlmsghdr *nlh;
		size_t left;

		n = recv(s->fd, buf, MP_RECV_MAX, MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			mp_seterr("netlink recv: %s", strerror(errno));
			goto out_local;
		}
		if (n > MP_RECV_MAX) {
			mp_seterr("netlink reply of %zd bytes truncated", n);
			rc = -EMSGSIZE;
			goto out_local;
		}
		left = n;
		for (nlh = (const struct nlmsghdr *)buf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			/* Leftovers of an earlier, abandoned request. */
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				mp_ack_from_error(ack, nlh);
				goto out;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				mp_ack_from_done(ack, nlh);
				goto out;
			}
			if (cb) {
				rc = cb(nlh, arg);
				if (rc) {
					char why[sizeof(mp_err)];

					/*
					 * What is left of the reply stays queued;
					 * later requests skip it by sequence.
					 */
					snprintf(why, sizeof(why), "%s",
						 mp_errstr());
					mp_seterr("reply rejected: %s: %s",
						  strerror(-rc), why);
					goto out_local;
				}
			}
			/* A doit without NLM_F_ACK ends with its reply. */
			if (!(req->nlh.nlmsg_flags & (NLM_F_ACK | NLM_F_DUMP)) &&
			    !(nlh->nlmsg_flags & NLM_F_MULTI))
				goto out;
		}
		if (left) {
			mp_seterr("netlink: %zu trailing bytes in a reply",
				  left);
			rc = -EPROTO;
			goto out_local;
		}
	}
out:
	free(buf);
	return ack->error;
out_local:
	free(buf);
	return mp_local_fail(ack, rc);
}

struct mp_family_ctx {
	struct mp_family *f;
	bool seen;
};

static void mp_family_parse_ops(struct mp_family *f, const struct nlattr *ops)
{
	const struct nlattr *op;

	mp_attr_for_each(op, mp_attr_data(ops), mp_attr_len(ops)) {
		const struct nlattr *tb[CTRL_ATTR_OP_MAX + 1];

		if (f->n_ops == (int)MP_ARRAY_SIZE(f->ops))
			break;
		mp_attr_parse(mp_attr_data(op), mp_attr_len(op), tb,
			      CTRL_ATTR_OP_MAX);
		if (!tb[CTRL_ATTR_OP_ID])
			continue;
		f->ops[f->n_ops].cmd = mp_attr_u32(tb[CTRL_ATTR_OP_ID]);
		f->ops[f->n_ops].flags = tb[CTRL_ATTR_OP_FLAGS] ?
			mp_attr_u32(tb[CTRL_ATTR_OP_FLAGS]) : 0;
		f->n_ops++;
	}
}

static void mp_family_parse_grps(struct mp_family *f, const struct nlattr *grps)
{
	const struct nlattr *g;

	mp_attr_for_each(g, mp_attr_data(grps), mp_attr_len(grps)) {
		const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];

		if (f->n_grps == (int)MP_ARRAY_SIZE(f->grps))
			break;
		mp_attr_parse(mp_attr_data(g), mp_attr_len(g), tb,
			      CTRL_ATTR_MCAST_GRP_MAX);
		if (!tb[CTRL_ATTR_MCAST_GRP_ID] || !tb[CTRL_ATTR_MCAST_GRP_NAME])
			continue;
		f->grps[f->n_grps].id = mp_attr_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
		mp_attr_str(tb[CTRL_ATTR_MCAST_GRP_NAME], f->grps[f->n_grps].name,
			    sizeof(f->grps[f->n_grps].name));
		f->n_grps++;
	}
}

static int mp_family_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct mp_family_ctx *ctx = arg;
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct mp_family *f = ctx->f;

	mp_genl_parse(nlh, tb, CTRL_ATTR_MAX);
	if (!tb[CTRL_ATTR_FAMILY_ID])
		return 0;
	ctx->seen = true;
	/* The id is a u16 attribute. */
	memcpy(&f->id, mp_attr_data(tb[CTRL_ATTR_FAMILY_ID]), sizeof(f->id));
	if (tb[CTRL_ATTR_VERSION])
		f->version = mp_attr_u32(tb[CTRL_ATTR_VERSION]);
	if (tb[CTRL_ATTR_MAXATTR])
		f->maxattr = mp_attr_u32(tb[CTRL_ATTR_MAXATTR]);
	if (tb[CTRL_ATTR_OPS])
		mp_family_parse_ops(f, tb[CTRL_ATTR_OPS]);
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		mp_family_parse_grps(f, tb[CTRL_ATTR_MCAST_GROUPS]);
	return 0;
}

int mp_family_get(struct mp_sock *s, const char *name, struct mp_family *f,
		  struct mp_ack *ack)
{
	struct mp_family_ctx ctx = { .f = f };
	struct mp_msg m;
	int rc;

	memset(f, 0, sizeof(*f));
	mp_msg_init(&m, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK,
		    CTRL_CMD_GETFAMILY, 1);
	if (!mp_put_str(&m, CTRL_ATTR_FAMILY_NAME, name))
		return -EMSGSIZE;
	rc = mp_transact(s, &m, mp_family_cb, &ctx, ack);
	if (rc)
		return rc;
	if (!ctx.seen) {
		mp_seterr("nlctrl acknowledged but sent no family for '%s'",
			  name);
		return -EPROTO;
	}
	return 0;
}

uint32_t mp_family_grp(const struct mp_family *f, const char *name)
{
	int i;

	for (i = 0; i < f->n_grps; i++)
		if (!strcmp(f->grps[i].name, name))
			return f->grps[i].id;
	return 0;
}

int64_t mp_family_op_flags(const struct mp_family *f, uint32_t cmd)
{
	int i;

	for (i = 0; i < f->n_ops; i++)
		if (f->ops[i].cmd == cmd)
			return f->ops[i].flags;
	return -1;
}
