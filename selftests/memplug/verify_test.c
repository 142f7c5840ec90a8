// SPDX-License-Identifier: GPL-2.0
/*
 * verify_test: verify-on-online (RANGE_ADD VERIFY, memplugctl --verify).
 * Every page is tested before the allocator sees it:
 *   - all good: PAGES_VERIFIED is every page, PAGES_BAD 0, MemTotal grows
 *     by the whole range, no verify-fail event;
 *   - with test_knobs=1 and pfns in debugfs verify_fail_pfns: those pages
 *     are kept out (PageOffline in /proc/kpageflags), counted in PAGES_BAD
 *     and PAGES_EXCLUDED, reported by verify-fail events carrying each bad
 *     run's START/SIZE, MemTotal grows by the good pages only, and the
 *     range still unplugs.
 * memplug is reloaded with test_knobs=1 for the second and put back as
 * MEMPLUG_KO_PARAMS says afterwards.
 */
#include "memplug_test.h"
#include "mp_event.h"

#define PAGE 4096ULL
#define KPF_OFFLINE 23
#define EV_MAX 256
/* Events are queued before the step that caused them returns. */
#define EV_QUIET_MS 250
#define KNOB_PFNS "/sys/kernel/debug/memplug/verify_fail_pfns"

FIXTURE(verify) {
	struct mp_env e;
	struct mp_monitor mon;
	struct mp_event *ev;
};

FIXTURE_SETUP(verify)
{
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	self->mon.fd = -1;
	mp_rmmod_if_loaded("memplug_test_slot");
	rc = mp_memplug_restore(&self->e.c);
	ASSERT_EQ(0, rc) TH_LOG("loading memplug as by default: %s",
				mp_errstr());
	self->ev = calloc(EV_MAX, sizeof(*self->ev));
	ASSERT_NE(NULL, self->ev);
}

FIXTURE_TEARDOWN(verify)
{
	mp_monitor_close(&self->mon);
	free(self->ev);
	mp_env_teardown(&self->e);
	mp_memplug_restore(&self->e.c);
	mp_close(&self->e.c);
}

static int drain(struct __test_metadata *_metadata, FIXTURE_DATA(verify) *self)
{
	char line[512];
	int n, enobufs, i;

	MP_OK(mp_monitor_drain(&self->mon, self->ev, EV_MAX, &n, &enobufs,
			       EV_QUIET_MS));
	EXPECT_EQ(0, enobufs);
	EXPECT_LE(n, EV_MAX);
	for (i = 0; i < n && i < EV_MAX; i++) {
		mp_event_format(&self->ev[i], line, sizeof(line));
		TH_LOG("event: %s", line);
	}
	return n;
}

/* Plug 256 MiB with VERIFY and online both blocks into Movable. */
static void plug_verified(struct __test_metadata *_metadata, struct mp_env *e,
			  struct mp_range *r)
{
	struct mp_add_opts o = {
		.zone_policy = MEMPLUG_ZONE_POLICY_MOVABLE,
		.verify = true,
	};
	struct mp_ack ack;

	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), &o, r, &ack),
		 ack);
	ASSERT_TRUE(r->verify);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	MP_OK(mp_block_set(e->dev_block + 1, "online_movable"));
}

TEST_F_TIMEOUT(verify, all_pages_good, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	const uint64_t pages = MP_MIB(256) / PAGE;
	struct mp_range r, g;
	struct mp_ack ack;
	long long mt0;
	int n;

	MP_NEED_DEVICE();
	mt0 = mp_memtotal_kb();
	MP_OK(mp_monitor_open(&self->mon, &e->c.fam, 0, false));
	plug_verified(_metadata, e, &r);
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(pages, g.pages_verified);
	ASSERT_EQ(0, g.pages_bad);
	ASSERT_EQ(0, g.pages_excluded);
	ASSERT_EQ(pages, g.pages_online);
	ASSERT_EQ(mt0 + MP_KB(MP_MIB(256)), mp_memtotal_kb());
	TH_LOG("onlining 256 MiB with verify took %" PRIu64 " ms in the kernel",
	       g.online_ns / 1000000);
	n = drain(_metadata, self);
	ASSERT_EQ(5, n);
	ASSERT_EQ(-1, mp_event_find(self->ev, n, 0, MEMPLUG_EVENT_VERIFY_FAIL,
				    -1));
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_EQ(mt0, mp_memtotal_kb());
}

/* A verify-fail event of range @id for @nr pages from @pfn. */
static void verify_fail_is(struct __test_metadata *_metadata,
			   const struct mp_event *ev, uint32_t id, uint64_t pfn,
			   uint64_t nr, uint64_t bs)
{
	ASSERT_EQ(MEMPLUG_EVENT_VERIFY_FAIL, ev->action);
	ASSERT_TRUE(ev->has_range_id);
	ASSERT_EQ(id, ev->range_id);
	ASSERT_EQ(pfn * PAGE, ev->start);
	ASSERT_EQ(nr * PAGE, ev->size);
	ASSERT_EQ(pfn, ev->start_pfn);
	ASSERT_EQ(nr, ev->nr_pages);
	ASSERT_EQ(pfn * PAGE / bs, ev->block);
	ASSERT_FALSE(ev->has_veto_errno);
}

TEST_F_TIMEOUT(verify, failing_pages_kept_out, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	const uint64_t pages = MP_MIB(256) / PAGE, bs = e->bs;
	const uint64_t base = e->dev_start / PAGE;
	/* A run of two in the first block, a single page in the second. */
	const uint64_t bad[] = { base + 1000, base + 1001,
				 base + bs / PAGE + 5000 };
	const uint64_t nbad = ARRAY_SIZE(bad);
	struct mp_range r, g;
	struct mp_ack ack;
	char knob[128], *io0, *io;
	uint64_t flags, pfn;
	long long mt0;
	int n, at, go;
	unsigned int i;

	MP_NEED_DEVICE();
	MP_OK(mp_memplug_reload(&e->c, "test_knobs=1"));
	ASSERT_TRUE(mp_path_exists(KNOB_PFNS));
	snprintf(knob, sizeof(knob), "%#" PRIx64 " %" PRIu64 ",%#" PRIx64 "\n",
		 bad[0], bad[1], bad[2]);
	MP_OK(mp_write_str(KNOB_PFNS, knob));
	mt0 = mp_memtotal_kb();
	io0 = mp_iomem();
	ASSERT_NE(NULL, io0);

	MP_OK(mp_monitor_open(&self->mon, &e->c.fam, 0, false));
	plug_verified(_metadata, e, &r);
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(nbad, g.pages_bad);
	ASSERT_EQ(nbad, g.pages_excluded);
	ASSERT_EQ(pages - nbad, g.pages_verified);
	ASSERT_EQ(pages - nbad, g.pages_online);
	ASSERT_EQ(mt0 + (long long)(pages - nbad) * 4, mp_memtotal_kb())
	TH_LOG("MemTotal must grow by 256 MiB less the %" PRIu64 " bad pages",
	       nbad);

	for (i = 0; i < nbad; i++) {
		MP_OK(mp_kpageflags(bad[i], &flags));
		ASSERT_TRUE(flags & (1ULL << KPF_OFFLINE))
		TH_LOG("bad pfn %#" PRIx64 ": flags %#" PRIx64, bad[i], flags);
	}
	for (pfn = bad[0] - 1; pfn <= bad[2] + 1; pfn++) {
		if (pfn == bad[0] || pfn == bad[1] || pfn == bad[2])
			continue;
		if (pfn != bad[0] - 1 && pfn != bad[1] + 1 &&
		    pfn != bad[2] - 1 && pfn != bad[2] + 1 && pfn % 997)
			continue;
		MP_OK(mp_kpageflags(pfn, &flags));
		ASSERT_FALSE(flags & (1ULL << KPF_OFFLINE))
		TH_LOG("good pfn %#" PRIx64 ": flags %#" PRIx64, pfn, flags);
	}

	/* One event per bad run, while its block goes online. */
	n = drain(_metadata, self);
	at = mp_event_find(self->ev, n, 0, MEMPLUG_EVENT_VERIFY_FAIL, -1);
	ASSERT_GE(at, 0) TH_LOG("no verify-fail event");
	go = mp_event_find(self->ev, n, 0, MEMPLUG_EVENT_GOING_ONLINE,
			   e->dev_block);
	ASSERT_LT(go, at);
	verify_fail_is(_metadata, &self->ev[at], r.id, bad[0], 2, bs);
	ASSERT_EQ(MEMPLUG_EVENT_ONLINE, self->ev[at + 1].action);
	ASSERT_EQ(e->dev_block, self->ev[at + 1].block);
	at = mp_event_find(self->ev, n, at + 1, MEMPLUG_EVENT_VERIFY_FAIL, -1);
	ASSERT_GE(at, 0) TH_LOG("no verify-fail event for the second block");
	verify_fail_is(_metadata, &self->ev[at], r.id, bad[2], 1, bs);
	ASSERT_EQ(MEMPLUG_EVENT_GOING_ONLINE, self->ev[at - 1].action);
	ASSERT_EQ(e->dev_block + 1, self->ev[at - 1].block);
	ASSERT_EQ(-1, mp_event_find(self->ev, n, at + 1,
				    MEMPLUG_EVENT_VERIFY_FAIL, -1));

	/* The bad pages do not stop the unplug, and all is as before. */
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	MP_BLOCK_GONE(e->dev_block);
	ASSERT_EQ(mt0, mp_memtotal_kb())
	TH_LOG("MemTotal after unplug is off by %lld kB",
	       mp_memtotal_kb() - mt0);
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	ASSERT_STREQ(io0, io);
	free(io);
	free(io0);
	MP_OK(mp_write_str(KNOB_PFNS, "\n"));
}

/* memplugctl --verify plugs and onlines the same way, all good. */
TEST_F_TIMEOUT(verify, ctl_verify, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_run *run = malloc(sizeof(*run));
	const char *ctl = mp_ctl_path();
	char start[32], *j;
	struct mp_range g;
	struct mp_ack ack;
	long long id;

	MP_NEED_DEVICE();
	ASSERT_NE(NULL, run);
	ASSERT_EQ(0, access(ctl, X_OK)) TH_LOG("controller %s", ctl);
	snprintf(start, sizeof(start), "0x%" PRIx64, e->dev_start);
	{
		const char *argv[] = { ctl, "plug", "--start", start, "--size",
				       "256M", "--verify", "--json", NULL };

		MP_OK(mp_run(run, 180, argv));
	}
	TH_LOG("memplugctl plug --verify -> %d %s", run->status, run->err);
	ASSERT_EQ(0, run->status);
	j = malloc(MP_RUN_OUT);
	ASSERT_NE(NULL, j);
	mp_json_compact(run->out, j, MP_RUN_OUT);
	ASSERT_TRUE(mp_json_int(j, "id", &id)) TH_LOG("%s", j);
	ASSERT_NE(NULL, strstr(j, "\"verify\":true")) TH_LOG("%s", j);
	free(j);
	MP_NL_OK(mp_range_get(&e->c, id, &g, &ack), ack);
	ASSERT_TRUE(g.verify);
	ASSERT_EQ(MP_MIB(256) / PAGE, g.pages_verified);
	ASSERT_EQ(0, g.pages_bad);
	free(run);
}

TEST_HARNESS_MAIN
