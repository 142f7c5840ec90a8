// SPDX-License-Identifier: GPL-2.0
/*
 * rollback_test: the rollback of a held range whose owner went away, when
 * it cannot finish because a page of the range is held
 * (memplug_test_pin.ko):
 *
 *   - it gives up after rollback_attempts attempts (memplug loaded with
 *     rollback_attempts=2): the range is FAILED, whole (a range added at
 *     once is removed at once), keeps its claim and its memory in
 *     /proc/iomem and the module loaded (rmmod refused), a FAILED event
 *     says so, and once the page is free an unplug removes it (memmap_test
 *     shows the same for a range added block by block, which keeps what
 *     was removed);
 *   - the operator cancels it while the range is whole: it becomes an
 *     ordinary plugged range, no attempt follows, and unplugs later;
 *   - the operator unplugs it between two attempts: the unplug does it.
 *
 * Each attempt is cut short by a timer, so the device hotplug lock is never
 * held for long; signal_test shows a plug going through meanwhile.
 */
#include "memplug_test.h"
#include "mp_event.h"
#include "mp_state.h"

#define PIN "memplug_test_pin"
#define SETTLE_MS 120000

FIXTURE(rb) {
	struct mp_env e;
	long long mt0;
};

FIXTURE_SETUP(rb)
{
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	self->mt0 = mp_memtotal_kb();
	ASSERT_GT(self->mt0, 0);
}

FIXTURE_TEARDOWN(rb)
{
	mp_env_teardown(&self->e);
	mp_memplug_restore(&self->e.c);
	mp_close(&self->e.c);
}

/*
 * Add @blocks blocks of the device range with HOLD over @owner, online
 * block @pinned and hold a page in it.
 */
static void add_held_pinned(struct __test_metadata *_metadata,
			    struct mp_env *e, struct mp_ctx *owner,
			    unsigned int blocks, unsigned int pinned,
			    struct mp_range *r)
{
	struct mp_add_opts o = { .defer_online = true };
	uint64_t at = e->dev_start + pinned * e->bs;
	struct mp_msg m;
	struct mp_ack ack;

	MP_OK(mp_open(owner));
	mp_req_init(owner, &m, MEMPLUG_CMD_RANGE_ADD, false);
	mp_put_u64(&m, MEMPLUG_A_RANGE_START, e->dev_start);
	mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, blocks * e->bs);
	mp_put_flag(&m, MEMPLUG_A_RANGE_HOLD);
	MP_OK(mp_add_opts_put(&m, &o));
	MP_NL_OK(mp_transact_range(owner, &m, r, &ack), ack);
	MP_OK(mp_block_set(e->dev_block + pinned, "online_movable"));
	MP_OK(mp_pin(at, e->bs));
}

/* Wait up to @ms for range @id to reach @state with @attempts failed. */
static int wait_range(struct mp_ctx *c, uint32_t id, uint32_t state,
		      uint32_t attempts, int ms, struct mp_range *g)
{
	int64_t deadline = mp_time_ms() + ms;
	struct mp_ack ack;
	int rc;

	do {
		rc = mp_range_get(c, id, g, &ack);
		if (rc)
			return rc;
		if (g->state == state && g->rollback_attempts >= attempts)
			return 0;
		mp_sleep_ms(50);
	} while (mp_time_ms() < deadline);
	return -ETIMEDOUT;
}

TEST_F_TIMEOUT(rb, gives_up_and_stays_failed, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_monitor mon;
	struct mp_event ev;
	struct mp_range r, g;
	struct mp_ctx owner;
	struct mp_ack ack;
	char params[256], *io;
	int rc, i;

	MP_NEED_DEVICE();
	snprintf(params, sizeof(params), "%s%srollback_attempts=2",
		 mp_ko_params(), mp_ko_params()[0] ? " " : "");
	MP_OK(mp_memplug_reload(&e->c, params));
	MP_OK(mp_monitor_open(&mon, &e->c.fam, 0, false));

	/* Block 3 will not go, so nothing does. */
	add_held_pinned(_metadata, e, &owner, 4, 3, &r);
	mp_close(&owner);
	rc = wait_range(&e->c, r.id, MEMPLUG_RANGE_STATE_FAILED, 2, 60000, &g);
	ASSERT_EQ(0, rc) TH_LOG("range %u: %s after %u attempts", r.id,
				MP_ENUM_STR(range_state, g.state),
				g.rollback_attempts);
	ASSERT_EQ(2, g.rollback_attempts);
	ASSERT_TRUE(g.has_blocks_present);
	ASSERT_EQ(4, g.blocks_present);
	ASSERT_EQ(4, g.blocks);
	ASSERT_TRUE(g.has_fail_block);
	ASSERT_EQ(e->dev_block + 3, g.fail_block);
	ASSERT_EQ(-EINTR, g.fail_errno);
	for (i = 0; i < 3; i++)
		MP_BLOCK_STATE(e->dev_block + i, "offline");
	MP_BLOCK_STATE(e->dev_block + 3, "online");
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	MP_IOMEM_PLUGGED(io, 1, e->dev_start, 4 * e->bs, r.id);
	free(io);

	/* Said so on the event stream. */
	do {
		rc = mp_monitor_recv(&mon, &ev, 5000);
	} while (!rc && ev.action != MEMPLUG_EVENT_FAILED);
	ASSERT_EQ(0, rc) TH_LOG("no failed event: %d", rc);
	ASSERT_TRUE(ev.has_range_id);
	ASSERT_EQ(r.id, ev.range_id);
	ASSERT_EQ(e->dev_start, ev.start);
	ASSERT_EQ(4 * e->bs, ev.size);
	mp_monitor_close(&mon);

	/* It keeps the module. */
	mp_close(&e->c);
	ASSERT_NE(0, mp_rmmod("memplug")) TH_LOG("memplug unloaded with memory plugged");
	MP_OK(mp_open(&e->c));

	/* Once the page is free, an unplug removes it. */
	MP_OK(mp_rmmod(PIN));
	MP_NL_OK(mp_range_del(&e->c, r.id, &g, &ack), ack);
	MP_BLOCK_GONE(e->dev_block + 3);
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	ASSERT_EQ(0, mp_iomem_count(io, MP_CLAIM_PREFIX));
	ASSERT_EQ(0, mp_iomem_count(io, MP_MEMPLUG_RES));
	free(io);
	ASSERT_EQ(self->mt0, mp_memtotal_kb());
}

TEST_F_TIMEOUT(rb, cancel_keeps_a_whole_range, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_range r, g, c;
	struct mp_ctx owner;
	struct mp_ack ack;
	uint32_t attempts;
	int rc;

	MP_NEED_DEVICE();
	/* The first block will not go, so nothing does. */
	add_held_pinned(_metadata, e, &owner, 2, 0, &r);
	mp_close(&owner);
	rc = wait_range(&e->c, r.id, MEMPLUG_RANGE_STATE_UNPLUGGING, 1, 30000,
			&g);
	ASSERT_EQ(0, rc) TH_LOG("no failed rollback attempt: %s",
				MP_ENUM_STR(range_state, g.state));
	ASSERT_EQ(2, g.blocks_present);

	MP_NL_OK(mp_range_cancel(&e->c, r.id, &c, &ack), ack);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGED, c.state);
	ASSERT_EQ(2, c.blocks_present);
	attempts = c.rollback_attempts;
	mp_sleep_ms(3000);
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGED, g.state);
	ASSERT_EQ(attempts, g.rollback_attempts) TH_LOG("attempts went on");
	MP_BLOCK_STATE(e->dev_block, "online");
	MP_BLOCK_STATE(e->dev_block + 1, "offline");

	/* Nothing left to cancel; an ordinary range now. */
	rc = mp_range_cancel(&e->c, r.id, NULL, &ack);
	ASSERT_EQ(-EINVAL, rc);
	MP_OK(mp_rmmod(PIN));
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_EQ(self->mt0, mp_memtotal_kb());
}

/* An unplug of a range between two rollback attempts does the removal. */
TEST_F_TIMEOUT(rb, unplug_takes_over, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_range r, g;
	struct mp_ctx owner;
	struct mp_ack ack;
	int64_t deadline;
	int rc;

	MP_NEED_DEVICE();
	add_held_pinned(_metadata, e, &owner, 2, 0, &r);
	mp_close(&owner);
	/* After the third attempt the pause (8 s) is longer than any attempt. */
	rc = wait_range(&e->c, r.id, MEMPLUG_RANGE_STATE_UNPLUGGING, 3, 60000,
			&g);
	ASSERT_EQ(0, rc) TH_LOG("%u attempts", g.rollback_attempts);
	MP_OK(mp_rmmod(PIN));

	deadline = mp_time_ms() + 5000;
	do {
		rc = mp_range_del(&e->c, r.id, &g, &ack);
		if (rc == -EBUSY)
			mp_sleep_ms(100);
	} while (rc == -EBUSY && mp_time_ms() < deadline);
	ASSERT_EQ(0, rc) TH_LOG("unplug: %d (%s), '%s'", rc, strerror(-rc),
				ack.msg);
	ASSERT_EQ(r.id, g.id);
	MP_BLOCK_GONE(e->dev_block);
	MP_BLOCK_GONE(e->dev_block + 1);
	ASSERT_EQ(self->mt0, mp_memtotal_kb());
}

TEST_HARNESS_MAIN
