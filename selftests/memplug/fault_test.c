// SPDX-License-Identifier: GPL-2.0
/*
 * fault_test: memplug when the kernel or memplug's own allocations fail.
 *
 * memory-notifier-error-inject makes every MEM_GOING_OFFLINE (and/or
 * MEM_GOING_ONLINE) fail, loaded to run before memplug's notifier and
 * after it:
 *   - an unplug, over raw RANGE_DEL and with memplugctl, whose offlining
 *     is vetoed leaves the range plugged exactly as it was (every block
 *     in its state and zone, MemTotal, excluded pages still kept out),
 *     says why (errno, extended ACK, FAIL_BLOCK and FAIL_ERRNO, the
 *     controller's exit code and message), and a later unplug succeeds;
 *   - online and offline failing at once, also when the kernel's
 *     re-onlining after an interrupted unplug fails: what memplug reports
 *     (RANGE_GET, BLOCK_GET, memplugctl list and blocks) matches sysfs
 *     block for block.
 * memplug's test knob "fail" (test_knobs=1) makes each of its allocation
 * sites fail in turn: every refused request changes nothing a user sees
 * (MemTotal, /proc/iomem, memory blocks, the registry, the live object
 * count, the module's reference count) and answers ENOMEM; a lost event
 * notification shows up at a listener as a gap in seq that the ring fills.
 */
#include <sys/wait.h>
#include <unistd.h>
#include <linux/kernel-page-flags.h>

#include "memplug_test.h"
#include "mp_event.h"
#include "mp_fault.h"
#include "mp_state.h"

#define CTL_TIMEOUT 180
#define NBLK 4
#define EV_MAX 256

/* The controller's "list --json" / "blocks --json" and its exit codes. */
#define EXIT_BUSY 5
#define EXIT_FAILED 1

/* memplug's extended ACK texts for a failed unplug (kmod/plug.c). */
#define MSG_OFFLINE_FAILED "offlining the range failed; the range stays plugged"
#define MSG_OFFLINE_BUSY \
	"a memory block could not be offlined (pages in use or unmovable); the range stays plugged"
#define MSG_CANCELLED "unplug cancelled; the range stays plugged"

/* Every refusal must leave the state memplug reports equal to sysfs's. */
#define STATE_AGREES(e, base)                                                 \
	do {                                                                  \
		struct mp_state_opts __o = { .memtotal_base = (base) };       \
		char __why[512];                                              \
		int __rc = mp_state_check(&(e)->c, (e)->dev_start,            \
					  (e)->dev_size, &__o, __why,         \
					  sizeof(__why));                     \
		ASSERT_EQ(0, __rc)                                            \
		TH_LOG("memplug and the system disagree: %s",                 \
		       __rc > 0 ? __why : mp_errstr());                       \
	} while (0)

static void log_ctl(struct __test_metadata *_metadata, const char *what,
		    const struct mp_run *run)
{
	TH_LOG("memplugctl %s -> %d%s, stdout '%.*s', stderr '%.*s'", what,
	       run->status, run->timed_out ? " (timed out)" : "",
	       (int)strcspn(run->out, "\n"), run->out,
	       (int)strcspn(run->err, "\n"), run->err);
}

/* --------------------------------------------------------------------- */
/* memory-notifier-error-inject                                           */

FIXTURE(inject) {
	struct mp_env e;
	long long mt0;
	struct mp_snap boot;
	bool no_inject;
	char why[256];
};

FIXTURE_VARIANT(inject) {
	int priority;
};

/* The injector's notifier runs first, and memplug's never sees the step. */
FIXTURE_VARIANT_ADD(inject, before_memplug) {
	.priority = 1,
};

/* memplug's notifier runs first and must undo what it did on CANCEL. */
FIXTURE_VARIANT_ADD(inject, after_memplug) {
	.priority = -1,
};

FIXTURE_SETUP(inject)
{
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	/* Exclusion needs memplug's online page callback. */
	mp_rmmod_if_loaded("memplug_test_slot");
	rc = mp_inject_load(variant->priority);
	if (rc) {
		self->no_inject = true;
		snprintf(self->why, sizeof(self->why), "%s", mp_errstr());
	}
	self->mt0 = mp_memtotal_kb();
	ASSERT_GT(self->mt0, 0);
	MP_OK(mp_snap_take(&self->e.c, &self->boot));
}

FIXTURE_TEARDOWN(inject)
{
	mp_inject_unload();
	mp_snap_free(&self->boot);
	mp_env_teardown(&self->e);
}

#define NEED_INJECT()                                                         \
	do {                                                                  \
		MP_NEED_DEVICE();                                             \
		if (self->no_inject)                                          \
			SKIP(return, "memory-notifier-error-inject: %s",      \
			     self->why);                                      \
	} while (0)

/* Plug NBLK blocks at the device start, with 3 excluded pages in block 1. */
static void plug_excl(struct __test_metadata *_metadata, struct mp_env *e,
		      struct mp_range *r)
{
	struct mp_excl x = { e->dev_start + e->bs + 0x10000, 3 * 4096 };
	struct mp_add_opts o = { .name = "fault", .nr_excl = 1, .excl = &x };
	struct mp_ack ack;

	MP_NL_OK(mp_range_add(&e->c, e->dev_start, NBLK * e->bs, &o, r, &ack),
		 ack);
	ASSERT_EQ(1, r->nr_excl);
}

/* Online every block of the range that is not online yet, movable. */
static void online_all(struct __test_metadata *_metadata, struct mp_env *e)
{
	unsigned int i;

	for (i = 0; i < NBLK; i++) {
		char st[32];

		MP_OK(mp_block_state(e->dev_block + i, st, sizeof(st)));
		if (strcmp(st, "online"))
			MP_OK(mp_block_set(e->dev_block + i, "online_movable"));
	}
}

/*
 * Every excluded page of an online block is still PageOffline, i.e. kept
 * out of the allocator (an offline block has no pages to look at).
 */
static void excluded_kept_out(struct __test_metadata *_metadata,
			      const struct mp_range *r)
{
	uint64_t bs = mp_block_size();
	int i;

	for (i = 0; i < r->nr_excl; i++) {
		uint64_t pfn = r->excl[i].start / 4096;
		uint64_t end = pfn + r->excl[i].size / 4096, flags;

		for (; pfn < end; pfn++) {
			char st[32];

			MP_OK(mp_block_state(pfn * 4096 / bs, st, sizeof(st)));
			if (strcmp(st, "online"))
				continue;
			MP_OK(mp_kpageflags(pfn, &flags));
			ASSERT_TRUE(flags & (1ULL << KPF_OFFLINE))
			TH_LOG("excluded pfn %#" PRIx64 " flags %#" PRIx64,
			       pfn, flags);
			ASSERT_FALSE(flags & (1ULL << KPF_BUDDY));
		}
	}
}

/*
 * After a failed unplug: still plugged, the blocks as in @zones (NULL for
 * an offline block), the same pages online and excluded, the failure on
 * record.
 */
static void unplug_failed(struct __test_metadata *_metadata, struct mp_env *e,
			  const struct mp_range *before, char zones[][64],
			  unsigned int fail_block, int fail_errno)
{
	struct mp_range g;
	struct mp_ack ack;
	unsigned int i, online = 0;

	MP_NL_OK(mp_range_get(&e->c, before->id, &g, &ack), ack);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGED, g.state)
	TH_LOG("state %s", MP_ENUM_STR(range_state, g.state));
	for (i = 0; i < NBLK; i++) {
		char zone[64];

		if (!zones[i][0]) {
			MP_BLOCK_STATE(e->dev_block + i, "offline");
			continue;
		}
		online++;
		MP_BLOCK_STATE(e->dev_block + i, "online");
		MP_OK(mp_block_zones(e->dev_block + i, zone, sizeof(zone)));
		ASSERT_STREQ(zones[i], zone);
	}
	ASSERT_EQ(online, g.blocks_online);
	ASSERT_EQ(before->pages_online, g.pages_online);
	ASSERT_EQ(before->pages_excluded, g.pages_excluded);
	ASSERT_TRUE(g.has_fail_block) TH_LOG("no FAIL_BLOCK");
	ASSERT_EQ(fail_block, g.fail_block);
	ASSERT_TRUE(g.has_fail_errno) TH_LOG("no FAIL_ERRNO");
	ASSERT_EQ(fail_errno, g.fail_errno)
	TH_LOG("FAIL_ERRNO %d (%s)", g.fail_errno, strerror(-g.fail_errno));
	excluded_kept_out(_metadata, &g);
}

/* The zone of every block of the range, "" for an offline one. */
static void zones_now(struct __test_metadata *_metadata, struct mp_env *e,
		      char zones[][64])
{
	unsigned int i;

	for (i = 0; i < NBLK; i++) {
		char st[32];

		MP_OK(mp_block_state(e->dev_block + i, st, sizeof(st)));
		zones[i][0] = '\0';
		if (!strcmp(st, "online"))
			MP_OK(mp_block_zones(e->dev_block + i, zones[i], 64));
	}
}

/* The last unplug works and leaves the machine as it was at boot. */
static void unplug_clean(struct __test_metadata *_metadata,
			 FIXTURE_DATA(inject) *self, uint32_t id)
{
	struct mp_ack ack;
	unsigned int i;

	MP_NL_OK(mp_range_del(&self->e.c, id, NULL, &ack), ack);
	for (i = 0; i < NBLK; i++)
		MP_BLOCK_GONE(self->e.dev_block + i);
	MP_SAME(&self->e.c, &self->boot, false);
}

/*
 * RANGE_DEL of a whole online range with offlining vetoed: nothing moves,
 * the reason is reported, and the unplug works once the fault is gone.
 */
TEST_F_TIMEOUT(inject, unplug_vetoed_raw, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_status st0, st1;
	char zones[NBLK][64];
	struct mp_range r, g0;
	struct mp_ack ack;
	long long mt;
	int rc;

	NEED_INJECT();
	plug_excl(_metadata, e, &r);
	online_all(_metadata, e);
	zones_now(_metadata, e, zones);
	MP_NL_OK(mp_range_get(&e->c, r.id, &g0, &ack), ack);
	ASSERT_EQ(NBLK, g0.blocks_online);
	ASSERT_EQ(3, g0.pages_excluded);
	mt = mp_memtotal_kb();
	MP_NL_OK(mp_status_get(&e->c, &st0, &ack), ack);

	MP_OK(mp_inject_set("MEM_GOING_OFFLINE", EIO));
	rc = mp_range_del(&e->c, r.id, NULL, &ack);
	MP_REFUSED(rc, ack, EIO, "memplug: " MSG_OFFLINE_FAILED);
	unplug_failed(_metadata, e, &g0, zones, e->dev_block, -EIO);
	ASSERT_EQ(mt, mp_memtotal_kb());
	MP_NL_OK(mp_status_get(&e->c, &st1, &ack), ack);
	ASSERT_EQ(st0.unplug_failures + 1, st1.unplug_failures);
	ASSERT_EQ(st0.unplugs, st1.unplugs);
	ASSERT_EQ(1, st1.ranges);
	ASSERT_EQ(st0.objects, st1.objects);
	STATE_AGREES(e, self->mt0);

	/* A second try fails the same way and changes nothing either. */
	rc = mp_range_del(&e->c, r.id, NULL, &ack);
	ASSERT_EQ(-EIO, rc);
	unplug_failed(_metadata, e, &g0, zones, e->dev_block, -EIO);

	MP_OK(mp_inject_set("MEM_GOING_OFFLINE", 0));
	unplug_clean(_metadata, self, r.id);
}

/*
 * The first two blocks offline already: the unplug stops at the third,
 * reports that one, and leaves the first two offline and the rest online.
 */
TEST_F_TIMEOUT(inject, unplug_vetoed_mid_range, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	char zones[NBLK][64];
	struct mp_range r, g0;
	struct mp_ack ack;
	long long mt;
	int rc;

	NEED_INJECT();
	plug_excl(_metadata, e, &r);
	online_all(_metadata, e);
	MP_OK(mp_block_set(e->dev_block, "offline"));
	MP_OK(mp_block_set(e->dev_block + 1, "offline"));
	zones_now(_metadata, e, zones);
	ASSERT_EQ('\0', zones[1][0]);
	MP_NL_OK(mp_range_get(&e->c, r.id, &g0, &ack), ack);
	ASSERT_EQ(2, g0.blocks_online);
	mt = mp_memtotal_kb();

	MP_OK(mp_inject_set("MEM_GOING_OFFLINE", EIO));
	rc = mp_range_del(&e->c, r.id, NULL, &ack);
	MP_REFUSED(rc, ack, EIO, "memplug: " MSG_OFFLINE_FAILED);
	unplug_failed(_metadata, e, &g0, zones, e->dev_block + 2, -EIO);
	ASSERT_EQ(mt, mp_memtotal_kb());
	STATE_AGREES(e, self->mt0);

	/* The excluded pages of block 1 come back kept out when it does. */
	MP_OK(mp_inject_set("MEM_GOING_OFFLINE", 0));
	MP_OK(mp_block_set(e->dev_block + 1, "online_movable"));
	MP_NL_OK(mp_range_get(&e->c, r.id, &g0, &ack), ack);
	ASSERT_EQ(3, g0.pages_excluded);
	excluded_kept_out(_metadata, &g0);
	STATE_AGREES(e, self->mt0);
	unplug_clean(_metadata, self, r.id);
}

/*
 * memplugctl unplug with offlining vetoed: exit 5 for EBUSY and 1 for
 * EIO, the errno and where the range stands on stderr, and list --json
 * shows the failure; then the unplug works.
 */
TEST_F_TIMEOUT(inject, unplug_vetoed_ctl, MP_TIMEOUT)
{
	struct mp_run *run = malloc(sizeof(*run));
	struct mp_env *e = &self->e;
	char zones[NBLK][64], id[16], want[64], *j;
	struct mp_range r, g0;
	struct mp_ack ack;
	long long mt;

	NEED_INJECT();
	ASSERT_NE(NULL, run);
	ASSERT_EQ(0, access(mp_ctl_path(), X_OK))
	TH_LOG("controller %s: %s", mp_ctl_path(), strerror(errno));
	plug_excl(_metadata, e, &r);
	online_all(_metadata, e);
	zones_now(_metadata, e, zones);
	MP_NL_OK(mp_range_get(&e->c, r.id, &g0, &ack), ack);
	mt = mp_memtotal_kb();
	snprintf(id, sizeof(id), "%u", r.id);

	MP_OK(mp_inject_set("MEM_GOING_OFFLINE", EBUSY));
	MP_OK(mp_run_ctl(run, CTL_TIMEOUT, "unplug", id, NULL));
	log_ctl(_metadata, "unplug (EBUSY)", run);
	ASSERT_FALSE(run->timed_out);
	ASSERT_EQ(EXIT_BUSY, run->status);
	ASSERT_EQ(0, strncmp(run->err, "memplugctl: ", 12));
	ASSERT_NE(NULL, strstr(run->err, "(EBUSY)"));
	ASSERT_NE(NULL, strstr(run->err, "remains plugged and online"));
	snprintf(want, sizeof(want), "memory block %u", e->dev_block);
	ASSERT_NE(NULL, strstr(run->err, want)) TH_LOG("no '%s'", want);
	unplug_failed(_metadata, e, &g0, zones, e->dev_block, -EBUSY);
	ASSERT_EQ(mt, mp_memtotal_kb());

	MP_OK(mp_inject_set("MEM_GOING_OFFLINE", EIO));
	MP_OK(mp_run_ctl(run, CTL_TIMEOUT, "unplug", id, NULL));
	log_ctl(_metadata, "unplug (EIO)", run);
	ASSERT_EQ(EXIT_FAILED, run->status);
	ASSERT_NE(NULL, strstr(run->err, "(EIO)"));
	ASSERT_NE(NULL, strstr(run->err, "remains plugged and online"));
	unplug_failed(_metadata, e, &g0, zones, e->dev_block, -EIO);
	ASSERT_EQ(mt, mp_memtotal_kb());

	MP_OK(mp_run_ctl(run, CTL_TIMEOUT, "list", "--json", NULL));
	ASSERT_EQ(0, run->status) TH_LOG("list: %s", run->err);
	j = malloc(MP_RUN_OUT);
	ASSERT_NE(NULL, j);
	mp_json_compact(run->out, j, MP_RUN_OUT);
	ASSERT_EQ(1, mp_json_count_num(j, "fail_block", e->dev_block))
	TH_LOG("%s", j);
	ASSERT_NE(NULL, strstr(j, "\"fail_errno\":\"EIO\"")) TH_LOG("%s", j);
	ASSERT_EQ(1, mp_json_count_num(j, "online_blocks", NBLK));
	free(j);
	STATE_AGREES(e, self->mt0);

	MP_OK(mp_inject_set("MEM_GOING_OFFLINE", 0));
	MP_OK(mp_run_ctl(run, CTL_TIMEOUT, "unplug", id, NULL));
	log_ctl(_metadata, "unplug", run);
	ASSERT_EQ(0, run->status);
	MP_SAME(&e->c, &self->boot, false);
	free(run);
}

/* memplugctl's view of the blocks against sysfs. */
static void ctl_blocks_agree(struct __test_metadata *_metadata,
			     struct mp_env *e, unsigned int online)
{
	struct mp_run *run = malloc(sizeof(*run));
	char *j = malloc(MP_RUN_OUT);
	unsigned int i;

	ASSERT_NE(NULL, run);
	ASSERT_NE(NULL, j);
	MP_OK(mp_run_ctl(run, CTL_TIMEOUT, "list", "--json", NULL));
	ASSERT_EQ(0, run->status) TH_LOG("list: %s", run->err);
	mp_json_compact(run->out, j, MP_RUN_OUT);
	ASSERT_EQ(1, mp_json_count_num(j, "online_blocks", online))
	TH_LOG("%s", j);
	ASSERT_EQ(1, mp_json_count_num(j, "total_blocks", NBLK));
	if (online && online < NBLK) {
		ASSERT_NE(NULL, strstr(j, "\"state\":\"partial\"")) TH_LOG("%s", j);
	}

	MP_OK(mp_run_ctl(run, CTL_TIMEOUT, "blocks", "--json", NULL));
	ASSERT_EQ(0, run->status) TH_LOG("blocks: %s", run->err);
	mp_json_compact(run->out, j, MP_RUN_OUT);
	for (i = 0; i < NBLK; i++) {
		char st[32], zone[64], want[160], key[32], *p, *end;

		MP_OK(mp_block_state(e->dev_block + i, st, sizeof(st)));
		if (!strcmp(st, "online")) {
			MP_OK(mp_block_zones(e->dev_block + i, zone,
					     sizeof(zone)));
			snprintf(want, sizeof(want),
				 "\"state\":\"online\",\"zone\":\"%s\"", zone);
		} else {
			snprintf(want, sizeof(want),
				 "\"state\":\"offline\",\"zone\":null");
		}
		/* The block's own object must hold that state and zone. */
		snprintf(key, sizeof(key), "{\"block\":%u,", e->dev_block + i);
		p = strstr(j, key);
		ASSERT_NE(NULL, p) TH_LOG("no %s in %s", key, j);
		end = strchr(p, '}');
		ASSERT_NE(NULL, end);
		*end = '\0';
		ASSERT_NE(NULL, strstr(p, want))
		TH_LOG("memory%u: sysfs %s, memplugctl %s}", e->dev_block + i,
		       st, p);
		*end = '}';
	}
	free(j);
	free(run);
}

/*
 * Half the range online, then onlining and offlining both fail: onlining
 * the rest and unplugging fail, and memplug, memplugctl and sysfs agree on
 * every block.
 */
TEST_F_TIMEOUT(inject, double_fault_online_and_unplug, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	char zones[NBLK][64];
	struct mp_range r, g0, g;
	struct mp_ack ack;
	long long mt;
	int rc;

	NEED_INJECT();
	plug_excl(_metadata, e, &r);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	MP_OK(mp_block_set(e->dev_block + 1, "online_movable"));
	zones_now(_metadata, e, zones);
	MP_NL_OK(mp_range_get(&e->c, r.id, &g0, &ack), ack);
	mt = mp_memtotal_kb();

	MP_OK(mp_inject_set("MEM_GOING_ONLINE", EBUSY));
	MP_OK(mp_inject_set("MEM_GOING_OFFLINE", EBUSY));
	ASSERT_EQ(-EBUSY, mp_block_set(e->dev_block + 2, "online_movable"));
	ASSERT_EQ(-EBUSY, mp_block_set(e->dev_block + 3, "online_movable"));
	ASSERT_EQ(-EBUSY, mp_block_set(e->dev_block + 1, "offline"));
	rc = mp_range_del(&e->c, r.id, NULL, &ack);
	MP_REFUSED(rc, ack, EBUSY, "memplug: " MSG_OFFLINE_BUSY);
	unplug_failed(_metadata, e, &g0, zones, e->dev_block, -EBUSY);
	ASSERT_EQ(mt, mp_memtotal_kb());
	STATE_AGREES(e, self->mt0);
	ctl_blocks_agree(_metadata, e, 2);

	/* Once the faults are gone everything works again. */
	mp_inject_reset();
	MP_OK(mp_block_set(e->dev_block + 2, "online_movable"));
	MP_OK(mp_block_set(e->dev_block + 3, "online_movable"));
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(NBLK, g.blocks_online);
	STATE_AGREES(e, self->mt0);
	unplug_clean(_metadata, self, r.id);
}

/* Wait up to @ms for blocks [from, to) of the device to be offline. */
static bool offline_by(struct mp_env *e, unsigned int from, unsigned int to,
		       int ms)
{
	int64_t deadline = mp_time_ms() + ms;

	for (;;) {
		unsigned int i;
		bool all = true;

		for (i = from; i < to && all; i++) {
			char st[32];

			all = !mp_block_state(e->dev_block + i, st, sizeof(st)) &&
			      !strcmp(st, "offline");
		}
		if (all)
			return true;
		if (mp_time_ms() > deadline)
			return false;
		mp_sleep_ms(20);
	}
}

/*
 * The kernel's own rollback fails: the unplug offlines blocks 0-2, spins
 * on a page held in block 3 until RANGE_CANCEL stops it, and re-onlining
 * 0-2 is vetoed. The range stays plugged with one block online, and memplug,
 * memplugctl and sysfs agree on it.
 */
TEST_F_TIMEOUT(inject, double_fault_reonline_fails, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	char zones[NBLK][64];
	struct mp_status st;
	struct mp_range r, g;
	struct mp_ack ack;
	int rc;

	NEED_INJECT();
	plug_excl(_metadata, e, &r);
	/*
	 * Block 3 first and alone in ZONE_MOVABLE, so that the helper's
	 * movable allocations find a page there at once.
	 */
	MP_OK(mp_block_set(e->dev_block + NBLK - 1, "online_movable"));
	MP_OK(mp_pin(e->dev_start + (NBLK - 1) * e->bs, e->bs));
	online_all(_metadata, e);

	MP_OK(mp_inject_set("MEM_GOING_ONLINE", EBUSY));
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	e->c.nowait = true;
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_TRUE(offline_by(e, 0, NBLK - 1, 60000))
	TH_LOG("blocks 0-%d never went offline", NBLK - 2);
	/* Block 3 spins now: its offlining cannot take the pinned page. */
	mp_sleep_ms(300);
	MP_BLOCK_STATE(e->dev_block + NBLK - 1, "going-offline");
	MP_NL_OK(mp_range_cancel(&e->c, r.id, NULL, &ack), ack);
	e->c.nowait = false;
	rc = mp_range_await(&e->c, r.id, st.event_seq, false, &ack);
	TH_LOG("the unplug's outcome: %d (%s), '%s'", rc, strerror(-rc),
	       ack.msg);
	ASSERT_FALSE(ack.local) TH_LOG("no outcome: %s", mp_errstr());
	ASSERT_EQ(-ECANCELED, rc);
	ASSERT_STREQ("memplug: " MSG_CANCELLED, ack.msg);

	/* Blocks 0-2 stayed offline: their re-onlining was vetoed. */
	zones_now(_metadata, e, zones);
	ASSERT_EQ('\0', zones[0][0]);
	ASSERT_EQ('\0', zones[NBLK - 2][0]);
	ASSERT_STREQ("Movable", zones[NBLK - 1]);
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGED, g.state);
	ASSERT_EQ(1, g.blocks_online);
	ASSERT_EQ(e->bs / 4096, g.pages_online);
	ASSERT_TRUE(g.has_fail_block);
	ASSERT_EQ(e->dev_block + NBLK - 1, g.fail_block);
	ASSERT_EQ(-EINTR, g.fail_errno);
	STATE_AGREES(e, self->mt0);
	ctl_blocks_agree(_metadata, e, 1);

	MP_OK(mp_inject_set("MEM_GOING_ONLINE", 0));
	MP_OK(mp_rmmod("memplug_test_pin"));
	unplug_clean(_metadata, self, r.id);
}

/* --------------------------------------------------------------------- */
/* memplug's test knob "fail"                                             */

FIXTURE(knob) {
	struct mp_env e;
	struct mp_monitor mon;
	struct mp_event *ev;
};

FIXTURE_SETUP(knob)
{
	char params[256];
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	self->mon.fd = -1;
	self->ev = calloc(EV_MAX, sizeof(*self->ev));
	ASSERT_NE(NULL, self->ev);
	mp_rmmod_if_loaded("memplug_test_slot");
	mp_knob_params(params, sizeof(params));
	if (!mp_memplug_loaded_with(params))
		MP_OK(mp_memplug_reload(&self->e.c, params));
	ASSERT_TRUE(mp_knobs_available());
	MP_OK(mp_knob_fail("none", 0));
}

FIXTURE_TEARDOWN(knob)
{
	if (mp_knobs_available())
		mp_knob_fail("none", 0);
	mp_monitor_close(&self->mon);
	free(self->ev);
	mp_env_teardown(&self->e);
	mp_memplug_restore(&self->e.c);
	mp_close(&self->e.c);
}

/* Where a RANGE_ADD allocates, in order, and what memplug says. */
static const struct {
	const char *site;
	const char *msg; /* the extended ACK memplug sends, NULL: none */
} add_sites[] = {
	{ "reply", NULL },
	{ "excl", NULL },
	{ "range", NULL },
	{ "acct", NULL },
	{ "table", NULL },
	{ "group", "memplug: registering the memory group failed" },
	{ "add", "memplug: kernel refused: out of memory for the memory map of the range" },
	{ "any", NULL },
};

/* The knob fired exactly once at @site: the allocation was reached. */
#define KNOB_SPENT(site)                                                      \
	do {                                                                  \
		char __s[64];                                                 \
		unsigned int __left;                                          \
		MP_OK(mp_knob_fail_get(__s, sizeof(__s), &__left));           \
		ASSERT_STREQ((site), __s);                                    \
		ASSERT_EQ(0, __left)                                          \
		TH_LOG("site %s never reached", (site));                      \
	} while (0)

/* Nothing a user sees changed, nor the objects and module references. */
#define NOTHING_CHANGED(e, before, nobj, nref)                                \
	do {                                                                  \
		struct mp_status __st;                                        \
		struct mp_ack __ack;                                          \
		MP_UNCHANGED(&(e)->c, (before));                              \
		MP_NL_OK(mp_status_get(&(e)->c, &__st, &__ack), __ack);       \
		ASSERT_EQ((nobj), __st.objects);                              \
		ASSERT_EQ((nref), mp_module_refcnt("memplug"));               \
	} while (0)

/*
 * A RANGE_ADD that fails at each allocation site in turn: ENOMEM, nothing
 * changed, the failure counted; then the same plug works.
 */
TEST_F_TIMEOUT(knob, every_add_site_raw, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_excl x = { e->dev_start + 0x10000, 4096 };
	struct mp_add_opts o = { .name = "knob", .nr_excl = 1, .excl = &x };
	struct mp_status st0, st;
	struct mp_snap before;
	struct mp_range r;
	struct mp_ack ack;
	char silent[128] = "";
	unsigned int i;
	int refcnt, rc;

	MP_NEED_DEVICE();
	refcnt = mp_module_refcnt("memplug");
	ASSERT_GE(refcnt, 0);
	MP_NL_OK(mp_status_get(&e->c, &st0, &ack), ack);
	ASSERT_EQ(0, st0.objects);
	for (i = 0; i < ARRAY_SIZE(add_sites); i++) {
		MP_OK(mp_snap_take(&e->c, &before));
		MP_OK(mp_knob_fail(add_sites[i].site, 1));
		rc = mp_range_add(&e->c, e->dev_start, MP_MIB(256), &o, NULL,
				  &ack);
		TH_LOG("fail at %s: %d (%s), extack '%s'", add_sites[i].site,
		       rc, strerror(-rc), ack.has_msg ? ack.msg : "(none)");
		ASSERT_FALSE(ack.local) TH_LOG("%s", mp_errstr());
		ASSERT_EQ(-ENOMEM, rc);
		if (add_sites[i].msg) {
			ASSERT_STREQ(add_sites[i].msg, ack.msg);
		}
		if (!ack.has_msg)
			snprintf(silent + strlen(silent),
				 sizeof(silent) - strlen(silent), "%s%s",
				 silent[0] ? ", " : "", add_sites[i].site);
		KNOB_SPENT(add_sites[i].site);
		NOTHING_CHANGED(e, &before, 0, refcnt);
		mp_snap_free(&before);
		MP_BLOCK_GONE(e->dev_block);
		STATE_AGREES(e, 0);
	}
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	/*
	 * A request refused before the core saw it, for want of a reply or
	 * of room for its exclusions ("reply", "excl", "any"), is no failed
	 * plug: nothing is counted.
	 */
	ASSERT_EQ(st0.plug_failures + ARRAY_SIZE(add_sites) - 3,
		  st.plug_failures);
	ASSERT_EQ(st0.plugs, st.plugs);

	/* Exhausted, the knob lets the same plug through. */
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), &o, &r, &ack),
		 ack);
	ASSERT_EQ(refcnt + 1, mp_module_refcnt("memplug"));
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	ASSERT_EQ(1, st.objects);
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	ASSERT_EQ(0, st.objects);
	ASSERT_EQ(st.plugs, st.unplugs + st0.plugs - st0.unplugs);
	ASSERT_EQ(refcnt, mp_module_refcnt("memplug"));
	ASSERT_EQ('\0', silent[0])
	TH_LOG("RANGE_ADD refused with ENOMEM but no extended ACK message at: %s",
	       silent);
}

/* The same through memplugctl plug: exit 1, ENOMEM, nothing left. */
TEST_F_TIMEOUT(knob, every_add_site_ctl, MP_TIMEOUT)
{
	struct mp_run *run = malloc(sizeof(*run));
	struct mp_env *e = &self->e;
	char start[32], excl[64];
	struct mp_snap before;
	unsigned int i;
	int refcnt;

	MP_NEED_DEVICE();
	ASSERT_NE(NULL, run);
	ASSERT_EQ(0, access(mp_ctl_path(), X_OK))
	TH_LOG("controller %s: %s", mp_ctl_path(), strerror(errno));
	snprintf(start, sizeof(start), "0x%" PRIx64, e->dev_start);
	snprintf(excl, sizeof(excl), "0x%" PRIx64 "-0x%" PRIx64,
		 e->dev_start + 0x10000, e->dev_start + 0x10fff);
	refcnt = mp_module_refcnt("memplug");
	for (i = 0; i < ARRAY_SIZE(add_sites); i++) {
		MP_OK(mp_snap_take(&e->c, &before));
		MP_OK(mp_knob_fail(add_sites[i].site, 1));
		MP_OK(mp_run_ctl(run, CTL_TIMEOUT, "plug", "--start", start,
				 "--size", "256M", "--exclude", excl, NULL));
		log_ctl(_metadata, add_sites[i].site, run);
		ASSERT_FALSE(run->timed_out);
		ASSERT_EQ(EXIT_FAILED, run->status);
		ASSERT_EQ(0, strncmp(run->err, "memplugctl: ", 12));
		ASSERT_NE(NULL, strstr(run->err, "(ENOMEM)"));
		KNOB_SPENT(add_sites[i].site);
		NOTHING_CHANGED(e, &before, 0, refcnt);
		mp_snap_free(&before);
	}
	free(run);
}

/*
 * Requests that would change a range fail for want of a reply before they
 * change anything: the range stays as it was.
 */
TEST_F_TIMEOUT(knob, reply_fails_first, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_range r, g;
	struct mp_status st;
	struct mp_snap before;
	struct mp_ack ack;
	int rc, refcnt;

	MP_NEED_DEVICE();
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), NULL, &r, &ack),
		 ack);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	refcnt = mp_module_refcnt("memplug");
	MP_OK(mp_snap_take(&e->c, &before));

	MP_OK(mp_knob_fail("reply", 1));
	rc = mp_range_del(&e->c, r.id, NULL, &ack);
	ASSERT_EQ(-ENOMEM, rc);
	KNOB_SPENT("reply");
	MP_OK(mp_knob_fail("reply", 1));
	rc = mp_range_set(&e->c, r.id, 1, MEMPLUG_ZONE_POLICY_KERNEL, NULL,
			  &ack);
	ASSERT_EQ(-ENOMEM, rc);
	KNOB_SPENT("reply");
	MP_OK(mp_knob_fail("reply", 1));
	ASSERT_EQ(-ENOMEM, mp_range_get(&e->c, r.id, NULL, &ack));
	MP_OK(mp_knob_fail("reply", 1));
	ASSERT_EQ(-ENOMEM, mp_status_get(&e->c, &st, &ack));
	KNOB_SPENT("reply");

	NOTHING_CHANGED(e, &before, 1, refcnt);
	mp_snap_free(&before);
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(0, g.protect);
	ASSERT_EQ(MEMPLUG_ZONE_POLICY_ANY, g.zone_policy);
	ASSERT_EQ(1, g.blocks_online);
	STATE_AGREES(e, 0);
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
}

/* The next sequence number, from STATUS_GET. */
static uint64_t next_seq(struct __test_metadata *_metadata, struct mp_ctx *c)
{
	struct mp_status st;
	struct mp_ack ack;
	int rc = mp_status_get(c, &st, &ack);

	EXPECT_EQ(0, rc);
	return st.event_seq;
}

/*
 * Lost notifications: the plug's and a block's GOING_ONLINE never reach
 * the listener; it sees the jumps in seq and reads exactly those events
 * back from the ring.
 */
TEST_F_TIMEOUT(knob, lost_events_filled_from_ring, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_seqwatch w = { 0 };
	struct mp_event ring[8];
	uint64_t first;
	struct mp_range r;
	struct mp_ack ack;
	int n, enobufs, i;

	MP_NEED_DEVICE();
	MP_OK(mp_monitor_open(&self->mon, &e->c.fam, 1 << 20, false));
	first = next_seq(_metadata, &e->c);
	w.next = first;

	/* seq first: PLUG, lost. */
	MP_OK(mp_knob_fail("event", 1));
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), NULL, &r, &ack),
		 ack);
	KNOB_SPENT("event");
	/* first + 1: GOING_ONLINE, lost; first + 2: ONLINE. */
	MP_OK(mp_knob_fail("event", 1));
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	KNOB_SPENT("event");
	/* first + 3, first + 4: GOING_ONLINE, ONLINE of the next block. */
	MP_OK(mp_block_set(e->dev_block + 1, "online_movable"));

	MP_OK(mp_monitor_drain(&self->mon, self->ev, EV_MAX, &n, &enobufs,
			       250));
	ASSERT_EQ(0, enobufs);
	ASSERT_EQ(3, n) TH_LOG("the listener got %d events", n);
	ASSERT_EQ(first + 2, self->ev[0].seq);
	ASSERT_EQ(MEMPLUG_EVENT_ONLINE, self->ev[0].action);
	for (i = 0; i < n; i++)
		MP_OK(mp_seqwatch_feed(&w, &e->c, &self->ev[i]));
	ASSERT_EQ(1, w.gaps);
	ASSERT_EQ(2, w.recovered);
	ASSERT_EQ(0, w.lost);
	ASSERT_EQ(first + 5, w.next);
	MP_OK(mp_seqwatch_catch_up(&w, &e->c, next_seq(_metadata, &e->c)));
	ASSERT_EQ(2, w.recovered);

	/* The ring has them, as they happened. */
	MP_OK(mp_event_dump(&e->c, first, ring, 8, &n, &ack));
	ASSERT_GE(n, 2);
	ASSERT_EQ(first, ring[0].seq);
	ASSERT_EQ(MEMPLUG_EVENT_PLUG, ring[0].action);
	ASSERT_TRUE(ring[0].has_range_id);
	ASSERT_EQ(r.id, ring[0].range_id);
	ASSERT_EQ(first + 1, ring[1].seq);
	ASSERT_EQ(MEMPLUG_EVENT_GOING_ONLINE, ring[1].action);
	ASSERT_EQ(e->dev_block, ring[1].block);

	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
}

TEST_HARNESS_MAIN
