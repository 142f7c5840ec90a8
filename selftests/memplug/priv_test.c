// SPDX-License-Identifier: GPL-2.0
/*
 * priv_test: memplug's power is that of /dev/mem, so callers without
 * CAP_SYS_ADMIN get nothing but STATUS_GET, and that without the pluggable
 * physical range; every refusal says "needs CAP_SYS_ADMIN". Checked for a
 * socket opened unprivileged, for a root-opened socket used after the
 * process dropped its capabilities, its uid, or all but CAP_NET_ADMIN, and
 * for an unprivileged socket handed to a privileged process (the opener's
 * privileges count too). FORCE also needs CAP_SYS_RAWIO. The controller
 * run with CAP_NET_ADMIN alone is refused for every command that changes
 * something or joins the event stream (exit 4), and with CAP_SYS_ADMIN but
 * not CAP_SYS_RAWIO for --force. Nothing a user sees may change, and the
 * privileged range stays as it was.
 */
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memplug_test.h"
#include "ctl.h"

#define MSG_NEEDS_ADMIN "memplug: needs CAP_SYS_ADMIN"
#define MSG_NEEDS_RAWIO "memplug: force needs CAP_SYS_RAWIO, as /dev/mem does"

enum {
	REQ_ADD,
	REQ_DEL,
	REQ_GET,
	REQ_GET_DUMP,
	REQ_SET,
	REQ_BLOCK_DUMP,
	REQ_EVENT_DUMP,
	REQ_COUNT
};

static const char *const req_names[REQ_COUNT] = {
	"RANGE_ADD", "RANGE_DEL", "RANGE_GET", "RANGE_GET dump", "RANGE_SET",
	"BLOCK_GET dump", "EVENT_GET dump",
};

/* What a child saw; lives in shared memory. */
struct priv_out {
	int setup_rc;
	char setup_err[256];
	bool had_cap;
	int rc[REQ_COUNT];
	char msg[REQ_COUNT][128];
	int status_rc;
	struct mp_status st;
	int join_rc;
	int force_rc;
	char force_msg[128];
	int plain_rc;
	char plain_msg[128];
	bool done;
};

FIXTURE(priv) {
	struct mp_env e;
	const char *ctl;
	struct mp_run *run;
	struct mp_range r; /* plugged by root, the target of DEL and SET */
	struct mp_snap before;
	struct priv_out *out;
};

FIXTURE_SETUP(priv)
{
	struct mp_ack ack;
	int rc;

	rc = mp_env_setup(&self->e);
	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	self->ctl = mp_ctl_path();
	self->run = malloc(sizeof(*self->run));
	ASSERT_NE(NULL, self->run);
	self->out = mmap(NULL, sizeof(*self->out), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->out);
	memset(self->out, 0, sizeof(*self->out));
	if (self->e.no_device)
		return;
	MP_NL_OK(mp_range_add(&self->e.c, self->e.dev_start, MP_MIB(256), NULL,
			      &self->r, &ack), ack);
	MP_OK(mp_block_set(self->e.dev_block, "online_movable"));
	MP_OK(mp_snap_take(&self->e.c, &self->before));
}

FIXTURE_TEARDOWN(priv)
{
	mp_snap_free(&self->before);
	free(self->run);
	if (self->out && self->out != MAP_FAILED)
		munmap(self->out, sizeof(*self->out));
	mp_env_teardown(&self->e);
}

/* Every privileged request, then STATUS_GET and joining the monitor group. */
static void try_everything(struct mp_ctx *c, uint32_t id, uint64_t free_start,
			   struct priv_out *o)
{
	uint32_t grp = mp_family_grp(&c->fam, MEMPLUG_MCGRP_MONITOR);
	struct mp_ack ack;
	struct mp_msg m;
	int i;

	for (i = 0; i < REQ_COUNT; i++) {
		switch (i) {
		case REQ_ADD:
			mp_req_init(c, &m, MEMPLUG_CMD_RANGE_ADD, false);
			mp_put_u64(&m, MEMPLUG_A_RANGE_START, free_start);
			mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, MP_MIB(256));
			break;
		case REQ_DEL:
		case REQ_GET:
		case REQ_SET:
			mp_req_init(c, &m,
				    i == REQ_DEL ? MEMPLUG_CMD_RANGE_DEL :
				    i == REQ_GET ? MEMPLUG_CMD_RANGE_GET :
						   MEMPLUG_CMD_RANGE_SET,
				    false);
			mp_put_u32(&m, MEMPLUG_A_RANGE_ID, id);
			if (i == REQ_SET)
				mp_put_u8(&m, MEMPLUG_A_RANGE_PROTECT, 1);
			break;
		case REQ_GET_DUMP:
			mp_req_init(c, &m, MEMPLUG_CMD_RANGE_GET, true);
			break;
		case REQ_BLOCK_DUMP:
			mp_req_init(c, &m, MEMPLUG_CMD_BLOCK_GET, true);
			break;
		case REQ_EVENT_DUMP:
			mp_req_init(c, &m, MEMPLUG_CMD_EVENT_GET, true);
			break;
		}
		/* Replies, if any came, are counted as a success below. */
		o->rc[i] = mp_transact(&c->sock, &m, NULL, NULL, &ack);
		snprintf(o->msg[i], sizeof(o->msg[i]), "%.127s", ack.msg);
	}
	o->status_rc = mp_status_get(c, &o->st, &ack);
	o->join_rc = 0;
	if (setsockopt(c->sock.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp)))
		o->join_rc = -errno;
	o->done = true;
}

/* Run @fn in a child process and wait for it; 0 if it exited normally. */
static int in_child(void (*fn)(struct priv_out *o, void *arg), void *arg,
		    struct priv_out *o)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		fn(o, arg);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -ECHILD;
}

struct priv_args {
	uint32_t id;
	uint64_t free_start;
	int mode;
};

enum {
	MODE_NOBODY_THEN_OPEN,  /* drop everything, then open the socket */
	MODE_OPEN_THEN_NO_CAPS, /* open as root, then capset() to nothing */
	MODE_OPEN_THEN_NOBODY,  /* open as root, then become uid 65534 */
	MODE_OPEN_THEN_NET_ADMIN, /* open as root, keep only CAP_NET_ADMIN */
};

static void child_fail(struct priv_out *o, int rc)
{
	o->setup_rc = rc ? rc : -EINVAL;
	snprintf(o->setup_err, sizeof(o->setup_err), "%s", mp_errstr());
}

static void priv_child(struct priv_out *o, void *arg)
{
	const struct priv_args *a = arg;
	struct mp_ctx c;
	int rc;

	if (a->mode == MODE_NOBODY_THEN_OPEN) {
		rc = mp_become_nobody();
		if (rc)
			return child_fail(o, rc);
	}
	rc = mp_open(&c);
	if (rc)
		return child_fail(o, rc);
	if (a->mode == MODE_OPEN_THEN_NO_CAPS)
		rc = mp_drop_caps();
	else if (a->mode == MODE_OPEN_THEN_NOBODY)
		rc = mp_become_nobody();
	else if (a->mode == MODE_OPEN_THEN_NET_ADMIN)
		rc = mp_keep_caps(1ULL << CAP_NET_ADMIN);
	if (rc)
		return child_fail(o, rc);
	o->had_cap = mp_have_cap(CAP_SYS_ADMIN);
	try_everything(&c, a->id, a->free_start, o);
	mp_close(&c);
}

/* All refused with EPERM, status without the pluggable range, no change. */
static void check_refused(struct __test_metadata *_metadata,
			  FIXTURE_DATA(priv) *self, const struct priv_out *o,
			  bool group_refused)
{
	struct mp_range g;
	struct mp_ack ack;
	int i;

	ASSERT_EQ(0, o->setup_rc) TH_LOG("child setup: %s", o->setup_err);
	ASSERT_TRUE(o->done);
	ASSERT_FALSE(o->had_cap) TH_LOG("the child still had CAP_SYS_ADMIN");
	for (i = 0; i < REQ_COUNT; i++) {
		ASSERT_EQ(-EPERM, o->rc[i])
		TH_LOG("%s: %d (%s), extack '%s'", req_names[i], o->rc[i],
		       o->rc[i] ? strerror(-o->rc[i]) : "allowed", o->msg[i]);
		ASSERT_STREQ(MSG_NEEDS_ADMIN, o->msg[i])
		TH_LOG("%s", req_names[i]);
	}

	/* STATUS_GET works, without physical addresses. */
	ASSERT_EQ(0, o->status_rc);
	ASSERT_FALSE(o->st.has_pluggable);
	ASSERT_NE('\0', o->st.version[0]);
	ASSERT_TRUE(o->st.has_block_size);
	ASSERT_EQ(self->e.bs, o->st.block_size);
	ASSERT_TRUE(o->st.has_ranges);
	ASSERT_EQ(1, o->st.ranges);
	if (group_refused) {
		ASSERT_EQ(-EPERM, o->join_rc)
		TH_LOG("joining the monitor group: %d", o->join_rc);
	}

	MP_UNCHANGED(&self->e.c, &self->before);
	MP_NL_OK(mp_range_get(&self->e.c, self->r.id, &g, &ack), ack);
	ASSERT_EQ(0, g.protect);
	ASSERT_EQ(1, g.blocks_online);
}

static void run_mode(struct __test_metadata *_metadata,
		     FIXTURE_DATA(priv) *self, int mode)
{
	struct priv_args a = {
		.id = self->r.id,
		.free_start = self->e.dev_start + MP_MIB(512),
		.mode = mode,
	};

	ASSERT_EQ(0, in_child(priv_child, &a, self->out));
	check_refused(_metadata, self, self->out, true);
}

TEST_F(priv, unprivileged_socket)
{
	MP_NEED_DEVICE();
	run_mode(_metadata, self, MODE_NOBODY_THEN_OPEN);
}

TEST_F(priv, root_socket_after_dropping_capabilities)
{
	MP_NEED_DEVICE();
	run_mode(_metadata, self, MODE_OPEN_THEN_NO_CAPS);
}

TEST_F(priv, root_socket_after_becoming_nobody)
{
	MP_NEED_DEVICE();
	run_mode(_metadata, self, MODE_OPEN_THEN_NOBODY);
}

/* CAP_NET_ADMIN, which network daemons and containers get, is not enough. */
TEST_F(priv, net_admin_is_not_enough)
{
	MP_NEED_DEVICE();
	run_mode(_metadata, self, MODE_OPEN_THEN_NET_ADMIN);
}

/* With CAP_SYS_ADMIN only: a plain plug works, FORCE is refused. */
static void sys_admin_child(struct priv_out *o, void *arg)
{
	const uint64_t *start = arg;
	struct mp_add_opts force = { .force = true, .defer_online = true };
	struct mp_range r;
	struct mp_ack ack;
	struct mp_ctx c;
	int rc;

	rc = mp_open(&c);
	if (!rc)
		rc = mp_keep_caps(1ULL << CAP_SYS_ADMIN);
	if (rc)
		return child_fail(o, rc);
	o->had_cap = mp_have_cap(CAP_SYS_RAWIO);
	o->force_rc = mp_range_add(&c, *start, MP_MIB(256), &force, NULL, &ack);
	snprintf(o->force_msg, sizeof(o->force_msg), "%.127s", ack.msg);
	o->plain_rc = mp_range_add(&c, *start, MP_MIB(256), NULL, &r, &ack);
	snprintf(o->plain_msg, sizeof(o->plain_msg), "%.127s", ack.msg);
	if (!o->plain_rc)
		mp_range_del(&c, r.id, NULL, &ack);
	mp_close(&c);
	o->done = true;
}

TEST_F(priv, force_needs_rawio)
{
	uint64_t start = self->e.dev_start + MP_MIB(512);
	struct priv_out *o = self->out;

	MP_NEED_DEVICE();
	ASSERT_EQ(0, in_child(sys_admin_child, &start, o));
	ASSERT_EQ(0, o->setup_rc) TH_LOG("child setup: %s", o->setup_err);
	ASSERT_TRUE(o->done);
	ASSERT_FALSE(o->had_cap) TH_LOG("the child still had CAP_SYS_RAWIO");
	ASSERT_EQ(-EPERM, o->force_rc) TH_LOG("extack '%s'", o->force_msg);
	ASSERT_STREQ(MSG_NEEDS_RAWIO, o->force_msg);
	ASSERT_EQ(0, o->plain_rc) TH_LOG("extack '%s'", o->plain_msg);
	MP_SAME(&self->e.c, &self->before, false);
}

/*
 * memplugctl with CAP_NET_ADMIN alone: every command that changes
 * something, and monitor, exit 4 saying what is needed; nothing changes.
 */
TEST_F_TIMEOUT(priv, controller_with_net_admin_only, MP_TIMEOUT)
{
	struct mp_run *run = self->run;
	char id[16], start[32];

	MP_NEED_DEVICE();
	NEED_CTL();
	snprintf(id, sizeof(id), "%u", self->r.id);
	snprintf(start, sizeof(start), "0x%" PRIx64,
		 self->e.dev_start + MP_MIB(512));
	CTL_CAPS(run, "net_admin", "plug", "--start", start, "--size", "256M");
	EXIT_IS(run, 4);
	STDERR_HAS(run, "CAP_SYS_ADMIN");
	CTL_CAPS(run, "net_admin", "unplug", id);
	EXIT_IS(run, 4);
	STDERR_HAS(run, "CAP_SYS_ADMIN");
	CTL_CAPS(run, "net_admin", "protect", id);
	EXIT_IS(run, 4);
	STDERR_HAS(run, "CAP_SYS_ADMIN");
	CTL_CAPS(run, "net_admin", "offline", id);
	EXIT_IS(run, 4);
	STDERR_HAS(run, "CAP_SYS_ADMIN");
	CTL_CAPS(run, "net_admin", "online", id);
	EXIT_IS(run, 4);
	STDERR_HAS(run, "CAP_SYS_ADMIN");
	CTL_CAPS(run, "net_admin", "monitor", "--count", "1", "--timeout", "5");
	EXIT_IS(run, 4);
	STDERR_HAS(run, "CAP_SYS_ADMIN");
	MP_UNCHANGED(&self->e.c, &self->before);
}

/*
 * memplugctl with CAP_SYS_ADMIN but not CAP_SYS_RAWIO: --force is refused
 * (exit 4) with the kernel's reason, while a plain plug and unplug work.
 */
TEST_F_TIMEOUT(priv, controller_force_without_rawio, MP_TIMEOUT)
{
	struct mp_run *run = self->run;
	char start[32], id[16];
	long long n;
	char *j;

	MP_NEED_DEVICE();
	NEED_CTL();
	snprintf(start, sizeof(start), "0x%" PRIx64,
		 self->e.dev_start + MP_MIB(512));
	CTL_CAPS(run, "sys_admin", "plug", "--start", start, "--size", "256M",
		 "--force", "--online", "none");
	EXIT_IS(run, 4);
	STDERR_HAS(run, MSG_NEEDS_RAWIO);
	MP_UNCHANGED(&self->e.c, &self->before);

	CTL_CAPS(run, "sys_admin", "plug", "--start", start, "--size", "256M",
		 "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	ASSERT_TRUE(mp_json_int(j, "id", &n)) TH_LOG("%s", j);
	free(j);
	snprintf(id, sizeof(id), "%lld", n);
	CTL_CAPS(run, "sys_admin", "unplug", id);
	EXIT_IS(run, 0);
	MP_SAME(&self->e.c, &self->before, false);
}

/* The child opens a socket as nobody and passes it over @arg (a unix fd). */
static void opener_child(struct priv_out *o, void *arg)
{
	int unix_fd = *(int *)arg;
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "s", .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	struct mp_sock s;
	int rc;

	rc = mp_become_nobody();
	if (!rc)
		rc = mp_sock_open(&s);
	if (rc)
		return child_fail(o, rc);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &s.fd, sizeof(int));
	if (sendmsg(unix_fd, &mh, 0) != 1)
		return child_fail(o, -errno);
	o->done = true;
}

static int recv_fd(int unix_fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(unix_fd, &mh, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

/*
 * Root, with every capability, writing on a socket that nobody opened (the
 * confused deputy): the opener's missing CAP_SYS_ADMIN is enough to refuse.
 * The kernel checks the opener only for messages without an explicit
 * destination address, so this one uses send(2); with sendto(2) to the
 * kernel's address the sender's own capabilities decide.
 */
TEST_F(priv, unprivileged_socket_used_by_root)
{
	struct priv_out *o = self->out;
	struct mp_ctx c;
	int sv[2], i;

	MP_NEED_DEVICE();
	ASSERT_TRUE(mp_have_cap(CAP_SYS_ADMIN));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	ASSERT_EQ(0, in_child(opener_child, &sv[1], o));
	ASSERT_EQ(0, o->setup_rc) TH_LOG("child: %s", o->setup_err);
	memset(&c, 0, sizeof(c));
	c.fam = self->e.c.fam;
	c.sock.fd = recv_fd(sv[0]);
	ASSERT_LE(0, c.sock.fd);
	c.sock.unaddressed = true;
	close(sv[0]);
	close(sv[1]);

	memset(o, 0, sizeof(*o));
	try_everything(&c, self->r.id, self->e.dev_start + MP_MIB(512), o);
	mp_close(&c);
	for (i = 0; i < REQ_COUNT; i++) {
		ASSERT_EQ(-EPERM, o->rc[i])
		TH_LOG("%s: %d (%s), extack '%s'", req_names[i], o->rc[i],
		       o->rc[i] ? strerror(-o->rc[i]) : "allowed", o->msg[i]);
	}
	ASSERT_EQ(0, o->status_rc);
	ASSERT_FALSE(o->st.has_pluggable);
	/*
	 * Joining a group checks only the caller (genl_bind in 6.1), so root
	 * may join on this socket; not asserted either way.
	 */
	TH_LOG("root joining the monitor group on nobody's socket: %s",
	       o->join_rc ? strerror(-o->join_rc) : "allowed");
	MP_UNCHANGED(&self->e.c, &self->before);
}

/* The control: the same requests on root's own socket work. */
TEST_F(priv, root_is_allowed)
{
	struct mp_status st;
	struct mp_range g;
	struct mp_ack ack;

	MP_NEED_DEVICE();
	MP_NL_OK(mp_status_get(&self->e.c, &st, &ack), ack);
	ASSERT_TRUE(st.has_pluggable);
	MP_NL_OK(mp_range_get(&self->e.c, self->r.id, &g, &ack), ack);
	ASSERT_EQ(self->r.id, g.id);
}

TEST_HARNESS_MAIN
