// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz_test: throw malformed and random generic netlink messages at the
 * memplug family, as root and as an unprivileged user, and check that every
 * one gets a clean answer and that nothing a user can see changes.
 *
 * Messages are built from a seeded generator, so a run is reproducible:
 *   MEMPLUG_FUZZ_SEED=N    seed (default: from the clock; always printed)
 *   MEMPLUG_FUZZ_COUNT=N   messages in all (default 100000); a quarter of
 *                          them are sent unprivileged
 *
 * The generator mixes valid and invalid commands, header flags, versions
 * and reserved bytes; attributes of every type with payloads of the right
 * size, the wrong size, boundary values and random bytes; strings with and
 * without terminators; nests up to three deep; oversized messages; and
 * envelopes that lie about their length. A well-formed request must get a
 * terminating answer (an error, an ACK or NLMSG_DONE) within a few seconds,
 * and every reply must parse, the family's by the spec (memplug.yaml). The
 * commands, the attributes each may carry and their types come from the
 * spec as well. A RANGE_ADD that the kernel accepts is a
 * correct answer too: the range is removed again at once, so the registry
 * ends as it began. At the end MemTotal, /proc/iomem, the memory blocks and
 * the module's registry must be exactly as before; the VM runner checks the
 * kernel log for warnings.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "memplug_test.h"

#define FUZZ_DEFAULT_COUNT 100000
/* How long a well-formed request may take to be answered. */
#define FUZZ_ANSWER_TIMEOUT_S 5
#define FUZZ_BUF 16384

struct fuzz {
	uint64_t state;
	uint16_t family;
	uint64_t block_size;
	uint64_t dev_start;
	uint64_t dev_size;
	/* what happened */
	uint64_t sent;
	uint64_t answered;
	uint64_t errors;
	uint64_t replies;
	uint64_t silent;
	uint64_t adds_undone;
	uint64_t adds_failed; /* accepted, then refused by the worker */
	char failure[512];
};

/* xorshift64*: small, fast, and the same everywhere. */
static uint64_t fuzz_next(struct fuzz *f)
{
	f->state ^= f->state >> 12;
	f->state ^= f->state << 25;
	f->state ^= f->state >> 27;
	return f->state * 0x2545F4914F6CDD1DULL;
}

static uint32_t fuzz_below(struct fuzz *f, uint32_t n)
{
	return n ? (uint32_t)(fuzz_next(f) % n) : 0;
}

static bool fuzz_chance(struct fuzz *f, unsigned int percent)
{
	return fuzz_below(f, 100) < percent;
}

static uint64_t fuzz_u64(struct fuzz *f)
{
	const uint64_t bs = f->block_size;
	const uint64_t v[] = {
		0, 1, 4095, 4096, bs - 1, bs, bs + 1, 2 * bs,
		f->dev_start, f->dev_start + bs, f->dev_start - bs,
		f->dev_start + f->dev_size - bs, f->dev_size, f->dev_size + bs,
		1ULL << 32, 1ULL << 46, 1ULL << 52, 1ULL << 63, ~0ULL,
		~0ULL - bs + 1, 0x100000000ULL, 0x80000000ULL,
	};

	if (fuzz_chance(f, 60))
		return v[fuzz_below(f, MP_ARRAY_SIZE(v))];
	return fuzz_next(f) >> fuzz_below(f, 64);
}

static uint32_t fuzz_u32(struct fuzz *f)
{
	const uint32_t v[] = { 0, 1, 2, 3, 4, 7, 63, 64, 65, 1023, 1024,
			       0x7fffffff, 0x80000000, 0xffffffff };

	if (fuzz_chance(f, 60))
		return v[fuzz_below(f, MP_ARRAY_SIZE(v))];
	return (uint32_t)fuzz_next(f);
}

/* Append an attribute header and payload at @p, within @end. */
static char *fuzz_put(char *p, const char *end, uint16_t type, const void *data,
		      size_t len)
{
	struct nlattr *a = (struct nlattr *)p;

	if (p + NLA_HDRLEN + NLA_ALIGN(len) > end || NLA_HDRLEN + len > 0xffff)
		return p;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(p + NLA_HDRLEN, data, len);
	memset(p + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	return p + NLA_HDRLEN + NLA_ALIGN(len);
}

static char *fuzz_attrs(struct fuzz *f, char *p, const char *end, int depth);

/* One attribute of a random type with a payload of a random kind. */
static char *fuzz_attr(struct fuzz *f, char *p, const char *end, int depth)
{
	unsigned char bytes[3000];
	uint16_t type;
	size_t len;
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;
	uint8_t v8;

	type = fuzz_chance(f, 80) ? 1 + fuzz_below(f, MP_PROTO_ATTR_MAX + 1) :
				    fuzz_below(f, 0x4000);
	if (fuzz_chance(f, 5))
		type |= NLA_F_NET_BYTEORDER;

	switch (fuzz_below(f, 10)) {
	case 0:
		v8 = (uint8_t)fuzz_u32(f);
		return fuzz_put(p, end, type, &v8, 1);
	case 1:
		v16 = (uint16_t)fuzz_u32(f);
		return fuzz_put(p, end, type, &v16, 2);
	case 2:
		v32 = fuzz_u32(f);
		return fuzz_put(p, end, type, &v32, 4);
	case 3:
	case 4:
		v64 = fuzz_u64(f);
		return fuzz_put(p, end, type, &v64, 8);
	case 5:
		return fuzz_put(p, end, type, NULL, 0);
	case 6: /* a string, terminated or not */
		len = fuzz_below(f, fuzz_chance(f, 80) ? 80 : 600);
		for (size_t i = 0; i < len; i++)
			bytes[i] = 'a' + fuzz_below(f, 26);
		if (len && fuzz_chance(f, 70))
			bytes[len - 1] = 0;
		return fuzz_put(p, end, type, bytes, len);
	case 7: /* a nest */
		if (depth < 3) {
			struct nlattr *a = (struct nlattr *)p;
			char *q;

			if (p + NLA_HDRLEN > end)
				return p;
			q = fuzz_attrs(f, p + NLA_HDRLEN, end, depth + 1);
			a->nla_type = type | (fuzz_chance(f, 80) ? NLA_F_NESTED : 0);
			a->nla_len = q - p;
			return q;
		}
		/* fall through */
	default: /* random bytes, sometimes a lot */
		len = fuzz_below(f, fuzz_chance(f, 90) ? 64 : sizeof(bytes));
		for (size_t i = 0; i < len; i++)
			bytes[i] = (unsigned char)fuzz_next(f);
		return fuzz_put(p, end, type, bytes, len);
	}
}

static char *fuzz_attrs(struct fuzz *f, char *p, const char *end, int depth)
{
	unsigned int n = fuzz_below(f, depth ? 4 : 12);

	while (n--)
		p = fuzz_attr(f, p, end, depth);
	return p;
}

/* Small sizes mostly: accepted plugs must stay cheap under emulation. */
static uint64_t fuzz_size(struct fuzz *f)
{
	if (fuzz_chance(f, 70))
		return f->block_size * (1 + fuzz_below(f, 3));
	return fuzz_u64(f);
}

static char *fuzz_plausible_set(struct fuzz *f, enum mp_proto_set set,
				const uint16_t *attrs, int n, char *p,
				const char *end, int depth);

/* A value for attribute @a of @set that the handlers might well take. */
static char *fuzz_plausible_attr(struct fuzz *f, enum mp_proto_set set,
				 uint16_t a, char *p, const char *end,
				 int depth)
{
	const struct mp_proto_attr *pa = &mp_proto_sets[set].attrs[a];
	unsigned int nests;
	unsigned char v[8];
	uint64_t v64;
	char name[96];
	size_t len;

	switch (pa->type) {
	case MP_PROTO_FLAG:
		return fuzz_chance(f, 20) ? fuzz_put(p, end, a, NULL, 0) : p;
	case MP_PROTO_STRING:
		if (!fuzz_chance(f, 30))
			return p;
		len = fuzz_chance(f, 80) ? 4 :
		      fuzz_below(f, (pa->max_len ?: 64) + 3);
		len = len < sizeof(name) ? len : sizeof(name) - 1;
		memset(name, 'f', len);
		name[len] = '\0';
		return fuzz_put(p, end, a, name, len + 1);
	case MP_PROTO_NEST:
		nests = fuzz_chance(f, 20) ? 1 + fuzz_below(f, 3) : 0;
		for (; nests && depth < 3; nests--) {
			const struct mp_proto_attr_set *in =
				&mp_proto_sets[pa->nested];
			struct nlattr *nest = (struct nlattr *)p;
			uint16_t all[MP_PROTO_ATTR_MAX + 1];
			int k = 0;
			char *q;

			if (p + NLA_HDRLEN > end)
				break;
			for (int i = 1; i <= in->max; i++)
				if (in->attrs[i].type != MP_PROTO_PAD &&
				    in->attrs[i].type != MP_PROTO_UNUSED)
					all[k++] = i;
			q = fuzz_plausible_set(f, pa->nested, all, k,
					       p + NLA_HDRLEN, end, depth + 1);
			nest->nla_type = a | NLA_F_NESTED;
			nest->nla_len = q - p;
			p = q;
			if (!pa->multi)
				break;
		}
		return p;
	case MP_PROTO_UNUSED:
	case MP_PROTO_PAD:
		return p;
	default:
		break;
	}
	if (!fuzz_chance(f, 85))
		return p;
	if (pa->max)
		/* The enum's values, and a little past them. */
		v64 = fuzz_below(f, pa->max + 3);
	else if (!strcmp(pa->name, "start"))
		/* An address in the device, at a block or a page. */
		v64 = fuzz_chance(f, 50) ? f->dev_start + f->block_size *
			fuzz_below(f, f->dev_size / f->block_size) :
		      fuzz_chance(f, 50) ? f->dev_start +
			4096 * fuzz_below(f, 512) :
		      fuzz_u64(f);
	else if (!strcmp(pa->name, "size"))
		/* Small: accepted plugs must stay cheap under emulation. */
		v64 = fuzz_chance(f, 50) ? fuzz_size(f) :
		      fuzz_chance(f, 50) ? 4096 * (1 + fuzz_below(f, 8)) :
		      fuzz_u64(f);
	else if (pa->type == MP_PROTO_U64)
		v64 = fuzz_chance(f, 50) ? fuzz_below(f, 4096) : fuzz_u64(f);
	else
		/* Ids, nodes: the few that exist, or anything. */
		v64 = fuzz_chance(f, 70) ? fuzz_below(f, 8) : fuzz_u32(f);
	/* Little endian, like the host: the low bytes of the value. */
	memcpy(v, &v64, sizeof(v));
	return fuzz_put(p, end, a, v, MP_PROTO_WIDTH(pa->type));
}

static char *fuzz_plausible_set(struct fuzz *f, enum mp_proto_set set,
				const uint16_t *attrs, int n, char *p,
				const char *end, int depth)
{
	for (int i = 0; i < n; i++)
		p = fuzz_plausible_attr(f, set, attrs[i], p, end, depth);
	return p;
}

/*
 * The attributes the spec lets command @cmd carry, with their types and
 * plausible values, so that the handlers' own checks are reached and not
 * only the policy.
 */
static char *fuzz_plausible(struct fuzz *f, uint8_t cmd, char *p,
			    const char *end)
{
	const struct mp_proto_op *op = mp_proto_op(cmd);

	if (op)
		p = fuzz_plausible_set(f, op->set, op->request, op->n_request,
				       p, end, 0);
	/* Sometimes one stray attribute on top. */
	if (fuzz_chance(f, 20))
		p = fuzz_attr(f, p, end, 2);
	return p;
}

/*
 * Build a message. Return its length; *well_formed tells whether the
 * envelope is honest (so an answer is owed).
 */
static size_t fuzz_build(struct fuzz *f, char *buf, size_t cap, uint32_t seq,
			 bool *well_formed)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *g = (struct genlmsghdr *)NLMSG_DATA(nlh);
	const struct mp_proto_op *op;
	char *end;
	size_t len;

	memset(buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_type = fuzz_chance(f, 95) ? f->family : fuzz_below(f, 0x10000);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g->cmd = fuzz_chance(f, 85) ?
		mp_proto_ops[fuzz_below(f, MP_PROTO_NR_OPS)].cmd :
		(uint8_t)fuzz_next(f);
	op = mp_proto_op(g->cmd);
	/* Dumps where the family has them, mostly. */
	if (fuzz_chance(f, 10) || (fuzz_chance(f, 60) && op && op->dump))
		nlh->nlmsg_flags |= NLM_F_DUMP;
	if (fuzz_chance(f, 10))
		nlh->nlmsg_flags |= fuzz_below(f, 0x10000) & ~NLM_F_REQUEST;
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g->version = fuzz_chance(f, 85) ? 1 : (uint8_t)fuzz_next(f);
	if (fuzz_chance(f, 5))
		g->reserved = (uint16_t)fuzz_next(f);

	if (fuzz_chance(f, 50))
		end = fuzz_plausible(f, g->cmd, buf + NLMSG_HDRLEN + GENL_HDRLEN,
				     buf + cap);
	else
		end = fuzz_attrs(f, buf + NLMSG_HDRLEN + GENL_HDRLEN, buf + cap, 0);
	len = end - buf;
	nlh->nlmsg_len = len;
	*well_formed = true;

	switch (fuzz_below(f, 40)) {
	case 0: /* the header claims more than is sent */
		nlh->nlmsg_len = len + 1 + fuzz_below(f, 1000);
		*well_formed = false;
		break;
	case 1: /* the header claims less than a header */
		nlh->nlmsg_len = fuzz_below(f, NLMSG_HDRLEN);
		*well_formed = false;
		break;
	case 2: /* cut in the middle of the attributes */
		if (len > NLMSG_HDRLEN + GENL_HDRLEN) {
			len = NLMSG_HDRLEN + fuzz_below(f, len - NLMSG_HDRLEN);
			nlh->nlmsg_len = len;
		}
		break;
	case 3: /* no request flag: the kernel owes no answer */
		nlh->nlmsg_flags &= ~(NLM_F_REQUEST | NLM_F_ACK);
		*well_formed = false;
		break;
	}
	return len;
}

/* Check that every attribute in @data lies inside it. */
static bool fuzz_attrs_sane(const void *data, size_t len)
{
	const struct nlattr *a;
	size_t seen = 0;

	mp_attr_for_each(a, data, len)
		seen = (const char *)a - (const char *)data + NLA_ALIGN(a->nla_len);
	return seen >= len || len - seen < NLA_HDRLEN;
}

/* A reply of the family must be what the spec says its command sends. */
static int fuzz_reply_spec(struct fuzz *f, const struct nlmsghdr *nlh)
{
	int set = mp_spec_msg_set(nlh);
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	if (set < 0) {
		snprintf(f->failure, sizeof(f->failure),
			 "a reply of a command the spec lacks");
		return -1;
	}
	if (mp_spec_check(set, (const char *)nlh + hdr,
			  nlh->nlmsg_len - hdr)) {
		snprintf(f->failure, sizeof(f->failure),
			 "a reply against the spec: %s", mp_errstr());
		return -1;
	}
	return 0;
}

static int fuzz_undo_add(struct fuzz *f, struct mp_ctx *c,
			 const struct nlmsghdr *nlh)
{
	struct mp_range r;
	struct mp_ack ack;
	int64_t deadline;
	int rc;

	if (mp_range_decode(nlh, &r) || !r.id) {
		snprintf(f->failure, sizeof(f->failure),
			 "RANGE_ADD reply without an id: %s", mp_errstr());
		return -1;
	}
	/* The worker may still be adding it: busy until then. */
	deadline = mp_time_ms() + 60000;
	while ((rc = mp_range_del(c, r.id, NULL, &ack)) == -EBUSY &&
	       mp_time_ms() < deadline)
		mp_sleep_ms(5);
	/* Or its add failed there, and it is gone with PLUG_FAILED. */
	if (rc == -ENOENT && !ack.local) {
		f->adds_failed++;
		return 0;
	}
	if (rc) {
		snprintf(f->failure, sizeof(f->failure),
			 "removing accepted range %u failed: %s (%s)", r.id,
			 strerror(-rc), ack.has_msg ? ack.msg : "no message");
		return -1;
	}
	f->adds_undone++;
	return 0;
}

/*
 * Read answers to @seq until its terminator. Return 0, or -1 with
 * f->failure set. @privileged: whether an accepted RANGE_ADD is allowed.
 */
static int fuzz_answer(struct fuzz *f, int fd, struct mp_ctx *c, uint32_t seq,
		       bool well_formed, bool privileged)
{
	static char buf[FUZZ_BUF];
	bool done = false;

	while (!done) {
		const struct nlmsghdr *nlh;
		ssize_t n;
		size_t left;

		n = recv(fd, buf, sizeof(buf), well_formed ? 0 : MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (!well_formed && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				f->silent++;
				return 0;
			}
			snprintf(f->failure, sizeof(f->failure),
				 "no answer to message %" PRIu64 " (seq %u): %s",
				 f->sent, seq, strerror(errno));
			return -1;
		}
		left = n;
		for (nlh = (const struct nlmsghdr *)buf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (e->error > 0 || e->error < -4095) {
					snprintf(f->failure, sizeof(f->failure),
						 "error %d is no errno", e->error);
					return -1;
				}
				if (e->error)
					f->errors++;
				done = true;
				break;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
			    !fuzz_attrs_sane((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
					     nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN)) {
				snprintf(f->failure, sizeof(f->failure),
					 "malformed reply of type %u", nlh->nlmsg_type);
				return -1;
			}
			if (nlh->nlmsg_type == f->family &&
			    fuzz_reply_spec(f, nlh))
				return -1;
			f->replies++;
			if (nlh->nlmsg_type == f->family &&
			    ((const struct genlmsghdr *)NLMSG_DATA(nlh))->cmd ==
				    MEMPLUG_CMD_RANGE_ADD) {
				if (!privileged) {
					snprintf(f->failure, sizeof(f->failure),
						 "an unprivileged RANGE_ADD was accepted");
					return -1;
				}
				if (fuzz_undo_add(f, c, nlh))
					return -1;
			}
		}
	}
	f->answered++;
	return 0;
}

/* Send @count messages on a fresh socket. Return 0 or -1. */
static int fuzz_run(struct fuzz *f, struct mp_ctx *c, uint64_t count,
		    bool privileged)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = FUZZ_ANSWER_TIMEOUT_S };
	static char buf[FUZZ_BUF];
	struct mp_sock s;
	uint64_t i;
	int rc = 0;

	if (mp_sock_open(&s)) {
		snprintf(f->failure, sizeof(f->failure), "socket: %s", mp_errstr());
		return -1;
	}
	setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (i = 0; i < count && !rc; i++) {
		uint32_t seq = ++s.seq;
		bool well_formed;
		size_t len;

		len = fuzz_build(f, buf, sizeof(buf), seq, &well_formed);
		if (sendto(s.fd, buf, len, 0, (struct sockaddr *)&kernel,
			   sizeof(kernel)) < 0) {
			/* The kernel refusing to take a message is an answer. */
			f->sent++;
			f->answered++;
			continue;
		}
		f->sent++;
		rc = fuzz_answer(f, s.fd, c, seq, well_formed, privileged);
	}
	mp_sock_close(&s);
	return rc;
}

FIXTURE(nlfuzz) {
	struct mp_env e;
};

MP_FIXTURE_SETUP(nlfuzz)
MP_FIXTURE_TEARDOWN(nlfuzz)

TEST_F_TIMEOUT(nlfuzz, random_messages, 1800)
{
	const char *seed_env = getenv("MEMPLUG_FUZZ_SEED");
	const char *count_env = getenv("MEMPLUG_FUZZ_COUNT");
	uint64_t seed, count, unpriv;
	struct mp_snap before, after;
	struct fuzz f = {};
	char why[512];
	pid_t pid;
	int status;

	MP_NEED_DEVICE();
	seed = seed_env ? strtoull(seed_env, NULL, 0) : (uint64_t)time(NULL);
	count = count_env ? strtoull(count_env, NULL, 0) : FUZZ_DEFAULT_COUNT;
	unpriv = count / 4;
	f.state = seed ? seed : 1;
	f.family = self->e.c.fam.id;
	f.block_size = self->e.bs;
	f.dev_start = self->e.dev_start;
	f.dev_size = self->e.dev_size;
	ksft_print_msg("nlfuzz: seed %" PRIu64 ", %" PRIu64 " messages (%" PRIu64
		       " unprivileged); rerun with MEMPLUG_FUZZ_SEED=%" PRIu64 "\n",
		       seed, count, unpriv, seed);

	MP_OK(mp_snap_take(&self->e.c, &before));

	/* Unprivileged first, in a child that can never get its rights back. */
	fflush(stdout);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct fuzz child = f;

		child.state ^= 0x9e3779b97f4a7c15ULL;
		if (mp_become_nobody()) {
			ksft_print_msg("nlfuzz: dropping privileges: %s\n",
				       mp_errstr());
			fflush(stdout);
			_exit(2);
		}
		if (fuzz_run(&child, &self->e.c, unpriv, false)) {
			ksft_print_msg("nlfuzz (unprivileged): %s\n",
				       child.failure);
			fflush(stdout);
			_exit(1);
		}
		ksft_print_msg("nlfuzz (unprivileged): %" PRIu64 " sent, %" PRIu64
			       " answered, %" PRIu64 " errors, %" PRIu64
			       " silent\n", child.sent, child.answered,
			       child.errors, child.silent);
		fflush(stdout);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
	TH_LOG("the unprivileged fuzzer failed (status %#x)", status);

	if (fuzz_run(&f, &self->e.c, count - unpriv, true))
		ASSERT_TRUE(false) TH_LOG("seed %" PRIu64 ": %s", seed, f.failure);
	ksft_print_msg("nlfuzz (root): %" PRIu64 " sent, %" PRIu64 " answered, %"
		       PRIu64 " errors, %" PRIu64 " replies, %" PRIu64
		       " silent, %" PRIu64 " accepted plugs undone, %" PRIu64
		       " failed in the worker\n",
		       f.sent, f.answered, f.errors, f.replies, f.silent,
		       f.adds_undone, f.adds_failed);

	MP_OK(mp_snap_take(&self->e.c, &after));
	ASSERT_EQ(0, mp_snap_diff(&before, &after, false, why, sizeof(why)))
	TH_LOG("seed %" PRIu64 ": state changed: %s", seed, why);
	ASSERT_EQ(0, after.nranges);
	ksft_print_msg("nlfuzz: seed %" PRIu64 ": %" PRIu64
		       " messages, no state change\n", seed, count);
	mp_snap_free(&before);
	mp_snap_free(&after);
}

TEST_HARNESS_MAIN
