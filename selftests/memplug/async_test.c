// SPDX-License-Identifier: GPL-2.0
/*
 * async_test: long operations run in memplug's worker, not in a request.
 *
 *   - while an unplug spins on a page a helper module holds, another
 *     generic netlink family registers and unregisters (a helper module
 *     that registers one), CTRL_CMD_GETFAMILY answers, RANGE_GET shows
 *     the progress and a RANGE_ADD with VERIFY, the first to need the
 *     online page callback, replies at once (the worker takes the
 *     callback); RANGE_CANCEL then puts the range back as it was;
 *   - memplugctl plug --verify and unplug on a terminal show their progress,
 *     and Ctrl-C cancels them: exit 130, the plug rolled back, the range of
 *     the unplug as it was; without a terminal there is no progress line;
 *   - a plug cancelled at moments spread over its add leaves nothing;
 *   - the socket that asked for an unplug closes half way: an unplug that
 *     can finish does, one that spins is given up after its bound;
 *   - two processes plug, unplug and cancel the same ranges at once, over
 *     raw netlink and as two memplugctl, the cancels without waiting: no
 *     range is lost or leaked, and every range left is whole.
 *
 * Every outcome is checked in the event ring: the operation's events in
 * order, ending in its outcome with the kernel's errno and reason.
 */
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memplug_test.h"
#include "mp_environ.h"
#include "mp_event.h"
#include "mp_run.h"
#include "mp_state.h"

#define PIN "memplug_test_pin"
#define GENL "memplug_test_genl"
/* Generous for TCG; a request or a module load queued behind genetlink's
 * lock would wait for the whole unplug, which here never ends.
 */
#define ANSWER_MS 1000
#define MODULE_MS 10000
#define RACE_ROUNDS 25
#define MAX_EVENTS 4096

FIXTURE(async) {
	struct mp_env e;
	struct mp_snap boot;
	struct mp_event *ev;
};

FIXTURE_SETUP(async)
{
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	MP_OK(mp_snap_take(&self->e.c, &self->boot));
	self->ev = calloc(MAX_EVENTS, sizeof(*self->ev));
	ASSERT_NE(NULL, self->ev);
}

FIXTURE_TEARDOWN(async)
{
	mp_rmmod_if_loaded(GENL);
	free(self->ev);
	mp_snap_free(&self->boot);
	mp_env_teardown(&self->e);
}

static uint64_t next_seq(struct __test_metadata *_metadata, struct mp_ctx *c)
{
	struct mp_status st;
	struct mp_ack ack;

	MP_NL_OK(mp_status_get(c, &st, &ack), ack);
	return st.event_seq;
}

/*
 * The events of range @id since @from, into self->ev; returns how many.
 * *@last is the index of its last one.
 */
static int range_events(struct __test_metadata *_metadata,
			FIXTURE_DATA(async) *self, uint64_t from, uint32_t id,
			int *last)
{
	struct mp_ack ack;
	int n, i, out = 0;

	MP_NL_OK(mp_event_dump(&self->e.c, from, self->ev, MAX_EVENTS, &n,
			       &ack), ack);
	ASSERT_GT(n, 0);
	ASSERT_EQ(from, self->ev[0].seq) TH_LOG("the ring lost events");
	for (i = 0; i < n; i++) {
		if (!self->ev[i].has_range_id || self->ev[i].range_id != id)
			continue;
		self->ev[out++] = self->ev[i];
	}
	*last = out - 1;
	return out;
}

/* Log the events range_events() found. */
static void log_events(struct __test_metadata *_metadata,
		       FIXTURE_DATA(async) *self, int n)
{
	char line[512];
	int i;

	for (i = 0; i < n; i++) {
		mp_event_format(&self->ev[i], line, sizeof(line));
		TH_LOG("  %s", line);
	}
}

/*
 * Plug @nblk blocks at the device range and online them movable, the last
 * block first with the helper module holding a page in it, when @pin.
 */
static uint32_t plug_online(struct __test_metadata *_metadata,
			    FIXTURE_DATA(async) *self, unsigned int nblk,
			    bool pin)
{
	struct mp_env *e = &self->e;
	unsigned int last = nblk - 1, i;
	struct mp_range r;
	struct mp_ack ack;

	MP_NL_OK(mp_range_add(&e->c, e->dev_start, nblk * e->bs, NULL, &r,
			      &ack), ack);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGED, r.state);
	MP_OK(mp_block_set(e->dev_block + last, "online_movable"));
	/* Alone in ZONE_MOVABLE, the helper's pages land there. */
	if (pin)
		MP_OK(mp_pin(e->dev_start + last * e->bs, e->bs));
	for (i = 0; i < last; i++)
		MP_OK(mp_block_set(e->dev_block + i, "online_movable"));
	return r.id;
}

/* insmod or rmmod of the family helper in a child; its time, or -1. */
static int64_t module_op(bool load)
{
	int64_t t0 = mp_time_ms();
	char ko[512];
	int status;
	pid_t pid;

	snprintf(ko, sizeof(ko), "%s/%s.ko", mp_test_modules(), GENL);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid)
		_exit(load ? !!mp_insmod(ko, "") : !!mp_rmmod(GENL));
	if (mp_wait_pid(pid, MODULE_MS, &status) || status)
		return -1;
	return mp_time_ms() - t0;
}

/* CTRL_CMD_GETFAMILY of @name on a fresh socket; its time, or -1. */
static int64_t getfamily_ms(const char *name)
{
	int64_t t0 = mp_time_ms();
	struct mp_family fam;
	struct mp_sock s;
	struct mp_ack ack;
	int rc;

	if (mp_sock_open(&s))
		return -1;
	rc = mp_family_get(&s, name, &fam, &ack);
	mp_sock_close(&s);
	return rc ? -1 : mp_time_ms() - t0;
}

/*
 * An unplug spins on a held page in the worker. Meanwhile genetlink is
 * free: a family registers and unregisters, CTRL_CMD_GETFAMILY and
 * RANGE_GET answer at once. RANGE_CANCEL then stops the unplug; the core
 * puts back online what it had offlined, and the range is as it was.
 */
TEST_F_TIMEOUT(async, genl_free_while_unplug_spins, 600)
{
	struct mp_env *e = &self->e;
	const unsigned int nblk = 4, last = nblk - 1;
	struct mp_add_opts verify = { .verify = true };
	struct mp_snap plugged;
	struct mp_range r, g, v;
	struct mp_status st;
	struct mp_ack ack;
	int64_t t0, took;
	uint64_t from;
	uint32_t id;
	int n, end, i;

	MP_NEED_DEVICE();
	id = plug_online(_metadata, self, nblk, true);
	MP_OK(mp_snap_take(&e->c, &plugged));
	from = next_seq(_metadata, &e->c);

	e->c.nowait = true;
	t0 = mp_time_ms();
	MP_NL_OK(mp_range_del(&e->c, id, &r, &ack), ack);
	took = mp_time_ms() - t0;
	TH_LOG("RANGE_DEL answered in %" PRId64 " ms", took);
	ASSERT_LT(took, ANSWER_MS);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_UNPLUGGING, r.state);
	ASSERT_TRUE(mp_block_state_by(e->dev_block + last, "going-offline",
				   60000))
	TH_LOG("the unplug never reached the pinned block");

	t0 = mp_time_ms();
	MP_NL_OK(mp_range_get(&e->c, id, &g, &ack), ack);
	ASSERT_LT(mp_time_ms() - t0, ANSWER_MS);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_UNPLUGGING, g.state);
	ASSERT_TRUE(g.has_blocks_done);
	ASSERT_EQ(last, g.blocks_done) TH_LOG("progress while spinning");
	ASSERT_EQ((uint64_t)last * e->bs, g.bytes_done);

	/*
	 * Taking the online page callback waits for the hotplug lock the
	 * removal holds: the worker takes it, after the removal.
	 */
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	ASSERT_EQ(MEMPLUG_ONLINE_CB_IDLE, st.online_cb);
	t0 = mp_time_ms();
	MP_NL_OK(mp_range_add(&e->c, e->dev_start + nblk * e->bs, e->bs,
			      &verify, &v, &ack), ack);
	took = mp_time_ms() - t0;
	TH_LOG("RANGE_ADD with VERIFY answered in %" PRId64 " ms", took);
	ASSERT_LT(took, ANSWER_MS);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGING, v.state);

	took = module_op(true);
	TH_LOG("a family registered in %" PRId64 " ms", took);
	ASSERT_GE(took, 0) TH_LOG("registering a family hung or failed");
	took = getfamily_ms("memplug_tgenl");
	TH_LOG("CTRL_CMD_GETFAMILY answered in %" PRId64 " ms", took);
	ASSERT_GE(took, 0);
	ASSERT_LT(took, ANSWER_MS);
	took = module_op(false);
	TH_LOG("the family unregistered in %" PRId64 " ms", took);
	ASSERT_GE(took, 0) TH_LOG("unregistering a family hung or failed");
	ASSERT_EQ(-1, getfamily_ms("memplug_tgenl"));

	/* Still spinning: the worker gives up only when told to. */
	MP_NL_OK(mp_range_get(&e->c, id, &g, &ack), ack);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_UNPLUGGING, g.state);

	MP_NL_OK(mp_range_cancel(&e->c, id, &g, &ack), ack);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_UNPLUGGING, g.state)
	TH_LOG("a cancel does not wait, the reply says %s",
	       MP_ENUM_STR(range_state, g.state));
	MP_OK(mp_range_settle(&e->c, id, &g));
	ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGED, g.state);
	ASSERT_EQ(nblk, g.blocks_online);
	ASSERT_TRUE(g.has_fail_reason);
	ASSERT_STREQ("memplug: unplug cancelled; the range stays plugged",
		     g.fail_reason);
	for (i = 0; i < (int)nblk; i++)
		MP_BLOCK_STATE(e->dev_block + i, "online");
	/* The verified range's add ran once the worker was free. */
	MP_OK(mp_range_settle(&e->c, v.id, &g));
	ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGED, g.state);
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	ASSERT_EQ(MEMPLUG_ONLINE_CB_MEMPLUG, st.online_cb);
	e->c.nowait = false;
	MP_NL_OK(mp_range_del(&e->c, v.id, NULL, &ack), ack);
	e->c.nowait = true;
	MP_SAME(&e->c, &plugged, false);
	mp_snap_free(&plugged);

	/* In order: offline up to the pinned block, back online, the end. */
	n = range_events(_metadata, self, from, id, &end);
	log_events(_metadata, self, n);
	ASSERT_GE(n, 2 * (int)last + 2);
	ASSERT_EQ(MEMPLUG_EVENT_UNPLUG_FAILED, self->ev[end].action);
	ASSERT_TRUE(self->ev[end].has_error);
	ASSERT_EQ(-ECANCELED, self->ev[end].error);
	ASSERT_STREQ("memplug: unplug cancelled; the range stays plugged",
		     self->ev[end].reason);
	ASSERT_EQ(e->dev_block + last, self->ev[end].block);
	ASSERT_EQ(MEMPLUG_EVENT_GOING_OFFLINE, self->ev[0].action);
	i = mp_event_find(self->ev, n, 0, MEMPLUG_EVENT_OFFLINE, -1);
	ASSERT_GE(i, 0);
	ASSERT_TRUE(self->ev[i].has_blocks_done);
	ASSERT_EQ(1, self->ev[i].blocks_done);
	ASSERT_EQ(nblk, self->ev[i].blocks_total);
	ASSERT_LT(i, mp_event_find(self->ev, n, 0, MEMPLUG_EVENT_CANCEL_OFFLINE,
				   e->dev_block + last));
	ASSERT_GE(mp_event_find(self->ev, n, i, MEMPLUG_EVENT_ONLINE,
				e->dev_block), 0)
	TH_LOG("block %u was not put back online", e->dev_block);

	e->c.nowait = false;
	MP_OK(mp_rmmod(PIN));
	MP_NL_OK(mp_range_del(&e->c, id, NULL, &ack), ack);
	MP_SAME(&e->c, &self->boot, false);
}

/* What a program run on a terminal wrote to it, and how it ended. */
struct tty_run {
	char out[8192];
	size_t len;
	int status;
};

/*
 * Read what the program behind @fd writes until @until (if not NULL)
 * appears, or until it exits; up to @ms. Whether @until appeared.
 */
static bool tty_read(int fd, struct tty_run *t, const char *until, int ms)
{
	int64_t deadline = mp_time_ms() + ms;

	while (mp_time_ms() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(fd, t->out + t->len, sizeof(t->out) - 1 - t->len);
		if (n <= 0)
			return false; /* EIO: the program is gone */
		t->len += n;
		t->out[t->len] = '\0';
		if (until && strstr(t->out, until))
			return true;
	}
	return false;
}

/*
 * Run memplugctl @args on a pseudo-terminal until @until appears on it,
 * then send SIGINT, as Ctrl-C would, and read it to its end.
 */
static void tty_ctl_interrupt(struct __test_metadata *_metadata,
			      const char *const args[], const char *until,
			      struct tty_run *t)
{
	int fd;
	pid_t pid;

	fflush(stdout);
	pid = forkpty(&fd, NULL, NULL, NULL);
	ASSERT_GE(pid, 0);
	if (!pid) {
		execv(mp_ctl_path(), (char *const *)args);
		_exit(127);
	}
	ASSERT_TRUE(tty_read(fd, t, until, 60000))
	TH_LOG("no '%s' within 60 s: '%s'", until, t->out);
	ASSERT_EQ(0, kill(pid, SIGINT));
	tty_read(fd, t, NULL, 60000);
	close(fd);
	MP_OK(mp_wait_pid(pid, 60000, &t->status));
}

/* @text with carriage returns shown, for the log. */
static void tty_log(struct __test_metadata *_metadata, const char *text)
{
	char line[8192];
	size_t i, o = 0;

	for (i = 0; text[i] && o + 4 < sizeof(line); i++) {
		if (text[i] == '\r') {
			memcpy(line + o, "\\r", 2);
			o += 2;
		} else {
			line[o++] = text[i];
		}
	}
	line[o] = '\0';
	TH_LOG("on the terminal: %s", line);
}

/*
 * memplugctl unplug on a terminal while the unplug spins on a held page:
 * a progress line on stderr after a second (blocks and GiB done, rate),
 * rewritten in place; Ctrl-C cancels the unplug through the kernel, and
 * memplugctl exits 130 saying where the range stands, which is plugged
 * and online as before. The same unplug with --timeout and no terminal
 * prints no progress line.
 */
TEST_F_TIMEOUT(async, ctl_unplug_progress_and_ctrl_c, 600)
{
	struct mp_env *e = &self->e;
	const unsigned int nblk = e->dev_size / e->bs, last = nblk - 1;
	struct mp_snap plugged;
	struct tty_run *t;
	struct mp_run *run;
	char id[16], want[64];
	const char *args[] = { "memplugctl", "unplug", id, NULL };
	struct mp_range g;
	struct mp_ack ack;
	int i;

	MP_NEED_DEVICE();
	ASSERT_EQ(0, access(mp_ctl_path(), X_OK));
	t = calloc(1, sizeof(*t));
	run = calloc(1, sizeof(*run));
	ASSERT_NE(NULL, t);
	ASSERT_NE(NULL, run);
	snprintf(id, sizeof(id), "%u", plug_online(_metadata, self, nblk, true));
	MP_OK(mp_snap_take(&e->c, &plugged));

	snprintf(want, sizeof(want), "%u/%u blocks", last, nblk);
	tty_ctl_interrupt(_metadata, args, want, t);
	tty_log(_metadata, t->out);
	ASSERT_NE(NULL, strstr(t->out, "unplugging range"));
	ASSERT_NE(NULL, strstr(t->out, "\r"));
	ASSERT_EQ(130, t->status);
	ASSERT_NE(NULL, strstr(t->out, "cancelled by SIGINT"));
	ASSERT_NE(NULL, strstr(t->out, "remains plugged and online"));
	MP_NL_OK(mp_range_get(&e->c, atoi(id), &g, &ack), ack);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGED, g.state);
	ASSERT_EQ(nblk, g.blocks_online);
	for (i = 0; i < (int)nblk; i++)
		MP_BLOCK_STATE(e->dev_block + i, "online");
	MP_SAME(&e->c, &plugged, false);

	/* No terminal: no progress line, and a timeout cancels the same way. */
	MP_OK(mp_run_ctl(run, 120, "unplug", id, "--timeout", "3", NULL));
	TH_LOG("unplug --timeout 3: exit %d, stderr '%s'", run->status,
	       run->err);
	ASSERT_EQ(5, run->status);
	ASSERT_NE(NULL, strstr(run->err, "timed out after 3s"));
	ASSERT_EQ(NULL, strchr(run->err, '\r'));
	ASSERT_EQ(NULL, strstr(run->err, " blocks, "));
	MP_SAME(&e->c, &plugged, false);
	mp_snap_free(&plugged);

	MP_OK(mp_rmmod(PIN));
	MP_OK(mp_run_ctl(run, 120, "unplug", id, NULL));
	ASSERT_EQ(0, run->status) TH_LOG("%s", run->err);
	MP_SAME(&e->c, &self->boot, false);
	free(run);
	free(t);
}

/*
 * memplugctl plug --verify of the whole device range on a terminal: the
 * verify makes onlining take seconds, and a progress line shows the blocks
 * onlined; Ctrl-C then stops the onlining, memplugctl rolls the plug back
 * and exits 130, and nothing is left.
 */
TEST_F_TIMEOUT(async, ctl_plug_progress_and_ctrl_c, 600)
{
	struct mp_env *e = &self->e;
	char start[32], size[32];
	const char *args[] = { "memplugctl", "plug", "--start", start, "--size",
			       size, "--verify", NULL };
	struct tty_run *t;

	MP_NEED_DEVICE();
	ASSERT_EQ(0, access(mp_ctl_path(), X_OK));
	t = calloc(1, sizeof(*t));
	ASSERT_NE(NULL, t);
	snprintf(start, sizeof(start), "0x%" PRIx64, e->dev_start);
	snprintf(size, sizeof(size), "%" PRIu64 "M", e->dev_size >> 20);
	tty_ctl_interrupt(_metadata, args, " blocks, ", t);
	tty_log(_metadata, t->out);
	ASSERT_NE(NULL, strstr(t->out, "plugging 0x"));
	ASSERT_EQ(130, t->status);
	ASSERT_NE(NULL, strstr(t->out, "cancelled by SIGINT"));
	ASSERT_NE(NULL, strstr(t->out, "nothing left plugged"));
	MP_SAME(&e->c, &self->boot, false);
	free(t);
}

/* RANGE_ADD with HOLD, not waited for. */
static int add_held(struct mp_ctx *c, uint64_t start, uint64_t size,
		    struct mp_range *r, struct mp_ack *ack)
{
	struct mp_msg m;

	mp_req_init(c, &m, MEMPLUG_CMD_RANGE_ADD, false);
	mp_put_u64(&m, MEMPLUG_A_RANGE_START, start);
	mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, size);
	mp_put_flag(&m, MEMPLUG_A_RANGE_HOLD);
	mp_put_flag(&m, MEMPLUG_A_RANGE_DEFER_ONLINE);
	return mp_transact_range(c, &m, r, ack);
}

/*
 * A plug cancelled after delays spread over its add ends as cancelled
 * (PLUG_FAILED, ECANCELED) before the add started or while it ran, and is
 * rolled back (UNPLUG) if memory was added: PLUG_FAILED alone,
 * PLUG_FAILED then UNPLUG, or PLUG then UNPLUG. Nothing is left.
 */
TEST_F_TIMEOUT(async, cancel_plug, 600)
{
	struct mp_env *e = &self->e;
	int round, before = 0, during = 0, after = 0;
	int64_t add_ms;
	struct mp_range r, g;
	struct mp_ack ack;

	MP_NEED_DEVICE();
	/* How long an add of the whole device range takes here. */
	add_ms = mp_time_ms();
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->dev_size, NULL, &r, &ack),
		 ack);
	add_ms = mp_time_ms() - add_ms;
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	TH_LOG("a plug of %" PRIu64 " MiB takes %" PRId64 " ms",
	       e->dev_size >> 20, add_ms);

	e->c.nowait = true;
	for (round = 0; round < 8; round++) {
		unsigned int delay = (unsigned int)(add_ms * round / 6);
		uint64_t from = next_seq(_metadata, &e->c);
		int n, end;

		MP_NL_OK(add_held(&e->c, e->dev_start, e->dev_size, &r, &ack),
			 ack);
		ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGING, r.state);
		mp_sleep_ms(delay);
		MP_NL_OK(mp_range_cancel(&e->c, r.id, &g, &ack), ack);
		ASSERT_EQ(-ENOENT, mp_range_settle(&e->c, r.id, &g))
		TH_LOG("cancelled plug of range %u left it %s", r.id,
		       MP_ENUM_STR(range_state, g.state));

		n = range_events(_metadata, self, from, r.id, &end);
		log_events(_metadata, self, n);
		if (self->ev[0].action == MEMPLUG_EVENT_PLUG_FAILED) {
			ASSERT_EQ(-ECANCELED, self->ev[0].error);
			ASSERT_STREQ("memplug: the plug was cancelled",
				     self->ev[0].reason);
		} else {
			ASSERT_EQ(MEMPLUG_EVENT_PLUG, self->ev[0].action);
		}
		if (n == 1) {
			ASSERT_EQ(MEMPLUG_EVENT_PLUG_FAILED, self->ev[0].action);
			before++;
		} else {
			ASSERT_EQ(MEMPLUG_EVENT_UNPLUG, self->ev[end].action);
			if (self->ev[0].action == MEMPLUG_EVENT_PLUG)
				after++;
			else
				during++;
		}
		MP_SAME(&e->c, &self->boot, false);
	}
	TH_LOG("cancelled %d plugs before the add, %d during it, %d after it",
	       before, during, after);
}

/*
 * The socket that asked for an unplug closes while it runs. An unplug that
 * can finish finishes; one that spins on a held page is given up once its
 * bound (1 s + 100 ms per block) has passed since, with ETIMEDOUT.
 */
TEST_F_TIMEOUT(async, requester_gone_mid_unplug, 600)
{
	struct mp_env *e = &self->e;
	const unsigned int nblk = 4;
	struct mp_range r, g;
	struct mp_ctx asker;
	struct mp_ack ack;
	int64_t t0, took;
	uint64_t from;
	uint32_t id;
	int n, end;

	MP_NEED_DEVICE();
	id = plug_online(_metadata, self, nblk, false);
	MP_OK(mp_open(&asker));
	asker.nowait = true;
	MP_NL_OK(mp_range_del(&asker, id, &r, &ack), ack);
	mp_close(&asker);
	ASSERT_EQ(-ENOENT, mp_range_settle(&e->c, id, &g))
	TH_LOG("range %u is %s", id, MP_ENUM_STR(range_state, g.state));
	MP_SAME(&e->c, &self->boot, false);

	id = plug_online(_metadata, self, nblk, true);
	from = next_seq(_metadata, &e->c);
	MP_OK(mp_open(&asker));
	asker.nowait = true;
	MP_NL_OK(mp_range_del(&asker, id, &r, &ack), ack);
	ASSERT_TRUE(mp_block_state_by(e->dev_block + nblk - 1, "going-offline",
				   60000));
	t0 = mp_time_ms();
	mp_close(&asker);
	MP_OK(mp_range_settle(&e->c, id, &g));
	took = mp_time_ms() - t0;
	TH_LOG("the orphaned unplug gave up after %" PRId64 " ms", took);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGED, g.state);
	ASSERT_EQ(nblk, g.blocks_online);
	ASSERT_GE(took, 1000 + 100 * nblk - 200);
	ASSERT_LT(took, 30000);
	n = range_events(_metadata, self, from, id, &end);
	log_events(_metadata, self, n);
	ASSERT_EQ(MEMPLUG_EVENT_UNPLUG_FAILED, self->ev[end].action);
	ASSERT_EQ(-ETIMEDOUT, self->ev[end].error);
	ASSERT_EQ(-EINTR, g.fail_errno);

	MP_OK(mp_rmmod(PIN));
	MP_NL_OK(mp_range_del(&e->c, id, NULL, &ack), ack);
	MP_SAME(&e->c, &self->boot, false);
}

/* The id of the range at @start, 0 if none. */
static uint32_t range_at(struct mp_ctx *c, uint64_t start)
{
	struct mp_range r[8];
	struct mp_ack ack;
	int n, i;

	if (mp_range_dump(c, r, 8, &n, &ack))
		return 0;
	for (i = 0; i < n && i < 8; i++)
		if (r[i].start == start)
			return r[i].id;
	return 0;
}

/*
 * One racer: plugs, unplugs and cancels the two ranges at random. Every
 * refusal the race may cause is fine; any other failure is not. Exits 0,
 * or the round that failed.
 */
static int racer(uint64_t start0, uint64_t start1, uint64_t size,
		 unsigned int seed)
{
	struct mp_range r;
	struct mp_ack ack;
	struct mp_ctx c;
	int round, rc;

	if (mp_open(&c))
		return 100;
	srand(seed);
	for (round = 1; round <= RACE_ROUNDS; round++) {
		uint64_t start = rand() % 2 ? start1 : start0;
		uint32_t id = range_at(&c, start);

		switch (rand() % 3) {
		case 0:
			rc = mp_range_add(&c, start, size, NULL, &r, &ack);
			break;
		case 1:
			rc = id ? mp_range_del(&c, id, NULL, &ack) : 0;
			break;
		default:
			c.nowait = true;
			rc = id ? mp_range_cancel(&c, id, NULL, &ack) : 0;
			c.nowait = false;
			break;
		}
		if (rc && rc != -EEXIST && rc != -EBUSY && rc != -ENOENT &&
		    rc != -EINVAL && rc != -ECANCELED) {
			fprintf(stderr, "round %d: %s: %s\n", round,
				strerror(-rc), ack.msg);
			mp_close(&c);
			return round;
		}
	}
	mp_close(&c);
	return 0;
}

/*
 * One racer through memplugctl: plug, unplug and cancel as an operator
 * would. A refusal (exit 1, or 5 for a busy range) is fine; a usage or
 * privilege error, a crash or a hang is not. Exits 0, or the round that
 * failed.
 */
static int ctl_racer(uint64_t start0, uint64_t start1, uint64_t size,
		     unsigned int seed)
{
	static struct mp_run run;
	char id[16], start[32], sz[32];
	struct mp_ctx c;
	int round, rc;

	if (mp_open(&c))
		return 100;
	srand(seed);
	snprintf(sz, sizeof(sz), "%" PRIu64 "M", size >> 20);
	for (round = 1; round <= RACE_ROUNDS; round++) {
		uint64_t at = rand() % 2 ? start1 : start0;

		snprintf(start, sizeof(start), "0x%" PRIx64, at);
		snprintf(id, sizeof(id), "%u", range_at(&c, at));
		switch (rand() % 3) {
		case 0:
			rc = mp_run_ctl(&run, 300, "plug", "--start", start,
					"--size", sz, NULL);
			break;
		case 1:
			rc = mp_run_ctl(&run, 300, "unplug", id, NULL);
			break;
		default:
			rc = mp_run_ctl(&run, 300, "cancel", id, NULL);
			break;
		}
		if (rc || run.timed_out ||
		    (run.status != 0 && run.status != 1 && run.status != 5)) {
			fprintf(stderr, "round %d: exit %d%s: %s\n", round,
				run.status, run.timed_out ? " (hung)" : "",
				run.err);
			mp_close(&c);
			return round;
		}
	}
	mp_close(&c);
	return 0;
}

typedef int (*racer_fn)(uint64_t start0, uint64_t start1, uint64_t size,
			unsigned int seed);

/*
 * Two @racer processes on the same two ranges. Afterwards every range
 * left is whole and settled, and once they are unplugged nothing is
 * leaked: the registry, /proc/iomem, the blocks and MemTotal are as at
 * boot.
 */
static void race(struct __test_metadata *_metadata, FIXTURE_DATA(async) *self,
		 racer_fn racer)
{
	struct mp_env *e = &self->e;
	uint64_t size = e->dev_size / 4;
	uint64_t start1 = e->dev_start + e->dev_size / 2;
	struct mp_status st0, st;
	struct mp_range left[8];
	struct mp_ack ack;
	int status[2], i, n;
	pid_t pid[2];

	MP_NL_OK(mp_status_get(&e->c, &st0, &ack), ack);
	fflush(stdout);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		ASSERT_GE(pid[i], 0);
		if (!pid[i])
			_exit(racer(e->dev_start, start1, size, 1000 + i));
	}
	for (i = 0; i < 2; i++) {
		MP_OK(mp_wait_pid(pid[i], 600000, &status[i]));
		ASSERT_EQ(0, status[i]) TH_LOG("racer %d failed", i);
	}
	MP_OK(mp_settle(&e->c, 120000));
	MP_NL_OK(mp_range_dump(&e->c, left, 8, &n, &ack), ack);
	ASSERT_LE(n, 2);
	for (i = 0; i < n; i++) {
		TH_LOG("left: range %u at 0x%" PRIx64 ", %s", left[i].id,
		       left[i].start, MP_ENUM_STR(range_state, left[i].state));
		ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGED, left[i].state);
		ASSERT_EQ(size, left[i].size);
		ASSERT_EQ(left[i].blocks, left[i].blocks_present);
	}
	ASSERT_EQ(n, mp_unplug_all(&e->c)) TH_LOG("%s", mp_errstr());
	MP_SAME(&e->c, &self->boot, false);
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	ASSERT_EQ(st0.objects, st.objects) TH_LOG("objects leaked");
	TH_LOG("%" PRIu64 " plugs, %" PRIu64 " unplugs, %" PRIu64
	       " failed plugs, %" PRIu64 " failed unplugs",
	       st.plugs - st0.plugs, st.unplugs - st0.unplugs,
	       st.plug_failures - st0.plug_failures,
	       st.unplug_failures - st0.unplug_failures);
}

TEST_F_TIMEOUT(async, racers, 900)
{
	MP_NEED_DEVICE();
	race(_metadata, self, racer);
}

TEST_F_TIMEOUT(async, ctl_racers, 900)
{
	MP_NEED_DEVICE();
	ASSERT_EQ(0, access(mp_ctl_path(), X_OK))
	TH_LOG("controller %s: %s", mp_ctl_path(), strerror(errno));
	race(_metadata, self, ctl_racer);
}

TEST_HARNESS_MAIN
