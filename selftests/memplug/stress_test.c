// SPDX-License-Identifier: GPL-2.0
/*
 * stress_test: many controllers at once for a while, then nothing left.
 *
 * Each round cuts the device range into four 256 MiB slices and runs, all
 * at the same time:
 *   slice 0: memplugctl plug and unplug in a loop, while a sysfs racer
 *            onlines and offlines the slice's blocks behind its back (a
 *            plug may then fail, but must leave nothing behind);
 *   slice 1: a raw netlink controller doing what memplugctl does (RANGE_ADD
 *            with HOLD and DEFER_ONLINE, onlining through sysfs, BLOCK_GET,
 *            COMMIT) and RANGE_DEL, undisturbed: every step must work;
 *   slice 2: three racers on the same range: simultaneous RANGE_ADDs
 *            (exactly one wins, the others get EEXIST), then RANGE_GET,
 *            RANGE_SET, duplicate adds and sysfs writes, then simultaneous
 *            RANGE_DELs and RANGE_SETs (exactly one delete wins, the rest
 *            get ENOENT or EBUSY); sometimes the winner holds the range
 *            and closes its socket instead of committing, and the kernel
 *            rolls it back under the others' feet;
 *   slice 3: a raw controller plugging without HOLD and unplugging while
 *            the sysfs racer onlines and offlines its blocks;
 * and all along a dumper (RANGE_GET and BLOCK_GET dumps, memplugctl list
 * and blocks --json), a monitor listener that checks that seq is
 * consecutive and reads whatever it missed back from the ring, and
 * canaries (mp_canary.h): processes that write a pattern into every word
 * of their memory and read every word back, pass after pass, in fresh
 * (huge page) mappings that land on the blocks being onlined and offlined
 * around them, so that a store lost while the kernel migrates a page fails
 * the test. Between rounds memplug is removed and loaded again.
 *
 * After every round: no range, MemTotal, /proc/iomem and the memory blocks
 * as before the test, STATUS with no range, no live object, as many plugs
 * as unplugs and no plugged bytes, the module's reference count 0, and no
 * event the listener could not get back from the ring, and not one word a
 * canary read back different from what it wrote.
 *
 *   MEMPLUG_STRESS_SECS=N        run time in all (default 20)
 *   MEMPLUG_STRESS_ROUND_SECS=N  time per round (default 10)
 *   MEMPLUG_STRESS_SEED=N        seed (default: the clock; printed)
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "memplug_test.h"
#include "mp_canary.h"
#include "mp_event.h"
#include "mp_state.h"

#define NSLICES 4
#define NRACERS 3
#define NCANARIES 2
#define CANARY_BYTES MP_MIB(48)
#define CTL_TIMEOUT 120
/* How long a rollback or a controller's own clean-up may take. */
#define SETTLE_MS 60000

struct stress {
	struct mp_env *e;
	uint64_t seed;
	uint64_t slice_size;
	unsigned int slice_blocks;
	int64_t deadline;
	atomic_bool stop;

	pthread_mutex_t lock;
	char failure[1024];

	/* What was done, for the report. */
	atomic_ullong nl_ops;
	atomic_ullong ctl_runs;
	atomic_ullong sysfs_writes;
	atomic_ullong sysfs_refused;
	atomic_ullong dumps;
	atomic_ullong plugs;
	atomic_ullong ctl_plugs_failed;
	atomic_ullong races;
	atomic_ullong abandoned;
	atomic_ullong events;
	atomic_ullong recovered;
	atomic_ullong enobufs;

	/* The racers on slice 2. */
	pthread_barrier_t bar;
	bool go;
	bool hold;
	atomic_int add_wins;
	atomic_int del_wins;
	atomic_int winner;
	atomic_uint id;
	atomic_bool dropped;

	/* The monitor: told to finish once the workers are done. */
	atomic_bool monitor_finish;
	struct mp_seqwatch watch;
};

/* The first failure wins; every thread stops soon after. */
static void stress_fail(struct stress *st, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&st->lock);
	if (!st->failure[0]) {
		va_start(ap, fmt);
		vsnprintf(st->failure, sizeof(st->failure), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&st->lock);
	atomic_store(&st->stop, true);
}

static bool stress_running(struct stress *st)
{
	return !atomic_load(&st->stop) && mp_time_ms() < st->deadline;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static uint64_t slice_start(struct stress *st, int slice)
{
	return st->e->dev_start + slice * st->slice_size;
}

static unsigned int slice_block(struct stress *st, int slice)
{
	return slice_start(st, slice) / st->e->bs;
}

/* RANGE_ADD of a slice, with HOLD and DEFER_ONLINE as asked. */
static int add_slice(struct stress *st, struct mp_ctx *c, int slice, bool hold,
		     bool defer, struct mp_range *out, struct mp_ack *ack)
{
	struct mp_msg m;

	mp_req_init(c, &m, MEMPLUG_CMD_RANGE_ADD, false);
	mp_put_u64(&m, MEMPLUG_A_RANGE_START, slice_start(st, slice));
	mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, st->slice_size);
	if (hold)
		mp_put_flag(&m, MEMPLUG_A_RANGE_HOLD);
	if (defer)
		mp_put_flag(&m, MEMPLUG_A_RANGE_DEFER_ONLINE);
	atomic_fetch_add(&st->nl_ops, 1);
	return mp_transact_range(c, &m, out, ack);
}

static int commit(struct stress *st, struct mp_ctx *c, uint32_t id,
		  struct mp_range *out, struct mp_ack *ack)
{
	struct mp_msg m;

	mp_req_init(c, &m, MEMPLUG_CMD_RANGE_SET, false);
	mp_put_u32(&m, MEMPLUG_A_RANGE_ID, id);
	mp_put_flag(&m, MEMPLUG_A_RANGE_COMMIT);
	atomic_fetch_add(&st->nl_ops, 1);
	return mp_transact_range(c, &m, out, ack);
}

static int del(struct stress *st, struct mp_ctx *c, uint32_t id,
	       struct mp_ack *ack)
{
	atomic_fetch_add(&st->nl_ops, 1);
	return mp_range_del(c, id, NULL, ack);
}

/* A sysfs write whose outcome does not matter, only that it is made. */
static void sysfs_poke(struct stress *st, unsigned int blk, const char *how)
{
	atomic_fetch_add(&st->sysfs_writes, 1);
	if (mp_block_set(blk, how))
		atomic_fetch_add(&st->sysfs_refused, 1);
}

/* Wait until no range overlaps @slice (a rollback finishing). */
static bool slice_empty_by(struct stress *st, struct mp_ctx *c, int slice,
			   int ms, struct mp_range *left)
{
	int64_t deadline = mp_time_ms() + ms;
	int n;

	for (;;) {
		if (mp_ranges_in(c, slice_start(st, slice), st->slice_size, left,
				 1, &n))
			return false;
		if (!n)
			return true;
		if (mp_time_ms() > deadline)
			return false;
		mp_sleep_ms(20);
	}
}

static const char *err_name(int rc)
{
	return rc ? strerror(-rc) : "ok";
}

/* ---- slice 0: memplugctl, with the sysfs racer on its blocks --------- */

static void *ctl_worker(void *arg)
{
	struct stress *st = arg;
	struct mp_run *run = malloc(sizeof(*run));
	char start[32], id[16], *json = malloc(MP_RUN_OUT);
	struct mp_range left;
	struct mp_ctx c;

	if (!run || !json || mp_open(&c)) {
		stress_fail(st, "slice 0: setup: %s", mp_errstr());
		goto out;
	}
	snprintf(start, sizeof(start), "0x%" PRIx64, slice_start(st, 0));
	while (stress_running(st)) {
		long long rid;

		atomic_fetch_add(&st->ctl_runs, 1);
		if (mp_run_ctl(run, CTL_TIMEOUT, "plug", "--start", start,
			       "--size", "256M", "--json", NULL) ||
		    run->timed_out) {
			stress_fail(st, "slice 0: memplugctl plug did not finish: %s",
				    mp_errstr());
			break;
		}
		if (run->status == 1) {
			/* The racer got in the way; nothing may be left. */
			atomic_fetch_add(&st->ctl_plugs_failed, 1);
			if (!slice_empty_by(st, &c, 0, SETTLE_MS, &left)) {
				stress_fail(st, "slice 0: a failed plug left range %u (%s) behind: %s",
					    left.id,
					    MP_ENUM_STR(range_state,
							left.state),
					    run->err);
				break;
			}
			continue;
		}
		mp_json_compact(run->out, json, MP_RUN_OUT);
		if (run->status || !mp_json_int(json, "id", &rid)) {
			stress_fail(st, "slice 0: memplugctl plug: exit %d, stdout '%s', stderr '%s'",
				    run->status, run->out, run->err);
			break;
		}
		atomic_fetch_add(&st->plugs, 1);
		snprintf(id, sizeof(id), "%lld", rid);
		atomic_fetch_add(&st->ctl_runs, 1);
		if (mp_run_ctl(run, CTL_TIMEOUT, "unplug", id, NULL) ||
		    run->timed_out || run->status) {
			stress_fail(st, "slice 0: memplugctl unplug %s: exit %d, stderr '%s'",
				    id, run->status, run->err);
			break;
		}
	}
	/* Leave the slice empty, whatever happened. */
	if (!slice_empty_by(st, &c, 0, 0, &left)) {
		struct mp_ack ack;

		del(st, &c, left.id, &ack);
	}
	mp_close(&c);
out:
	free(json);
	free(run);
	return NULL;
}

/* ---- slice 1: the controller's steps over raw netlink, undisturbed ---- */

static void *raw_plugger(void *arg)
{
	struct stress *st = arg;
	unsigned int first = slice_block(st, 1), i;
	struct mp_block b[8];
	struct mp_range r, g;
	struct mp_ack ack;
	struct mp_ctx c;
	int rc, n;

	if (mp_open(&c)) {
		stress_fail(st, "slice 1: setup: %s", mp_errstr());
		return NULL;
	}
	while (stress_running(st)) {
		rc = add_slice(st, &c, 1, true, true, &r, &ack);
		if (rc) {
			stress_fail(st, "slice 1: RANGE_ADD: %s, extack '%s'",
				    err_name(rc), ack.msg);
			break;
		}
		if (r.state != MEMPLUG_RANGE_STATE_PLUGGING) {
			stress_fail(st, "slice 1: held range %u is %s", r.id,
				    MP_ENUM_STR(range_state, r.state));
			break;
		}
		for (i = 0; i < st->slice_blocks && !rc; i++) {
			atomic_fetch_add(&st->sysfs_writes, 1);
			rc = mp_block_set(first + i, "online_movable");
		}
		if (rc) {
			stress_fail(st, "slice 1: onlining memory%u: %s",
				    first + i - 1, mp_errstr());
			break;
		}
		atomic_fetch_add(&st->nl_ops, 1);
		rc = mp_block_dump(&c, r.id, b, 8, &n, &ack);
		if (rc || n != (int)st->slice_blocks) {
			stress_fail(st, "slice 1: BLOCK_GET: %s, %d blocks",
				    err_name(rc), n);
			break;
		}
		for (i = 0; i < st->slice_blocks; i++)
			if (b[i].state != MEMPLUG_BLOCK_STATE_ONLINE ||
			    strcmp(b[i].zone, "Movable"))
				stress_fail(st, "slice 1: memory%u is %s in '%s'",
					    b[i].id,
					    b[i].state == MEMPLUG_BLOCK_STATE_ONLINE ?
						    "online" : "offline",
					    b[i].zone);
		rc = commit(st, &c, r.id, &g, &ack);
		if (rc || g.state != MEMPLUG_RANGE_STATE_PLUGGED ||
		    g.blocks_online != st->slice_blocks) {
			stress_fail(st, "slice 1: COMMIT: %s, extack '%s', %s with %u blocks online",
				    err_name(rc), ack.msg,
				    MP_ENUM_STR(range_state, g.state),
				    g.blocks_online);
			break;
		}
		atomic_fetch_add(&st->plugs, 1);
		rc = del(st, &c, r.id, &ack);
		if (rc) {
			stress_fail(st, "slice 1: RANGE_DEL: %s, extack '%s'",
				    err_name(rc), ack.msg);
			break;
		}
		for (i = 0; i < st->slice_blocks; i++)
			if (mp_block_exists(first + i))
				stress_fail(st, "slice 1: memory%u still there after the unplug",
					    first + i);
	}
	/* Leave the slice empty, whatever happened. */
	if (!slice_empty_by(st, &c, 1, 0, &r))
		del(st, &c, r.id, &ack);
	mp_close(&c);
	return NULL;
}

/* ---- slice 3: plugs without HOLD, the sysfs racer on its blocks ------- */

static void *raw_unheld(void *arg)
{
	struct stress *st = arg;
	uint64_t s = st->seed ^ 0x3333;
	struct mp_range r;
	struct mp_ack ack;
	struct mp_ctx c;
	int rc;

	if (mp_open(&c)) {
		stress_fail(st, "slice 3: setup: %s", mp_errstr());
		return NULL;
	}
	while (stress_running(st)) {
		rc = add_slice(st, &c, 3, false, rnd(&s) & 1, &r, &ack);
		if (rc) {
			stress_fail(st, "slice 3: RANGE_ADD: %s, extack '%s'",
				    err_name(rc), ack.msg);
			break;
		}
		atomic_fetch_add(&st->plugs, 1);
		mp_sleep_ms(rnd(&s) % 200);
		rc = del(st, &c, r.id, &ack);
		if (rc) {
			stress_fail(st, "slice 3: RANGE_DEL while sysfs races: %s, extack '%s'",
				    err_name(rc), ack.msg);
			break;
		}
	}
	if (!slice_empty_by(st, &c, 3, 0, &r))
		del(st, &c, r.id, &ack);
	mp_close(&c);
	return NULL;
}

/* ---- the sysfs racer on slices 0 and 3 -------------------------------- */

static void *sysfs_racer(void *arg)
{
	struct stress *st = arg;
	uint64_t s = st->seed ^ 0x5f5f;

	while (stress_running(st)) {
		int slice = rnd(&s) & 1 ? 3 : 0;
		unsigned int blk = slice_block(st, slice) +
				   rnd(&s) % st->slice_blocks;

		if (mp_block_exists(blk))
			sysfs_poke(st, blk,
				   rnd(&s) & 1 ? "online_movable" : "offline");
		mp_sleep_ms(rnd(&s) % 5);
	}
	return NULL;
}

/* ---- slice 2: three racers on one range ------------------------------- */

struct racer {
	struct stress *st;
	int tid;
};

/* What a racer may be told while the range is being taken away. */
static bool gone_or_busy(int rc)
{
	return rc == -ENOENT || rc == -EBUSY;
}

static void racer_middle(struct stress *st, struct mp_ctx *c, uint64_t *s,
			 int tid)
{
	uint32_t id = atomic_load(&st->id);
	bool dropped = atomic_load(&st->dropped);
	unsigned int first = slice_block(st, 2);
	struct mp_range r;
	struct mp_ack ack;
	int i, rc;

	for (i = 0; i < 4; i++) {
		switch (rnd(s) % 4) {
		case 0:
			atomic_fetch_add(&st->nl_ops, 1);
			rc = mp_range_get(c, id, &r, &ack);
			if (rc && !(dropped && rc == -ENOENT))
				stress_fail(st, "slice 2: RANGE_GET %u: %s", id,
					    err_name(rc));
			break;
		case 1:
			atomic_fetch_add(&st->nl_ops, 1);
			rc = mp_range_set(c, id, rnd(s) & 1,
					  1 + rnd(s) % MEMPLUG_ZONE_POLICY_MAX,
					  NULL, &ack);
			if (rc && !(dropped && gone_or_busy(rc)))
				stress_fail(st, "slice 2: RANGE_SET %u: %s, extack '%s'",
					    id, err_name(rc), ack.msg);
			break;
		case 2:
			/* A rollback may have emptied the slice already. */
			if (dropped)
				break;
			rc = add_slice(st, c, 2, rnd(s) & 1, false, NULL, &ack);
			if (rc != -EEXIST)
				stress_fail(st, "slice 2: a second RANGE_ADD got %s, extack '%s'",
					    err_name(rc), ack.msg);
			break;
		default:
			sysfs_poke(st, first + rnd(s) % st->slice_blocks,
				   rnd(s) & 1 ? "online_movable" : "offline");
			break;
		}
	}
}

static void *racer(void *arg)
{
	struct racer *me = arg;
	struct stress *st = me->st;
	uint64_t s = st->seed ^ (0x1000 + me->tid);
	struct mp_range r, left;
	struct mp_ack ack;
	struct mp_ctx c;
	int rc;

	if (mp_open(&c))
		stress_fail(st, "slice 2: racer %d: setup: %s", me->tid,
			    mp_errstr());
	for (;;) {
		pthread_barrier_wait(&st->bar);
		if (me->tid == 0) {
			st->go = stress_running(st) && c.sock.fd >= 0;
			st->hold = rnd(&s) % 3 == 0;
			atomic_store(&st->add_wins, 0);
			atomic_store(&st->del_wins, 0);
			atomic_store(&st->winner, -1);
			atomic_store(&st->id, 0);
			atomic_store(&st->dropped, false);
		}
		pthread_barrier_wait(&st->bar);
		if (!st->go)
			break;

		/* All add at once: one wins. */
		rc = add_slice(st, &c, 2, st->hold, rnd(&s) & 1, &r, &ack);
		if (!rc) {
			atomic_fetch_add(&st->add_wins, 1);
			atomic_store(&st->winner, me->tid);
			atomic_store(&st->id, r.id);
		} else if (rc != -EEXIST) {
			stress_fail(st, "slice 2: racing RANGE_ADD got %s, extack '%s'",
				    err_name(rc), ack.msg);
		}
		pthread_barrier_wait(&st->bar);
		if (me->tid == 0 && atomic_load(&st->add_wins) != 1)
			stress_fail(st, "slice 2: %d of %d racing RANGE_ADDs won",
				    atomic_load(&st->add_wins), NRACERS);
		/* A holder commits, or walks away and leaves it to the kernel. */
		if (me->tid == atomic_load(&st->winner) && st->hold) {
			if (rnd(&s) & 1) {
				rc = commit(st, &c, r.id, NULL, &ack);
				if (rc)
					stress_fail(st, "slice 2: COMMIT: %s, extack '%s'",
						    err_name(rc), ack.msg);
			} else {
				atomic_store(&st->dropped, true);
				atomic_fetch_add(&st->abandoned, 1);
				mp_close(&c);
				if (mp_open(&c))
					stress_fail(st, "slice 2: reopening: %s",
						    mp_errstr());
			}
		}
		pthread_barrier_wait(&st->bar);

		racer_middle(st, &c, &s, me->tid);
		pthread_barrier_wait(&st->bar);

		/* All take it away at once (one only changes it): one wins. */
		if (me->tid == NRACERS - 1 && rnd(&s) & 1) {
			atomic_fetch_add(&st->nl_ops, 1);
			rc = mp_range_set(&c, atomic_load(&st->id), 1, 0, NULL,
					  &ack);
			if (rc && !gone_or_busy(rc))
				stress_fail(st, "slice 2: RANGE_SET during the deletes: %s",
					    err_name(rc));
		} else {
			rc = del(st, &c, atomic_load(&st->id), &ack);
			if (!rc)
				atomic_fetch_add(&st->del_wins, 1);
			else if (!gone_or_busy(rc))
				stress_fail(st, "slice 2: racing RANGE_DEL got %s, extack '%s'",
					    err_name(rc), ack.msg);
		}
		pthread_barrier_wait(&st->bar);
		if (me->tid == 0) {
			int wins = atomic_load(&st->del_wins);

			atomic_fetch_add(&st->races, 1);
			if (wins > 1 || (!wins && !atomic_load(&st->dropped)))
				stress_fail(st, "slice 2: %d racing RANGE_DELs won", wins);
			if (!slice_empty_by(st, &c, 2, SETTLE_MS, &left))
				stress_fail(st, "slice 2: range %u (%s) left after the race",
					    left.id,
					    MP_ENUM_STR(range_state,
							left.state));
		}
	}
	if (c.sock.fd >= 0 && !slice_empty_by(st, &c, 2, 0, &left))
		del(st, &c, left.id, &ack);
	mp_close(&c);
	return NULL;
}

/* ---- dumps ------------------------------------------------------------- */

static void check_dumps(struct stress *st, struct mp_ctx *c,
			struct mp_range *r, struct mp_block *b)
{
	uint64_t bs = st->e->bs;
	struct mp_ack ack;
	int n, i, rc;

	atomic_fetch_add(&st->dumps, 2);
	rc = mp_range_dump(c, r, 16, &n, &ack);
	if (rc) {
		stress_fail(st, "RANGE_GET dump: %s (%s)", err_name(rc),
			    ack.local ? mp_errstr() : ack.msg);
		return;
	}
	for (i = 0; i < n; i++) {
		if ((i && r[i].id <= r[i - 1].id) || !r[i].state ||
		    r[i].state > MEMPLUG_RANGE_STATE_MAX ||
		    r[i].blocks != r[i].size / bs ||
		    r[i].blocks_online > r[i].blocks)
			stress_fail(st, "RANGE_GET dump: range %u: %s, %u/%u online, 0x%" PRIx64 " bytes",
				    r[i].id,
				    MP_ENUM_STR(range_state, r[i].state),
				    r[i].blocks_online, r[i].blocks, r[i].size);
	}
	rc = mp_block_dump(c, 0, b, 64, &n, &ack);
	if (rc) {
		stress_fail(st, "BLOCK_GET dump: %s (%s)", err_name(rc),
			    ack.local ? mp_errstr() : ack.msg);
		return;
	}
	for (i = 0; i < n; i++) {
		if (b[i].size != bs || b[i].start != (uint64_t)b[i].id * bs ||
		    !b[i].state || b[i].state > MEMPLUG_BLOCK_STATE_MAX ||
		    (b[i].has_zone && b[i].state != MEMPLUG_BLOCK_STATE_ONLINE) ||
		    (i && b[i].range_id < b[i - 1].range_id))
			stress_fail(st, "BLOCK_GET dump: memory%u of range %u: state %u, zone '%s'",
				    b[i].id, b[i].range_id, b[i].state,
				    b[i].zone);
	}
}

static void *dumper(void *arg)
{
	struct stress *st = arg;
	struct mp_range *r = calloc(16, sizeof(*r));
	struct mp_block *b = calloc(64, sizeof(*b));
	struct mp_run *run = malloc(sizeof(*run));
	unsigned long i;
	struct mp_ctx c;

	if (!r || !b || !run || mp_open(&c)) {
		stress_fail(st, "dumper: setup: %s", mp_errstr());
		goto out;
	}
	for (i = 0; stress_running(st); i++) {
		check_dumps(st, &c, r, b);
		if (i % 8)
			continue;
		atomic_fetch_add(&st->ctl_runs, 1);
		if (mp_run_ctl(run, CTL_TIMEOUT, i % 16 ? "list" : "blocks",
			       "--json", NULL) || run->status ||
		    strncmp(run->out, i % 16 ? "{\"ranges\":" : "{\"blocks\":",
			    10))
			stress_fail(st, "memplugctl %s --json: exit %d, stdout '%.80s', stderr '%s'",
				    i % 16 ? "list" : "blocks", run->status,
				    run->out, run->err);
	}
	mp_close(&c);
out:
	free(run);
	free(b);
	free(r);
	return NULL;
}

/* ---- the monitor listener ---------------------------------------------- */

static void *monitor(void *arg)
{
	struct stress *st = arg;
	int64_t quiet_since = 0;
	struct mp_monitor *mon = malloc(sizeof(*mon));
	struct mp_status status;
	struct mp_event ev;
	struct mp_ack ack;
	struct mp_ctx c;
	int rc;

	memset(&st->watch, 0, sizeof(st->watch));
	if (!mon || mp_open(&c)) {
		stress_fail(st, "monitor: setup: %s", mp_errstr());
		free(mon);
		return NULL;
	}
	rc = mp_monitor_open(mon, &c.fam, 4 << 20, false);
	if (!rc)
		rc = mp_status_get(&c, &status, &ack);
	if (rc) {
		stress_fail(st, "monitor: joining: %s", mp_errstr());
		goto out;
	}
	/* Everything from here on must be seen or read back. */
	st->watch.next = status.event_seq;
	for (;;) {
		rc = mp_monitor_recv(mon, &ev, 100);
		if (rc == -EAGAIN) {
			if (!atomic_load(&st->monitor_finish)) {
				quiet_since = 0;
				continue;
			}
			/* Finishing: stop after a quiet 250 ms. */
			if (!quiet_since)
				quiet_since = mp_time_ms();
			if (mp_time_ms() - quiet_since >= 250)
				break;
			continue;
		}
		quiet_since = 0;
		if (rc == -ENOBUFS) {
			mp_seqwatch_enobufs(&st->watch);
			continue;
		}
		if (rc) {
			stress_fail(st, "monitor: %s", mp_errstr());
			break;
		}
		rc = mp_seqwatch_feed(&st->watch, &c, &ev);
		if (rc) {
			stress_fail(st, "monitor: %s", mp_errstr());
			break;
		}
	}
	/* Events dropped at the very end show no jump: catch up to now. */
	if (!mp_status_get(&c, &status, &ack) &&
	    mp_seqwatch_catch_up(&st->watch, &c, status.event_seq))
		stress_fail(st, "monitor: catching up: %s", mp_errstr());
	if (status.event_seq != st->watch.next)
		stress_fail(st, "monitor: accounted up to seq %" PRIu64 ", the module is at %" PRIu64,
			    st->watch.next, status.event_seq);
out:
	mp_monitor_close(mon);
	mp_close(&c);
	free(mon);
	return NULL;
}

/* ---- the test ------------------------------------------------------------ */

FIXTURE(stress) {
	struct mp_env e;
	struct mp_snap boot;
};

FIXTURE_SETUP(stress)
{
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	MP_OK(mp_snap_take(&self->e.c, &self->boot));
}

FIXTURE_TEARDOWN(stress)
{
	mp_snap_free(&self->boot);
	mp_env_teardown(&self->e);
	mp_memplug_restore(&self->e.c);
	mp_close(&self->e.c);
}

/* After a round: nothing left, the counters add up. */
static void round_clean(struct __test_metadata *_metadata,
			FIXTURE_DATA(stress) *self, const struct mp_status *st0)
{
	struct mp_env *e = &self->e;
	struct mp_state_opts o = { .memtotal_base = self->boot.memtotal };
	struct mp_status st;
	struct mp_ack ack;
	char why[512];
	int rc;

	MP_OK(mp_settle(&e->c, SETTLE_MS));
	rc = mp_state_check(&e->c, e->dev_start, e->dev_size, &o, why,
			    sizeof(why));
	ASSERT_EQ(0, rc) TH_LOG("memplug and the system disagree: %s",
				rc > 0 ? why : mp_errstr());
	MP_SAME(&e->c, &self->boot, false);
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	ASSERT_EQ(0, st.ranges);
	ASSERT_EQ(0, st.objects);
	ASSERT_EQ(0, st.plugged_bytes);
	ASSERT_EQ(st0->plugs - st0->unplugs, st.plugs - st.unplugs)
	TH_LOG("%" PRIu64 " plugs, %" PRIu64 " unplugs", st.plugs, st.unplugs);
	ASSERT_EQ(0, mp_module_refcnt("memplug"));
}

TEST_F_TIMEOUT(stress, concurrent_controllers, 3600)
{
	struct mp_env *e = &self->e;
	const char *seed_env = getenv("MEMPLUG_STRESS_SEED");
	int secs = atoi(mp_env("MEMPLUG_STRESS_SECS", "20"));
	int round_secs = atoi(mp_env("MEMPLUG_STRESS_ROUND_SECS", "10"));
	struct stress *st = calloc(1, sizeof(*st));
	struct racer racers[NRACERS];
	unsigned long long events = 0, ops, words = 0, w;
	int64_t end, t0 = mp_time_ms();
	long long migrated = mp_vmstat("pgmigrate_success");
	long long thp = mp_vmstat("thp_migration_success");
	int round = 0, i;

	MP_NEED_DEVICE();
	ASSERT_NE(NULL, st);
	ASSERT_EQ(0, access(mp_ctl_path(), X_OK))
	TH_LOG("controller %s: %s", mp_ctl_path(), strerror(errno));
	ASSERT_GE(e->dev_size, NSLICES * MP_MIB(256));
	if (secs <= 0)
		secs = 20;
	if (round_secs <= 0 || round_secs > secs)
		round_secs = secs;
	st->e = e;
	st->seed = seed_env ? strtoull(seed_env, NULL, 0) : (uint64_t)time(NULL);
	st->seed |= 1;
	st->slice_size = MP_MIB(256);
	st->slice_blocks = st->slice_size / e->bs;
	ASSERT_LE(st->slice_blocks, 8);
	pthread_mutex_init(&st->lock, NULL);
	pthread_barrier_init(&st->bar, NULL, NRACERS);
	TH_LOG("seed %" PRIu64 ", %d s in rounds of %d s; rerun with MEMPLUG_STRESS_SEED=%" PRIu64,
	       st->seed, secs, round_secs, st->seed);
	end = t0 + secs * 1000LL;

	do {
		pthread_t th[NRACERS + 6];
		struct mp_canary canary;
		struct mp_status st0;
		struct mp_ack ack;
		int nth = 0, rc;

		round++;
		MP_NL_OK(mp_status_get(&e->c, &st0, &ack), ack);
		st->deadline = mp_time_ms() + round_secs * 1000LL;
		if (st->deadline > end)
			st->deadline = end;
		atomic_store(&st->monitor_finish, false);

		MP_OK(mp_canary_start(&canary, NCANARIES, CANARY_BYTES,
				      st->seed + round));
		ASSERT_EQ(0, pthread_create(&th[nth++], NULL, monitor, st));
		/* Let the listener join before anything happens. */
		mp_sleep_ms(100);
		ASSERT_EQ(0, pthread_create(&th[nth++], NULL, ctl_worker, st));
		ASSERT_EQ(0, pthread_create(&th[nth++], NULL, raw_plugger, st));
		ASSERT_EQ(0, pthread_create(&th[nth++], NULL, raw_unheld, st));
		ASSERT_EQ(0, pthread_create(&th[nth++], NULL, sysfs_racer, st));
		ASSERT_EQ(0, pthread_create(&th[nth++], NULL, dumper, st));
		for (i = 0; i < NRACERS; i++) {
			racers[i].st = st;
			racers[i].tid = i;
			ASSERT_EQ(0, pthread_create(&th[nth++], NULL, racer,
						    &racers[i]));
		}
		for (i = 1; i < nth; i++)
			pthread_join(th[i], NULL);
		atomic_store(&st->monitor_finish, true);
		pthread_join(th[0], NULL);
		rc = mp_canary_stop(&canary, &w);
		words += w;
		ASSERT_EQ(0, rc) TH_LOG("round %d: a canary: %s", round,
					mp_errstr());

		events += st->watch.received + st->watch.recovered;
		atomic_fetch_add(&st->events, st->watch.received);
		atomic_fetch_add(&st->recovered, st->watch.recovered);
		atomic_fetch_add(&st->enobufs, st->watch.enobufs);
		ASSERT_EQ(0, st->failure[0])
		TH_LOG("round %d: %s", round, st->failure);
		ASSERT_EQ(0, st->watch.lost)
		TH_LOG("round %d: the listener lost %" PRIu64 " events the ring no longer had",
		       round, st->watch.lost);
		round_clean(_metadata, self, &st0);
		fprintf(stderr, "# round %d: %llu netlink requests, %llu memplugctl runs, %llu sysfs writes, %llu events, %llu canary words so far\n",
			round, atomic_load(&st->nl_ops),
			atomic_load(&st->ctl_runs),
			atomic_load(&st->sysfs_writes), events, words);

		/* Out and in again between rounds. */
		if (mp_time_ms() < end) {
			MP_OK(mp_memplug_reload(&e->c, mp_ko_params()));
		}
	} while (mp_time_ms() < end);

	ops = atomic_load(&st->nl_ops) + atomic_load(&st->ctl_runs) +
	      atomic_load(&st->sysfs_writes) + atomic_load(&st->dumps);
	TH_LOG("%d rounds in %.1f s: %llu operations: %llu netlink requests, %llu dumps, %llu memplugctl runs, %llu sysfs writes (%llu refused); %llu plugs (%llu memplugctl plugs failed by the racer), %llu same-range races (%llu holders walked away); %llu events received, %llu read back from the ring, %llu ENOBUFS; %llu canary words checked, none lost",
	       round, (mp_time_ms() - t0) / 1000.0, ops,
	       atomic_load(&st->nl_ops), atomic_load(&st->dumps),
	       atomic_load(&st->ctl_runs), atomic_load(&st->sysfs_writes),
	       atomic_load(&st->sysfs_refused), atomic_load(&st->plugs),
	       atomic_load(&st->ctl_plugs_failed), atomic_load(&st->races),
	       atomic_load(&st->abandoned), atomic_load(&st->events),
	       atomic_load(&st->recovered), atomic_load(&st->enobufs), words);
	TH_LOG("meanwhile the kernel migrated %lld pages, %lld of them as transparent huge pages (thp_migration_success)",
	       mp_vmstat("pgmigrate_success") - migrated,
	       mp_vmstat("thp_migration_success") - thp);
	pthread_barrier_destroy(&st->bar);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

TEST_HARNESS_MAIN
