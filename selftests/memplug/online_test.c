// SPDX-License-Identifier: GPL-2.0
/*
 * online_test: the ways an administrator onlines plugged blocks through
 * sysfs (not at all, "online", "online_kernel", "online_movable") and the
 * zone each ends up in, as sysfs valid_zones and BLOCK_GET report it.
 *
 * The expected zone comes from the kernel's own offer: for an offline
 * block valid_zones lists the default zone ("online") first, then the
 * kernel and movable alternatives; once online it shows the current zone
 * only.
 */
#include "memplug_test.h"

FIXTURE(online) {
	struct mp_env e;
};

FIXTURE_VARIANT(online) {
	const char *how; /* NULL: leave the blocks offline */
};

FIXTURE_VARIANT_ADD(online, none) {
	.how = NULL,
};

FIXTURE_VARIANT_ADD(online, online_default) {
	.how = "online",
};

FIXTURE_VARIANT_ADD(online, online_kernel) {
	.how = "online_kernel",
};

FIXTURE_VARIANT_ADD(online, online_movable) {
	.how = "online_movable",
};

MP_FIXTURE_SETUP(online)
MP_FIXTURE_TEARDOWN(online)

/* The zone @how picks according to an offline block's valid_zones. */
static void expected_zone(const char *offered, const char *how, char *zone,
			  size_t len)
{
	char buf[128], *tok, *save;

	snprintf(zone, len, "?");
	if (!strcmp(how, "online_movable")) {
		snprintf(zone, len, "Movable");
		return;
	}
	snprintf(buf, sizeof(buf), "%s", offered);
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (!strcmp(how, "online") ||
		    (!strcmp(how, "online_kernel") && strcmp(tok, "Movable"))) {
			snprintf(zone, len, "%s", tok);
			return;
		}
	}
}

TEST_F_TIMEOUT(online, zone_follows_online_type, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	unsigned int first = e->dev_block, nblk, i;
	char offered[4][128], zone[4][32];
	struct mp_block b[8];
	struct mp_range r, g;
	struct mp_ack ack;
	long long mt0;
	int n;

	MP_NEED_DEVICE();
	mt0 = mp_memtotal_kb();
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), NULL, &r, &ack),
		 ack);
	nblk = r.blocks;
	ASSERT_EQ(MP_MIB(256) / e->bs, nblk);
	ASSERT_LE(nblk, 4);

	for (i = 0; i < nblk; i++) {
		MP_BLOCK_STATE(first + i, "offline");
		MP_OK(mp_block_zones(first + i, offered[i], sizeof(offered[i])));
		/* Offline, the movable zone is always on offer. */
		ASSERT_NE(NULL, strstr(offered[i], "Movable"))
		TH_LOG("memory%u valid_zones '%s'", first + i, offered[i]);
	}
	TH_LOG("offline memory%u valid_zones: %s", first, offered[0]);

	if (!variant->how) {
		ASSERT_EQ(mt0, mp_memtotal_kb());
		MP_NL_OK(mp_block_dump(&e->c, r.id, b, 8, &n, &ack), ack);
		ASSERT_EQ(nblk, n);
		for (i = 0; i < nblk; i++) {
			char now[128];

			ASSERT_EQ(MEMPLUG_BLOCK_STATE_OFFLINE, b[i].state);
			ASSERT_FALSE(b[i].has_zone);
			MP_OK(mp_block_zones(first + i, now, sizeof(now)));
			ASSERT_STREQ(offered[i], now);
		}
	} else {
		for (i = 0; i < nblk; i++) {
			char now[128];

			/* The offer for a block depends on its neighbours. */
			MP_OK(mp_block_zones(first + i, offered[i],
					     sizeof(offered[i])));
			expected_zone(offered[i], variant->how, zone[i],
				      sizeof(zone[i]));
			MP_OK(mp_block_set(first + i, variant->how));
			MP_BLOCK_STATE(first + i, "online");
			MP_OK(mp_block_zones(first + i, now, sizeof(now)));
			ASSERT_STREQ(zone[i], now)
			TH_LOG("memory%u offered '%s', onlined '%s'", first + i,
			       offered[i], variant->how);
			if (!strcmp(variant->how, "online_kernel")) {
				ASSERT_STRNE("Movable", now);
			}
			ASSERT_EQ(mt0 + (long long)(i + 1) * MP_KB(e->bs),
				  mp_memtotal_kb());
		}
		TH_LOG("%s put memory%u into %s", variant->how, first, zone[0]);
		MP_NL_OK(mp_block_dump(&e->c, r.id, b, 8, &n, &ack), ack);
		ASSERT_EQ(nblk, n);
		for (i = 0; i < nblk; i++) {
			ASSERT_EQ(first + i, b[i].id);
			ASSERT_EQ(MEMPLUG_BLOCK_STATE_ONLINE, b[i].state);
			ASSERT_TRUE(b[i].has_zone);
			ASSERT_STREQ(zone[i], b[i].zone);
		}
		MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
		ASSERT_EQ(nblk, g.blocks_online);
		ASSERT_EQ(MP_MIB(256) / 4096, g.pages_online);
	}

	/*
	 * Freshly onlined pages go to the tail of the free lists, so even
	 * kernel-zone memory is still free and can go again right away.
	 */
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	for (i = 0; i < nblk; i++)
		MP_BLOCK_GONE(first + i);
}

FIXTURE(mixed) {
	struct mp_env e;
};

MP_FIXTURE_SETUP(mixed)
MP_FIXTURE_TEARDOWN(mixed)

/* Blocks onlined into different zones are each reported as they are. */
TEST_F_TIMEOUT(mixed, zones_in_one_range, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	unsigned int first = e->dev_block;
	char z0[64], z1[64];
	struct mp_block b[4];
	struct mp_range r;
	struct mp_ack ack;
	int n;

	MP_NEED_DEVICE();
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), NULL, &r, &ack),
		 ack);
	MP_OK(mp_block_set(first + 1, "online_movable"));
	MP_OK(mp_block_set(first, "online_kernel"));
	MP_OK(mp_block_zones(first, z0, sizeof(z0)));
	MP_OK(mp_block_zones(first + 1, z1, sizeof(z1)));
	ASSERT_STRNE("Movable", z0);
	ASSERT_STREQ("Movable", z1);
	MP_NL_OK(mp_block_dump(&e->c, r.id, b, 4, &n, &ack), ack);
	ASSERT_EQ(2, n);
	ASSERT_STREQ(z0, b[0].zone);
	ASSERT_STREQ(z1, b[1].zone);

	/* Offlining one through sysfs shows up in BLOCK_GET at once. */
	MP_OK(mp_block_set(first + 1, "offline"));
	MP_BLOCK_STATE(first + 1, "offline");
	MP_NL_OK(mp_block_dump(&e->c, r.id, b, 4, &n, &ack), ack);
	ASSERT_EQ(MEMPLUG_BLOCK_STATE_ONLINE, b[0].state);
	ASSERT_EQ(MEMPLUG_BLOCK_STATE_OFFLINE, b[1].state);
	ASSERT_FALSE(b[1].has_zone);
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
}

FIXTURE(auto_online) {
	struct mp_env e;
};

MP_FIXTURE_SETUP(auto_online)

FIXTURE_TEARDOWN(auto_online)
{
	mp_write_str(MP_SYSFS_MEMORY "/auto_online_blocks", "offline");
	mp_env_teardown(&self->e);
}

/*
 * With the kernel's auto-online policy on, the blocks are online (and
 * counted) by the time RANGE_ADD answers, and unplug takes them back.
 */
TEST_F_TIMEOUT(auto_online, online_movable_policy, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	unsigned int i;
	struct mp_block b[4];
	struct mp_range r;
	struct mp_ack ack;
	long long mt0;
	int n;

	MP_NEED_DEVICE();
	mt0 = mp_memtotal_kb();
	MP_OK(mp_write_str(MP_SYSFS_MEMORY "/auto_online_blocks",
			   "online_movable"));
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), NULL, &r, &ack),
		 ack);
	ASSERT_EQ(2, r.blocks_online);
	ASSERT_EQ(mt0 + MP_KB(MP_MIB(256)), mp_memtotal_kb());
	MP_NL_OK(mp_block_dump(&e->c, r.id, b, 4, &n, &ack), ack);
	ASSERT_EQ(2, n);
	for (i = 0; i < 2; i++) {
		char zones[64];

		MP_BLOCK_STATE(e->dev_block + i, "online");
		MP_OK(mp_block_zones(e->dev_block + i, zones, sizeof(zones)));
		ASSERT_STREQ("Movable", zones);
		ASSERT_STREQ("Movable", b[i].zone);
	}
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	MP_BLOCK_GONE(e->dev_block);
	MP_BLOCK_GONE(e->dev_block + 1);
}

TEST_HARNESS_MAIN
