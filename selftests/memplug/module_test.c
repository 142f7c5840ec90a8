// SPDX-License-Identifier: GPL-2.0
/*
 * module_test: memplug.ko cannot be removed while any range is plugged
 * (every range holds a module reference), can be once all are gone, and
 * comes back clean. Uses delete_module(2) with O_NONBLOCK, as rmmod does,
 * and re-inserts the module from MEMPLUG_KO (default
 * /memplug/modules/memplug.ko) so later tests find it loaded.
 */
#include "memplug_test.h"

FIXTURE(module) {
	struct mp_env e;
};

MP_FIXTURE_SETUP(module)

FIXTURE_TEARDOWN(module)
{
	mp_env_teardown(&self->e);
	/* Leave the module loaded for whatever runs next. */
	if (!mp_module_loaded("memplug"))
		mp_insmod(mp_ko_path(), mp_ko_params());
}

static void check_refcnt(struct __test_metadata *_metadata, int want)
{
	char buf[32];

	MP_OK(mp_read_str("/sys/module/memplug/refcnt", buf, sizeof(buf)));
	ASSERT_EQ(want, atoi(buf));
}

/* rmmod must fail with EAGAIN and leave module, family and memory alone. */
static void rmmod_refused(struct __test_metadata *_metadata, struct mp_env *e)
{
	struct mp_snap before;
	struct mp_family f;
	struct mp_ack ack;
	int rc;

	MP_OK(mp_snap_take(&e->c, &before));
	rc = mp_rmmod("memplug");
	ASSERT_EQ(-EAGAIN, rc) TH_LOG("delete_module: %s", strerror(-rc));
	ASSERT_TRUE(mp_module_loaded("memplug"));
	MP_NL_OK(mp_family_get(&e->c.sock, MEMPLUG_FAMILY_NAME, &f, &ack), ack);
	ASSERT_EQ(e->c.fam.id, f.id);
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);
}

/* rmmod must work and take the family with it; then load it again. */
static void rmmod_and_reload(struct __test_metadata *_metadata,
			     struct mp_env *e)
{
	struct mp_family f;
	struct mp_ack ack;
	long long mt0;
	char *io;
	int rc;

	mt0 = mp_memtotal_kb();
	mp_close(&e->c);
	rc = mp_rmmod("memplug");
	ASSERT_EQ(0, rc) TH_LOG("delete_module: %s", strerror(-rc));
	ASSERT_FALSE(mp_module_loaded("memplug"));
	ASSERT_EQ(mt0, mp_memtotal_kb());
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	ASSERT_EQ(0, mp_iomem_count(io, "memplug"));
	free(io);

	MP_OK(mp_sock_open(&e->c.sock));
	rc = mp_family_get(&e->c.sock, MEMPLUG_FAMILY_NAME, &f, &ack);
	ASSERT_EQ(-ENOENT, rc);
	mp_sock_close(&e->c.sock);

	MP_OK(mp_insmod(mp_ko_path(), mp_ko_params()));
	ASSERT_TRUE(mp_module_loaded("memplug"));
	MP_OK(mp_open(&e->c));
	check_refcnt(_metadata, 0);
}

TEST_F_TIMEOUT(module, rmmod_refused_while_plugged, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_status st;
	struct mp_range r;
	struct mp_ack ack;
	long long mt0;

	MP_NEED_DEVICE();
	check_refcnt(_metadata, 0);
	mt0 = mp_memtotal_kb();
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), NULL, &r, &ack),
		 ack);
	check_refcnt(_metadata, 1);

	/* Offline memory holds the module just as well... */
	rmmod_refused(_metadata, e);
	/* ...and so does online memory. */
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	MP_OK(mp_block_set(e->dev_block + 1, "online_movable"));
	ASSERT_EQ(mt0 + MP_KB(MP_MIB(256)), mp_memtotal_kb());
	rmmod_refused(_metadata, e);
	MP_BLOCK_STATE(e->dev_block, "online");
	MP_NL_OK(mp_range_get(&e->c, r.id, NULL, &ack), ack);

	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	check_refcnt(_metadata, 0);
	rmmod_and_reload(_metadata, e);

	/* The new instance starts from nothing and works. */
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	ASSERT_EQ(0, st.ranges);
	ASSERT_EQ(0, st.plugs);
	ASSERT_EQ(0, st.unplugs);
	ASSERT_EQ(0, st.objects);
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), NULL, &r, &ack),
		 ack);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	ASSERT_EQ(mt0 + MP_KB(e->bs), mp_memtotal_kb());
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_EQ(mt0, mp_memtotal_kb());
}

/* One reference per range: the last unplug is what frees the module. */
TEST_F_TIMEOUT(module, one_reference_per_range, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_range a, b;
	struct mp_ack ack;

	MP_NEED_DEVICE();
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->bs, NULL, &a, &ack), ack);
	MP_NL_OK(mp_range_add(&e->c, e->dev_start + MP_MIB(512), MP_MIB(512),
			      NULL, &b, &ack), ack);
	check_refcnt(_metadata, 2);
	rmmod_refused(_metadata, e);

	MP_NL_OK(mp_range_del(&e->c, a.id, NULL, &ack), ack);
	check_refcnt(_metadata, 1);
	rmmod_refused(_metadata, e);

	/* A refused plug does not leak a reference. */
	ASSERT_NE(0, mp_range_add(&e->c, 0, e->bs, NULL, NULL, &ack));
	ASSERT_NE(0, mp_range_add(&e->c, e->dev_start + MP_MIB(512), e->bs,
				  NULL, NULL, &ack));
	check_refcnt(_metadata, 1);

	MP_NL_OK(mp_range_del(&e->c, b.id, NULL, &ack), ack);
	check_refcnt(_metadata, 0);
	rmmod_and_reload(_metadata, e);
}

/* Out-of-range module parameters are refused and nothing is left loaded. */
TEST_F(module, bad_parameter_refused)
{
	struct mp_env *e = &self->e;
	int rc;

	mp_close(&e->c);
	rc = mp_rmmod("memplug");
	ASSERT_EQ(0, rc) TH_LOG("delete_module: %s", strerror(-rc));

	rc = mp_insmod(mp_ko_path(), "event_ring_size=15");
	ASSERT_EQ(-EINVAL, rc);
	ASSERT_FALSE(mp_module_loaded("memplug"));
	rc = mp_insmod(mp_ko_path(), "event_ring_size=1048577");
	ASSERT_EQ(-EINVAL, rc);
	ASSERT_FALSE(mp_module_loaded("memplug"));

	/* The boundaries are fine. */
	MP_OK(mp_insmod(mp_ko_path(), "event_ring_size=16"));
	MP_OK(mp_rmmod("memplug"));
	MP_OK(mp_insmod(mp_ko_path(), mp_ko_params()));
	MP_OK(mp_open(&e->c));
}

TEST_HARNESS_MAIN
