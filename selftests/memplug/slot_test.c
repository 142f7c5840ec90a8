// SPDX-License-Identifier: GPL-2.0
/*
 * slot_test: the kernel's one online page callback slot, when another
 * driver holds it. memplug_test_slot.ko (selftests/modules) takes it the
 * way virtio-mem would. Then memplug still loads, STATUS says the callback
 * is unavailable and why, VERIFY and EXCLUDE are refused with EOPNOTSUPP
 * and the reason, and a plain plug, online and unplug work. Once the other
 * driver lets go, memplug takes the slot at the next plug that needs it.
 * memplug gives the slot back when it is unloaded: the helper can take it
 * then, and cannot while memplug holds it.
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
	/* Leave memplug loaded, holding the slot, for whatever runs next. */
	if (mp_module_loaded("memplug"))
		mp_rmmod("memplug");
	mp_insmod(mp_ko_path(), mp_ko_params());
}

static void status_is(struct __test_metadata *_metadata, struct mp_ctx *c,
		      uint32_t cb)
{
	struct mp_status st;
	struct mp_ack ack;

	MP_NL_OK(mp_status_get(c, &st, &ack), ack);
	ASSERT_TRUE(st.has_online_cb);
	ASSERT_EQ(cb, st.online_cb);
	if (cb == MEMPLUG_ONLINE_CB_UNAVAILABLE) {
		ASSERT_TRUE(st.has_online_cb_reason);
		ASSERT_STREQ(REASON_BUSY, st.online_cb_reason);
	} else {
		ASSERT_FALSE(st.has_online_cb_reason);
	}
}

/* Unload memplug (nothing plugged), so the slot is free again. */
static void unload_memplug(struct __test_metadata *_metadata,
			   struct mp_env *e)
{
	mp_close(&e->c);
	MP_OK(mp_rmmod("memplug"));
}

static void load_memplug(struct __test_metadata *_metadata, struct mp_env *e)
{
	MP_OK(mp_insmod(mp_ko_path(), mp_ko_params()));
	MP_OK(mp_open(&e->c));
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
	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_MEMPLUG);
	unload_memplug(_metadata, e);
	MP_OK(mp_insmod(self->helper, NULL));
	load_memplug(_metadata, e);
	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_UNAVAILABLE);

	refused_no_cb(_metadata, e, &verify);
	refused_no_cb(_metadata, e, &excl);
	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_UNAVAILABLE);

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
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	MP_BLOCK_GONE(e->dev_block);

	/* The other driver goes: the next plug that needs the slot takes it. */
	MP_OK(mp_rmmod(HELPER));
	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_UNAVAILABLE);
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), &excl, &r, &ack),
		 ack);
	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_MEMPLUG);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(3, g.pages_excluded);
	ASSERT_EQ(mt0 + MP_KB(e->bs) - 3 * 4, mp_memtotal_kb());
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_EQ(mt0, mp_memtotal_kb())
	TH_LOG("MemTotal after unplug is off by %lld kB",
	       mp_memtotal_kb() - mt0);
}

/*
 * While memplug holds the slot nobody else gets it; after memplug is
 * unloaded the helper does, i.e. memplug put the kernel's default back.
 */
TEST_F(slot, given_back_at_unload)
{
	struct mp_env *e = &self->e;
	int rc;

	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_MEMPLUG);
	rc = mp_insmod(self->helper, NULL);
	ASSERT_EQ(-EBUSY, rc) TH_LOG("helper loaded while memplug holds the slot");
	ASSERT_FALSE(mp_module_loaded(HELPER));

	unload_memplug(_metadata, e);
	rc = mp_insmod(self->helper, NULL);
	ASSERT_EQ(0, rc) TH_LOG("memplug did not give the slot back: %s",
				mp_errstr());
	MP_OK(mp_rmmod(HELPER));

	/* And memplug takes it again when loaded after the helper left. */
	load_memplug(_metadata, e);
	status_is(_metadata, &e->c, MEMPLUG_ONLINE_CB_MEMPLUG);
}

TEST_HARNESS_MAIN
