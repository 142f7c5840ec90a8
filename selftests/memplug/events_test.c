// SPDX-License-Identifier: GPL-2.0
/*
 * events_test: memplug's event stream as a listener sees it.
 *
 * A socket joined to the "monitor" group before anything happens must get
 * every step, in order, with consecutive sequence numbers, and the ring
 * (EVENT_GET) must hold the same events:
 *   - a plug, onlining, offlining and unplug of one range;
 *   - boot memory (not memplug's) offlined and onlined through sysfs, which
 *     shows up without a range id;
 *   - a plug whose onlining memory-notifier-error-inject vetoes, before
 *     and after memplug in the notifier chain: cancel-online in the stream,
 *     memplugctl exits 1 with the errno and nothing stays plugged;
 *   - a listener that cannot keep up (tiny receive buffer) gets ENOBUFS
 *     and finds every event it lost in the ring; a ring smaller than the
 *     burst shows the gap;
 *   - a listener without CAP_NET_ADMIN cannot join and receives nothing.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "memplug_test.h"
#include "mp_event.h"

#define EV_MAX 4096
/*
 * How long a listener waits for more events before it calls it quiet.
 * memplug multicasts from within the step, so by the time the write or
 * request that caused an event returns, the event is queued.
 */
#define EV_QUIET_MS 250

FIXTURE(events) {
	struct mp_env e;
	struct mp_monitor mon;
	struct mp_event *ev; /* EV_MAX, what the listener got */
	struct mp_event *ring; /* EV_MAX, what EVENT_GET returned */
};

FIXTURE_SETUP(events)
{
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup (remove leftovers, load memplug): %s",
				mp_errstr());
	self->mon.fd = -1;
	rc = mp_memplug_restore(&self->e.c);
	ASSERT_EQ(0, rc) TH_LOG("loading memplug as by default: %s",
				mp_errstr());
	self->ev = calloc(EV_MAX, sizeof(*self->ev));
	self->ring = calloc(EV_MAX, sizeof(*self->ring));
	ASSERT_NE(NULL, self->ev);
	ASSERT_NE(NULL, self->ring);
}

FIXTURE_TEARDOWN(events)
{
	mp_monitor_close(&self->mon);
	free(self->ev);
	free(self->ring);
	mp_env_teardown(&self->e);
	mp_memplug_restore(&self->e.c);
	mp_close(&self->e.c);
}

static void log_events(struct __test_metadata *_metadata, const char *what,
		       const struct mp_event *ev, int n)
{
	char line[512];
	int i;

	for (i = 0; i < n; i++) {
		mp_event_format(&ev[i], line, sizeof(line));
		TH_LOG("%s[%d]: %s", what, i, line);
	}
}

static uint64_t next_seq(struct __test_metadata *_metadata, struct mp_ctx *c)
{
	struct mp_status st;
	struct mp_ack ack;

	MP_NL_OK(mp_status_get(c, &st, &ack), ack);
	return st.event_seq;
}

/* Listen from now on; the join happens before the caller acts. */
#define LISTEN(rcvbuf)                                                        \
	MP_OK(mp_monitor_open(&self->mon, &self->e.c.fam, (rcvbuf), false))

/* Read what the listener got into self->ev; *n events, no loss allowed. */
static void drain(struct __test_metadata *_metadata, FIXTURE_DATA(events) *self,
		  int *n)
{
	int enobufs;

	MP_OK(mp_monitor_drain(&self->mon, self->ev, EV_MAX, n, &enobufs,
			       EV_QUIET_MS));
	ASSERT_EQ(0, enobufs) TH_LOG("the listener lost events");
	ASSERT_LE(*n, EV_MAX);
}

/*
 * The listener's events are consecutive from @first, and the ring holds
 * exactly the same ones from @first on.
 */
static void ring_agrees(struct __test_metadata *_metadata,
			FIXTURE_DATA(events) *self, uint64_t first, int n)
{
	struct mp_ack ack;
	char why[128];
	int i, m;

	for (i = 0; i < n; i++) {
		ASSERT_TRUE(self->ev[i].has_seq);
		ASSERT_EQ(first + i, self->ev[i].seq)
		TH_LOG("listener event %d out of sequence", i);
		ASSERT_EQ(MEMPLUG_CMD_EVENT_NTF, self->ev[i].cmd);
	}
	MP_NL_OK(mp_event_dump(&self->e.c, first, self->ring, EV_MAX, &m, &ack),
		 ack);
	ASSERT_EQ(n, m) TH_LOG("listener got %d events, ring has %d", n, m);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(MEMPLUG_CMD_EVENT_GET, self->ring[i].cmd);
		ASSERT_TRUE(mp_event_same(&self->ev[i], &self->ring[i], why,
					  sizeof(why)))
		TH_LOG("event seq %" PRIu64 ": listener and ring differ: %s",
		       self->ev[i].seq, why);
	}
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* What a memory block's notifier step must look like. */
static void block_event_is(struct __test_metadata *_metadata,
			   const struct mp_event *ev, uint32_t action,
			   unsigned int blk, uint64_t bs, const char *zone,
			   const struct mp_range *r)
{
	char line[512];

	mp_event_format(ev, line, sizeof(line));
	ASSERT_EQ(action, ev->action)
	TH_LOG("want %s, got %s", MP_ENUM_STR(event_action, action), line);
	ASSERT_EQ(blk, ev->block) TH_LOG("%s", line);
	ASSERT_EQ((uint64_t)blk * bs, ev->start) TH_LOG("%s", line);
	ASSERT_EQ(bs, ev->size) TH_LOG("%s", line);
	ASSERT_EQ(ev->start / 4096, ev->start_pfn) TH_LOG("%s", line);
	ASSERT_EQ(bs / 4096, ev->nr_pages) TH_LOG("%s", line);
	ASSERT_TRUE(ev->has_node) TH_LOG("%s", line);
	ASSERT_EQ(0, ev->node) TH_LOG("%s", line);
	ASSERT_TRUE(ev->has_zone) TH_LOG("%s", line);
	ASSERT_STREQ(zone, ev->zone) TH_LOG("%s", line);
	ASSERT_FALSE(ev->has_veto_errno) TH_LOG("%s", line);
	ASSERT_FALSE(ev->has_veto_reason) TH_LOG("%s", line);
	if (r) {
		ASSERT_TRUE(ev->has_range_id) TH_LOG("%s", line);
		ASSERT_EQ(r->id, ev->range_id) TH_LOG("%s", line);
	} else {
		ASSERT_FALSE(ev->has_range_id)
		TH_LOG("boot memory with a range id: %s", line);
	}
}

/* A plug or unplug event of range @r. */
static void range_event_is(struct __test_metadata *_metadata,
			   const struct mp_event *ev, uint32_t action,
			   const struct mp_range *r, uint64_t bs)
{
	char line[512];

	mp_event_format(ev, line, sizeof(line));
	ASSERT_EQ(action, ev->action)
	TH_LOG("want %s, got %s", MP_ENUM_STR(event_action, action), line);
	ASSERT_TRUE(ev->has_range_id) TH_LOG("%s", line);
	ASSERT_EQ(r->id, ev->range_id) TH_LOG("%s", line);
	ASSERT_EQ(r->start, ev->start) TH_LOG("%s", line);
	ASSERT_EQ(r->size, ev->size) TH_LOG("%s", line);
	ASSERT_EQ(r->start / 4096, ev->start_pfn) TH_LOG("%s", line);
	ASSERT_EQ(r->size / 4096, ev->nr_pages) TH_LOG("%s", line);
	ASSERT_EQ(r->start / bs, ev->block) TH_LOG("%s", line);
	ASSERT_TRUE(ev->has_node) TH_LOG("%s", line);
	ASSERT_EQ((int32_t)r->node, ev->node) TH_LOG("%s", line);
	ASSERT_FALSE(ev->has_veto_errno) TH_LOG("%s", line);
}

/*
 * Plug 256 MiB, online both blocks, offline one through sysfs, unplug: ten
 * events in exactly this order, consecutive, the same in the ring.
 */
TEST_F_TIMEOUT(events, plug_online_offline_unplug_in_order, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	unsigned int b0 = e->dev_block, b1 = e->dev_block + 1;
	static const struct {
		uint32_t action;
		int blk; /* 0, 1: b0, b1; -1: a range event */
	} want[] = {
		{ MEMPLUG_EVENT_PLUG, -1 },
		{ MEMPLUG_EVENT_GOING_ONLINE, 0 },
		{ MEMPLUG_EVENT_ONLINE, 0 },
		{ MEMPLUG_EVENT_GOING_ONLINE, 1 },
		{ MEMPLUG_EVENT_ONLINE, 1 },
		{ MEMPLUG_EVENT_GOING_OFFLINE, 1 },
		{ MEMPLUG_EVENT_OFFLINE, 1 },
		{ MEMPLUG_EVENT_GOING_OFFLINE, 0 },
		{ MEMPLUG_EVENT_OFFLINE, 0 },
		{ MEMPLUG_EVENT_UNPLUG, -1 },
	};
	uint64_t first, t0, rt0, rt1;
	struct mp_range r;
	struct mp_ack ack;
	unsigned int i;
	int n;

	MP_NEED_DEVICE();
	LISTEN(0);
	first = next_seq(_metadata, &e->c);
	rt0 = realtime_ns();

	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), NULL, &r, &ack),
		 ack);
	MP_OK(mp_block_set(b0, "online_movable"));
	MP_OK(mp_block_set(b1, "online_movable"));
	MP_OK(mp_block_set(b1, "offline"));
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	rt1 = realtime_ns();

	drain(_metadata, self, &n);
	log_events(_metadata, "listener", self->ev, n);
	ASSERT_EQ(ARRAY_SIZE(want), n);
	t0 = self->ev[0].time_ns;
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		const struct mp_event *ev = &self->ev[i];

		if (want[i].blk < 0)
			range_event_is(_metadata, ev, want[i].action, &r, e->bs);
		else
			block_event_is(_metadata, ev, want[i].action,
				       want[i].blk ? b1 : b0, e->bs, "Movable",
				       &r);
		ASSERT_GE(ev->time_ns, t0) TH_LOG("event %u went back in time", i);
		t0 = ev->time_ns;
		ASSERT_GE(ev->realtime_ns, rt0);
		ASSERT_LE(ev->realtime_ns, rt1);
	}
	ASSERT_FALSE(self->ev[0].has_zone);
	ASSERT_EQ(first + ARRAY_SIZE(want), next_seq(_metadata, &e->c));
	ring_agrees(_metadata, self, first, n);
}

static volatile sig_atomic_t alarm_fired;

static void on_alarm(int sig)
{
	alarm_fired = 1;
}

/*
 * Offline boot block @blk, giving up after @secs: offlining loops while it
 * migrates, and a pending signal makes it stop with EINTR.
 */
static int offline_bounded(unsigned int blk, unsigned int secs)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	int rc;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	alarm_fired = 0;
	alarm(secs);
	rc = mp_block_set(blk, "offline");
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	return rc;
}

/* Online boot blocks outside the device range, highest first. */
static int boot_candidates(const struct mp_env *e, unsigned int *out, int max)
{
	unsigned int dev_end = e->dev_block + e->dev_size / e->bs;
	int n = 0;
	long blk;

	for (blk = 4095; blk >= 0 && n < max; blk--) {
		char state[32], path[128], removable[8] = "1";

		if (blk >= e->dev_block && blk < dev_end)
			continue;
		if (mp_block_state(blk, state, sizeof(state)) ||
		    strcmp(state, "online"))
			continue;
		snprintf(path, sizeof(path), MP_SYSFS_MEMORY "/memory%ld/removable",
			 blk);
		mp_read_str(path, removable, sizeof(removable));
		if (strcmp(removable, "1"))
			continue;
		out[n++] = blk;
	}
	return n;
}

/*
 * A boot memory block offlined and onlined again through sysfs: the four
 * steps are events, without a range id, in the block's zone.
 */
TEST_F_TIMEOUT(events, boot_memory_without_range, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	unsigned int cand[64], blk = 0;
	char zone[64], state[32];
	long long mt0;
	int i, n, nc, rc = -1, at;

	LISTEN(0);
	nc = boot_candidates(e, cand, ARRAY_SIZE(cand));
	ASSERT_GT(nc, 0) TH_LOG("no online boot memory block to try");
	mt0 = mp_memtotal_kb();
	for (i = 0; i < nc && rc; i++) {
		blk = cand[i];
		MP_OK(mp_block_zones(blk, zone, sizeof(zone)));
		rc = offline_bounded(blk, 20);
		TH_LOG("offlining boot block memory%u (%s): %s", blk, zone,
		       rc ? strerror(-rc) : "done");
	}
	ASSERT_EQ(0, rc) TH_LOG("none of %d boot blocks could be offlined", nc);
	MP_BLOCK_STATE(blk, "offline");
	ASSERT_EQ(mt0 - MP_KB(e->bs), mp_memtotal_kb());
	rc = mp_block_set(blk, "online");
	ASSERT_EQ(0, rc) TH_LOG("could not give boot block memory%u back: %s",
				blk, mp_errstr());
	MP_OK(mp_block_state(blk, state, sizeof(state)));
	ASSERT_STREQ("online", state);
	ASSERT_EQ(mt0, mp_memtotal_kb());

	drain(_metadata, self, &n);
	log_events(_metadata, "listener", self->ev, n);
	/* Blocks that refused went through going-offline, cancel-offline. */
	at = mp_event_find(self->ev, n, 0, MEMPLUG_EVENT_OFFLINE, blk);
	ASSERT_GE(at, 1) TH_LOG("no offline event for memory%u", blk);
	ASSERT_EQ(at + 3, n) TH_LOG("events after the boot block's steps");
	block_event_is(_metadata, &self->ev[at - 1],
		       MEMPLUG_EVENT_GOING_OFFLINE, blk, e->bs, zone, NULL);
	block_event_is(_metadata, &self->ev[at], MEMPLUG_EVENT_OFFLINE, blk,
		       e->bs, zone, NULL);
	block_event_is(_metadata, &self->ev[at + 1], MEMPLUG_EVENT_GOING_ONLINE,
		       blk, e->bs, zone, NULL);
	block_event_is(_metadata, &self->ev[at + 2], MEMPLUG_EVENT_ONLINE, blk,
		       e->bs, zone, NULL);
	for (i = 0; i < n; i++)
		ASSERT_FALSE(self->ev[i].has_range_id);
	ring_agrees(_metadata, self, self->ev[0].seq, n);
}

/*
 * Injected failure of MEM_GOING_ONLINE, by a notifier that runs before
 * memplug's (priority 1) or after it (priority -1).
 */
FIXTURE(inject) {
	struct mp_env e;
	struct mp_monitor mon;
	struct mp_event *ev;
	bool no_inject;
	char why[512];
};

FIXTURE_VARIANT(inject) {
	int priority;
};

FIXTURE_VARIANT_ADD(inject, before_memplug) {
	.priority = 1,
};

FIXTURE_VARIANT_ADD(inject, after_memplug) {
	.priority = -1,
};

#define INJECT "memory_notifier_error_inject"
#define INJECT_DIR "/sys/kernel/debug/notifier-error-inject/memory/actions"

FIXTURE_SETUP(inject)
{
	char params[32];
	int rc;

	rc = mp_env_setup(&self->e);
	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	self->mon.fd = -1;
	self->ev = calloc(EV_MAX, sizeof(*self->ev));
	ASSERT_NE(NULL, self->ev);
	/* The priority is fixed at load; load it afresh with ours. */
	MP_OK(mp_rmmod_if_loaded(INJECT));
	snprintf(params, sizeof(params), "priority=%d", variant->priority);
	rc = mp_modprobe("memory-notifier-error-inject", params);
	if (rc) {
		/* Not part of every kernel; the test body skips. */
		self->no_inject = true;
		snprintf(self->why, sizeof(self->why), "%s", mp_errstr());
		return;
	}
	ASSERT_TRUE(mp_path_exists(INJECT_DIR "/MEM_GOING_ONLINE/error"));
}

FIXTURE_TEARDOWN(inject)
{
	mp_inject_reset();
	mp_rmmod_if_loaded(INJECT);
	mp_monitor_close(&self->mon);
	free(self->ev);
	mp_env_teardown(&self->e);
}

TEST_F_TIMEOUT(inject, failed_online_seen_and_rolled_back, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_run *run = malloc(sizeof(*run));
	const char *ctl = mp_ctl_path();
	unsigned int b0 = e->dev_block;
	const char *argv[] = { ctl, "plug", "--start", NULL, "--size", "256M",
			       NULL };
	struct mp_snap before;
	char start[32], line[512];
	int n, enobufs, plug, cancel, i, rc;

	MP_NEED_DEVICE();
	if (self->no_inject)
		SKIP(return, "memory-notifier-error-inject: %s", self->why);
	ASSERT_NE(NULL, run);
	ASSERT_EQ(0, access(ctl, X_OK))
	TH_LOG("controller %s: %s", ctl, strerror(errno));
	snprintf(start, sizeof(start), "0x%" PRIx64, e->dev_start);
	MP_OK(mp_monitor_open(&self->mon, &e->c.fam, 0, false));
	MP_OK(mp_snap_take(&e->c, &before));

	MP_OK(mp_write_str(INJECT_DIR "/MEM_GOING_ONLINE/error", "-16"));
	argv[3] = start;
	rc = mp_run(run, 180, argv);
	mp_inject_reset();
	MP_OK(rc);
	TH_LOG("memplugctl plug -> %d, stderr: %s", run->status, run->err);
	ASSERT_FALSE(run->timed_out);
	ASSERT_EQ(1, run->status);
	ASSERT_EQ(0, strncmp(run->err, "memplugctl: ", 12)) TH_LOG("%s", run->err);
	ASSERT_NE(NULL, strstr(run->err, "(EBUSY)")) TH_LOG("%s", run->err);
	/* Nothing stays: no range, iomem, MemTotal and blocks as before. */
	MP_SAME(&e->c, &before, false);
	mp_snap_free(&before);
	MP_BLOCK_GONE(b0);

	MP_OK(mp_monitor_drain(&self->mon, self->ev, EV_MAX, &n, &enobufs,
			       EV_QUIET_MS));
	ASSERT_EQ(0, enobufs);
	log_events(_metadata, "listener", self->ev, n);
	for (i = 1; i < n; i++)
		ASSERT_EQ(self->ev[i - 1].seq + 1, self->ev[i].seq);
	plug = mp_event_find(self->ev, n, 0, MEMPLUG_EVENT_PLUG, -1);
	ASSERT_GE(plug, 0) TH_LOG("no plug event");
	cancel = mp_event_find(self->ev, n, plug, MEMPLUG_EVENT_CANCEL_ONLINE,
			       b0);
	ASSERT_GT(cancel, plug) TH_LOG("no cancel-online of memory%u", b0);
	mp_event_format(&self->ev[cancel], line, sizeof(line));
	ASSERT_TRUE(self->ev[cancel].has_range_id) TH_LOG("%s", line);
	ASSERT_EQ(self->ev[plug].range_id, self->ev[cancel].range_id);
	/* The injector vetoed, not memplug. */
	ASSERT_FALSE(self->ev[cancel].has_veto_errno) TH_LOG("%s", line);
	if (variant->priority > 0) {
		/* The chain stopped before memplug saw the step. */
		ASSERT_EQ(-1, mp_event_find(self->ev, n, 0,
					    MEMPLUG_EVENT_GOING_ONLINE, -1));
		ASSERT_EQ(plug + 1, cancel);
	} else {
		ASSERT_EQ(MEMPLUG_EVENT_GOING_ONLINE,
			  self->ev[cancel - 1].action);
		ASSERT_EQ(b0, self->ev[cancel - 1].block);
		ASSERT_FALSE(self->ev[cancel - 1].has_veto_errno);
		ASSERT_EQ(plug + 2, cancel);
	}
	/* The controller's rollback is the last thing. */
	ASSERT_EQ(n - 1, mp_event_find(self->ev, n, cancel,
				       MEMPLUG_EVENT_UNPLUG, -1));
	ASSERT_EQ(self->ev[plug].range_id, self->ev[n - 1].range_id);
	ASSERT_EQ(-1, mp_event_find(self->ev, n, 0, MEMPLUG_EVENT_ONLINE, -1));
	free(run);
}

static void plug_movable_block(struct __test_metadata *_metadata,
			       struct mp_env *e, struct mp_range *r)
{
	struct mp_add_opts o = { .zone_policy = MEMPLUG_ZONE_POLICY_MOVABLE };
	struct mp_ack ack;

	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->bs, &o, r, &ack), ack);
}

/*
 * A listener with the smallest receive buffer the kernel allows, that does
 * not read while thousands of events happen, is told ENOBUFS and recovers
 * every event it lost from the ring (4096 events here): together they
 * cover the burst without a gap and agree on every event.
 */
TEST_F_TIMEOUT(events, overrun_recovered_from_ring, MP_TIMEOUT)
{
	const int writes = 1500; /* 3000 events: fewer than the ring holds */
	struct mp_env *e = &self->e;
	uint64_t first, last, want;
	struct mp_status st;
	struct mp_range r;
	struct mp_ack ack;
	int n, m, enobufs, i, j;
	char why[128];

	MP_NEED_DEVICE();
	MP_OK(mp_memplug_reload(&e->c, "event_ring_size=4096"));
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	ASSERT_GE(st.event_ring_size, 2 * writes + 2);
	plug_movable_block(_metadata, e, &r);
	LISTEN(1);
	first = next_seq(_metadata, &e->c);
	MP_OK(mp_veto_burst(e->dev_block, writes));
	last = next_seq(_metadata, &e->c) - 1;
	ASSERT_EQ(2 * writes, last - first + 1);

	MP_OK(mp_monitor_drain(&self->mon, self->ev, EV_MAX, &n, &enobufs,
			       EV_QUIET_MS));
	TH_LOG("listener got %d of %" PRIu64 " events, ENOBUFS %d times", n,
	       last - first + 1, enobufs);
	ASSERT_GE(enobufs, 1) TH_LOG("no ENOBUFS with a tiny receive buffer");
	ASSERT_LT(n, (int)(last - first + 1));

	/*
	 * Recover as a listener would: from the last event seen before the
	 * loss (or from the start of the burst), read the ring.
	 */
	want = first;
	for (i = 0; i < n && self->ev[i].seq == want; i++)
		want++;
	MP_NL_OK(mp_event_dump(&e->c, want, self->ring, EV_MAX, &m, &ack), ack);
	ASSERT_GT(m, 0);
	ASSERT_EQ(want, self->ring[0].seq)
	TH_LOG("ring starts at %" PRIu64 ", wanted %" PRIu64 ": overwritten",
	       self->ring[0].seq, want);
	ASSERT_EQ(last + 1 - want, (uint64_t)m);
	for (j = 0; j < m; j++) {
		const struct mp_event *ev = &self->ring[j];
		uint32_t action = (ev->seq - first) % 2 ?
				  MEMPLUG_EVENT_CANCEL_ONLINE :
				  MEMPLUG_EVENT_GOING_ONLINE;

		ASSERT_EQ(want + j, ev->seq) TH_LOG("gap in the ring");
		ASSERT_EQ(action, ev->action) TH_LOG("seq %" PRIu64, ev->seq);
		ASSERT_EQ(e->dev_block, ev->block);
		ASSERT_EQ(r.id, ev->range_id);
		if (action == MEMPLUG_EVENT_GOING_ONLINE) {
			ASSERT_EQ(-EPERM, ev->veto_errno);
		}
	}
	/* What did arrive agrees with the ring. */
	MP_NL_OK(mp_event_dump(&e->c, first, self->ring, EV_MAX, &m, &ack), ack);
	ASSERT_EQ(2 * writes, m);
	for (i = 0; i < n; i++) {
		const struct mp_event *ev = &self->ev[i];

		ASSERT_GE(ev->seq, first);
		ASSERT_LE(ev->seq, last);
		ASSERT_TRUE(mp_event_same(ev, &self->ring[ev->seq - first], why,
					  sizeof(why)))
		TH_LOG("seq %" PRIu64 ": %s", ev->seq, why);
	}
	/* The listener works again once it has read. */
	MP_OK(mp_veto_burst(e->dev_block, 1));
	MP_OK(mp_monitor_drain(&self->mon, self->ev, EV_MAX, &n, &enobufs,
			       EV_QUIET_MS));
	ASSERT_EQ(0, enobufs);
	ASSERT_EQ(2, n);
	ASSERT_EQ(last + 1, self->ev[0].seq);
	ASSERT_EQ(last + 2, self->ev[1].seq);
}

/*
 * With a ring of 16 and a burst of 40 events, EVENT_GET from the start of
 * the burst returns the last 16 only: the first seq is larger than asked,
 * which is how a listener tells the gap. STATUS agrees.
 */
TEST_F_TIMEOUT(events, small_ring_shows_gap, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	uint64_t first, next;
	struct mp_status st;
	struct mp_range r;
	struct mp_ack ack;
	int m, j;

	MP_NEED_DEVICE();
	MP_OK(mp_memplug_reload(&e->c, "event_ring_size=16"));
	plug_movable_block(_metadata, e, &r);
	first = next_seq(_metadata, &e->c);
	MP_OK(mp_veto_burst(e->dev_block, 20));
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	next = st.event_seq;
	ASSERT_EQ(first + 40, next);
	ASSERT_EQ(16, st.event_ring_size);
	ASSERT_EQ(next - 16, st.event_oldest);

	MP_NL_OK(mp_event_dump(&e->c, first, self->ring, EV_MAX, &m, &ack), ack);
	ASSERT_EQ(16, m);
	ASSERT_EQ(next - 16, self->ring[0].seq);
	ASSERT_GT(self->ring[0].seq, first) TH_LOG("no gap visible");
	for (j = 0; j < m; j++)
		ASSERT_EQ(next - 16 + j, self->ring[j].seq);
	/* Without SEQ: the whole ring, the same 16. */
	MP_NL_OK(mp_event_dump(&e->c, 0, self->ring, EV_MAX, &m, &ack), ack);
	ASSERT_EQ(16, m);
	ASSERT_EQ(next - 16, self->ring[0].seq);
	/* From a seq still held: exactly from there. */
	MP_NL_OK(mp_event_dump(&e->c, next - 3, self->ring, EV_MAX, &m, &ack),
		 ack);
	ASSERT_EQ(3, m);
	ASSERT_EQ(next - 3, self->ring[0].seq);
	/* From the future: nothing. */
	MP_NL_OK(mp_event_dump(&e->c, next, self->ring, EV_MAX, &m, &ack), ack);
	ASSERT_EQ(0, m);
}

/* What the unprivileged listener saw; in shared memory. */
struct priv_listen {
	int setup_rc;
	char setup_err[256];
	int join_rc;
	int bind_rc;
	bool tried_bind;
	int received;
	int recv_rc;
	bool done;
};

/*
 * A listener without CAP_NET_ADMIN cannot join the group, neither with
 * NETLINK_ADD_MEMBERSHIP nor with bind(), and receives nothing while a
 * privileged listener sees the events of a plug and unplug.
 */
TEST_F_TIMEOUT(events, unprivileged_listener_gets_nothing, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct priv_listen *o;
	int go[2], ready[2], status, n;
	struct mp_range r;
	struct mp_ack ack;
	char c = 0;
	pid_t pid;

	MP_NEED_DEVICE();
	o = mmap(NULL, sizeof(*o), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, o);
	memset(o, 0, sizeof(*o));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	LISTEN(0);

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		uint32_t grp = self->mon.grp;
		struct mp_monitor m = { .fd = -1 };
		struct mp_event ev;
		int rc;

		close(go[1]);
		close(ready[0]);
		mp_monitor_close(&self->mon);
		rc = mp_become_nobody();
		if (!rc)
			rc = mp_monitor_open(&m, &e->c.fam, 0, false);
		o->join_rc = rc;
		if (rc == -EPERM) {
			/*
			 * The open left no socket. Try bind() with the group
			 * on a fresh one, then bind it without, so that it
			 * has a port and would receive whatever it may.
			 */
			struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

			m.fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
			m.len = m.off = 0;
			if (m.fd < 0) {
				o->setup_rc = -errno;
				_exit(1);
			}
			if (grp <= 32) {
				o->tried_bind = true;
				sa.nl_groups = 1u << (grp - 1);
				o->bind_rc = bind(m.fd, (struct sockaddr *)&sa,
						  sizeof(sa)) ? -errno : 0;
				sa.nl_groups = 0;
			}
			if (!o->tried_bind || o->bind_rc)
				bind(m.fd, (struct sockaddr *)&sa, sizeof(sa));
		} else {
			snprintf(o->setup_err, sizeof(o->setup_err), "%s",
				 mp_errstr());
		}
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		o->recv_rc = 0;
		while (m.fd >= 0 && !(rc = mp_monitor_recv(&m, &ev, 500)))
			o->received++;
		o->recv_rc = rc;
		o->done = true;
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));

	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->bs, NULL, &r, &ack), ack);
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));

	TH_LOG("unprivileged join: %s; bind: %s", strerror(-o->join_rc),
	       o->tried_bind ? strerror(-o->bind_rc) : "not tried (group > 32)");
	ASSERT_EQ(-EPERM, o->join_rc) TH_LOG("%s", o->setup_err);
	if (o->tried_bind) {
		ASSERT_EQ(-EPERM, o->bind_rc);
	}
	ASSERT_TRUE(o->done);
	ASSERT_EQ(0, o->received) TH_LOG("unprivileged socket got events");
	ASSERT_EQ(-EAGAIN, o->recv_rc);

	/* The events did happen. */
	drain(_metadata, self, &n);
	ASSERT_EQ(2, n);
	ASSERT_EQ(MEMPLUG_EVENT_PLUG, self->ev[0].action);
	ASSERT_EQ(MEMPLUG_EVENT_UNPLUG, self->ev[1].action);
	munmap(o, sizeof(*o));
}

TEST_HARNESS_MAIN
