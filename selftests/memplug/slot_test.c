// SPDX-License-Identifier: GPL-2.0
/*
 * slot_test: the kernel's one online page callback slot. memplug holds it
 * only while a range needs it (VERIFY or EXCLUDE) and gives it back when
 * the last such range is unplugged, so another driver can take it
 * whenever memplug does not need it. memplug_test_slot.ko
 * (selftests/modules) takes the slot the way virtio-mem would.
 *
 * When the other driver holds the slot, VERIFY and EXCLUDE are refused with
 * EOPNOTSUPP and the reason, STATUS says the callback is unavailable and
 * why, and a plain plug, online and unplug work. (virtio_test does the
 * same with a real virtio-mem device.)
 */
#include "memplug_test.h"

#define HELPER "memplug_test_slot"
#define MSG_NO_CB \
	"memplug: verify and exclusion need the online page callback, which another driver holds"
#define REASON_BUSY \
	"another driver (virtio-mem, hv_balloon or Xen) holds the online page callback"

FIXTURE(slot) {
	struct mp_env e;
	char helper[512];
};

FIXTURE_SETUP(slot)
{
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	snprintf(self->helper, sizeof(self->helper), "%s/%s.ko",
		 mp_test_modules(), HELPER);
	MP_OK(mp_rmmod_if_loaded(HELPER));
}

FIXTURE_TEARDOWN(slot)
{
	mp_env_teardown(&self->e);
	mp_rmmod_if_loaded(HELPER);
}

/* STATUS says @cb, for @ranges ranges that need the slot. */
static void status_is(struct __test_metadata *_metadata, struct mp_ctx *c,
		      uint32_t cb, uint32_t ranges)
{
	struct mp_status st;
	struct mp_ack ack;

	MP_NL_OK(mp_status_get(c, &st, &ack), ack);
	ASSERT_TRUE(st.has_online_cb);
	ASSERT_EQ(cb, st.online_cb);
	ASSERT_TRUE(st.has_online_cb_ranges);
	ASSERT_EQ(ranges, st.online_cb_ranges);
	if (cb == MEMPLUG_ONLINE_CB_UNAVAILABLE) {
		ASSERT_TRUE(st.has_online_cb_reason);
		ASSERT_STREQ(REASON_BUSY, st.online_cb_reason);
	} else {
		ASSERT_FALSE(st.has_online_cb_reason);
	}
}

/* A RANGE_ADD with @o is refused for want of the callback; nothing moves. */
static void refused_no_cb(struct __test_metadata *_metadata, struct mp_env *e,
			  const struct mp_add_opts *o)
{
	struct mp_snap before;
	struct mp_ack ack;
	int rc;

	MP_OK(mp_snap_take(&e->c, &before));
	rc = mp_range_add(&e->c, e->dev_start, MP_MIB(256), o, NULL, &ack);
	MP_REFUSED(rc, ack, EOPNOTSUPP, MSG_NO_CB);
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);
}

TEST_F_TIMEOUT(slot, held_by_another_driver, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	const struct mp_excl x = { e->dev_start + 0x10000, 0x3000 };
	struct mp_add_opts verify = { .verify = true };
	struct mp_add_opts excl = { .nr_excl = 1, .excl = &x };
	struct mp_range r, g;
	struct mp_ack ack;
	long long mt0;

	MP_NEED_DEVICE();
	/* Loaded with nothing plugged, memplug leaves the slot alone. */
	mp_close(&e->c);
	MP_OK(mp_rmmod("memplug"));
	MP_OK(mp_insmod(mp_ko_path(), mp_ko_params()));
	MP_OK(mp_open(&e->c));
	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_IDLE, 0);
	MP_OK(mp_insmod(self->helper, NULL));
	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_IDLE, 0);

	refused_no_cb(_metadata, e, &verify);
	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_UNAVAILABLE, 0);
	refused_no_cb(_metadata, e, &excl);
	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_UNAVAILABLE, 0);

	/* Plain memory needs no callback of memplug's. */
	mt0 = mp_memtotal_kb();
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), NULL, &r, &ack),
		 ack);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	MP_OK(mp_block_set(e->dev_block + 1, "online_movable"));
	MP_BLOCK_STATE(e->dev_block, "online");
	ASSERT_EQ(mt0 + MP_KB(MP_MIB(256)), mp_memtotal_kb());
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(2, g.blocks_online);
	ASSERT_EQ(MP_MIB(256) / 4096, g.pages_online);
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	MP_BLOCK_GONE(e->dev_block);

	/* The other driver goes: the next plug that needs the slot takes it. */
	MP_OK(mp_rmmod(HELPER));
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), &excl, &r, &ack),
		 ack);
	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_MEMPLUG, 1);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(3, g.pages_excluded);
	ASSERT_EQ(mt0 + MP_KB(e->bs) - 3 * 4, mp_memtotal_kb());
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_EQ(mt0, mp_memtotal_kb())
	TH_LOG("MemTotal after unplug is off by %lld kB",
	       mp_memtotal_kb() - mt0);
	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_IDLE, 0);
}

/*
 * The slot is memplug's from the first range that needs it to the removal
 * of the last one, whatever plain ranges come and go meanwhile; nobody
 * else gets it then, and anybody may take it afterwards.
 */
TEST_F_TIMEOUT(slot, held_while_needed, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_add_opts verify = { .verify = true };
	struct mp_range a, b, p;
	struct mp_ack ack;
	int rc;

	MP_NEED_DEVICE();
	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_IDLE, 0);
	MP_OK(mp_insmod(self->helper, NULL));
	MP_OK(mp_rmmod(HELPER));

	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->bs, &verify, &a, &ack),
		 ack);
	MP_NL_OK(mp_range_add(&e->c, e->dev_start + e->bs, e->bs, &verify, &b,
			      &ack), ack);
	MP_NL_OK(mp_range_add(&e->c, e->dev_start + 2 * e->bs, e->bs, NULL, &p,
			      &ack), ack);
	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_MEMPLUG, 2);
	rc = mp_insmod(self->helper, NULL);
	ASSERT_EQ(-EBUSY, rc) TH_LOG("helper loaded while memplug holds the slot");

	/* A plain range onlines through memplug's callback, counted all the same. */
	MP_OK(mp_block_set(e->dev_block + 2, "online_movable"));
	MP_NL_OK(mp_range_get(&e->c, p.id, &p, &ack), ack);
	ASSERT_EQ(e->bs / 4096, p.pages_online);
	MP_NL_OK(mp_range_del(&e->c, p.id, NULL, &ack), ack);

	MP_NL_OK(mp_range_del(&e->c, a.id, NULL, &ack), ack);
	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_MEMPLUG, 1);
	ASSERT_EQ(-EBUSY, mp_insmod(self->helper, NULL));
	MP_NL_OK(mp_range_del(&e->c, b.id, NULL, &ack), ack);
	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_IDLE, 0);
	rc = mp_insmod(self->helper, NULL);
	ASSERT_EQ(0, rc) TH_LOG("memplug did not give the slot back: %s",
				mp_errstr());
	MP_OK(mp_rmmod(HELPER));
}

TEST_HARNESS_MAIN
