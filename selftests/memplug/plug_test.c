// SPDX-License-Identifier: GPL-2.0
/*
 * plug_test: plug and unplug device-backed memory over raw generic netlink,
 * onlining through sysfs as an administrator would, and check what a user
 * sees before, during and after: MemTotal, /proc/iomem, the memory blocks
 * in sysfs, and what RANGE_GET and BLOCK_GET report.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "memplug_test.h"
#include "mp_event.h"

FIXTURE(plug) {
	struct mp_env e;
};

MP_FIXTURE_SETUP(plug)
MP_FIXTURE_TEARDOWN(plug)

/* The range as RANGE_ADD / RANGE_GET must describe it. */
static void check_range(struct __test_metadata *_metadata,
			const struct mp_env *e, const struct mp_range *r,
			uint64_t start, uint64_t size, const char *name,
			unsigned int online)
{
	char node[160];

	ASSERT_NE(0, r->id);
	ASSERT_EQ(start, r->start);
	ASSERT_EQ(size, r->size);
	ASSERT_STREQ(name, r->name);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGED, r->state)
	TH_LOG("state %s", MP_ENUM_STR(range_state, r->state));
	ASSERT_EQ(MEMPLUG_ZONE_POLICY_ANY, r->zone_policy);
	ASSERT_TRUE(r->has_protect);
	ASSERT_EQ(0, r->protect);
	ASSERT_EQ(size / e->bs, r->blocks);
	ASSERT_TRUE(r->has_blocks_online);
	ASSERT_EQ(online, r->blocks_online);
	ASSERT_TRUE(r->has_group_id);
	/* The node the kernel resolved is the node sysfs links the block to. */
	ASSERT_TRUE(r->has_node);
	snprintf(node, sizeof(node), MP_SYSFS_MEMORY "/memory%u/node%u",
		 (unsigned int)(start / e->bs), r->node);
	ASSERT_TRUE(mp_path_exists(node)) TH_LOG("no %s", node);
}

/* BLOCK_GET for range @r must list its blocks as sysfs shows them. */
static void check_blocks(struct __test_metadata *_metadata, struct mp_env *e,
			 const struct mp_range *r, const char *zone)
{
	unsigned int first = r->start / e->bs, i;
	struct mp_block b[64];
	struct mp_ack ack;
	int n;

	MP_NL_OK(mp_block_dump(&e->c, r->id, b, 64, &n, &ack), ack);
	ASSERT_EQ(r->size / e->bs, n);
	for (i = 0; i < (unsigned int)n; i++) {
		char state[32], zones[64];

		MP_OK(mp_block_state(first + i, state, sizeof(state)));
		ASSERT_EQ(first + i, b[i].id);
		ASSERT_EQ(r->id, b[i].range_id);
		ASSERT_EQ(r->start + i * e->bs, b[i].start);
		ASSERT_EQ(e->bs, b[i].size);
		ASSERT_TRUE(b[i].has_node);
		ASSERT_EQ(r->node, b[i].node);
		if (!strcmp(state, "online")) {
			ASSERT_EQ(MEMPLUG_BLOCK_STATE_ONLINE, b[i].state);
			MP_OK(mp_block_zones(first + i, zones, sizeof(zones)));
			ASSERT_TRUE(b[i].has_zone);
			ASSERT_STREQ(zones, b[i].zone);
			if (zone) {
				ASSERT_STREQ(zone, b[i].zone);
			}
		} else {
			ASSERT_STREQ("offline", state);
			ASSERT_EQ(MEMPLUG_BLOCK_STATE_OFFLINE, b[i].state);
			ASSERT_FALSE(b[i].has_zone);
		}
	}
}

/*
 * Plug @size at the device start, online every block movable one by one,
 * then unplug; at every step the user-visible state must be exactly right.
 */
static void plug_cycle(struct __test_metadata *_metadata, struct mp_env *e,
		       uint64_t size, const char *name)
{
	struct mp_add_opts opts = { .name = name };
	uint64_t start = e->dev_start;
	unsigned int first = e->dev_block, nblk = size / e->bs, i;
	char *io0, *io;
	struct mp_range r, g, d;
	struct mp_ack ack;
	long long mt0;
	int rc;

	/* Before: the device range is bare, its blocks do not exist. */
	mt0 = mp_memtotal_kb();
	ASSERT_GT(mt0, 0);
	io0 = mp_iomem();
	ASSERT_NE(NULL, io0);
	ASSERT_EQ(0, mp_iomem_count(io0, MP_MEMPLUG_RES));
	MP_IOMEM_HAS(io0, 0, e->dev_start, e->dev_size,
		     "Persistent Memory (legacy)");
	for (i = 0; i < nblk; i++)
		MP_BLOCK_GONE(first + i);

	/* Plugged: in iomem under the device, blocks offline, no RAM yet. */
	MP_NL_OK(mp_range_add(&e->c, start, size, &opts, &r, &ack), ack);
	check_range(_metadata, e, &r, start, size, name, 0);
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	MP_IOMEM_HAS(io, 0, e->dev_start, e->dev_size,
		     "Persistent Memory (legacy)");
	MP_IOMEM_PLUGGED(io, 1, start, size, r.id);
	ASSERT_EQ(1, mp_iomem_count(io, MP_MEMPLUG_RES));
	ASSERT_EQ(1, mp_iomem_count(io, MP_CLAIM_PREFIX));
	free(io);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	for (i = 0; i < nblk; i++)
		MP_BLOCK_STATE(first + i, "offline");
	if (size < e->dev_size)
		MP_BLOCK_GONE(first + nblk);
	check_blocks(_metadata, e, &r, NULL);

	/* Online block by block: MemTotal grows by one block each time. */
	for (i = 0; i < nblk; i++) {
		char zones[64];

		MP_OK(mp_block_set(first + i, "online_movable"));
		MP_BLOCK_STATE(first + i, "online");
		MP_OK(mp_block_zones(first + i, zones, sizeof(zones)));
		ASSERT_STREQ("Movable", zones);
		ASSERT_EQ(mt0 + (long long)(i + 1) * MP_KB(e->bs),
			  mp_memtotal_kb());
	}
	ASSERT_EQ(mt0 + MP_KB(size), mp_memtotal_kb());
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	check_range(_metadata, e, &g, start, size, name, nblk);
	ASSERT_EQ(size / 4096, g.pages_online);
	ASSERT_EQ(0, g.pages_excluded);
	check_blocks(_metadata, e, &g, "Movable");

	/* Unplugged: everything as before, the id is gone. */
	MP_NL_OK(mp_range_del(&e->c, r.id, &d, &ack), ack);
	ASSERT_EQ(r.id, d.id);
	ASSERT_EQ(start, d.start);
	ASSERT_EQ(size, d.size);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	ASSERT_STREQ(io0, io);
	free(io);
	free(io0);
	for (i = 0; i < nblk; i++)
		MP_BLOCK_GONE(first + i);
	rc = mp_range_get(&e->c, r.id, NULL, &ack);
	MP_REFUSED(rc, ack, ENOENT, "no range with this id");
}

TEST_F_TIMEOUT(plug, plug_256m_online_movable, MP_TIMEOUT)
{
	MP_NEED_DEVICE();
	plug_cycle(_metadata, &self->e, MP_MIB(256), "selftest-256m");
}

TEST_F_TIMEOUT(plug, plug_1g_online_movable, MP_TIMEOUT)
{
	MP_NEED_DEVICE();
	plug_cycle(_metadata, &self->e, MP_GIB(1), "selftest-1g");
}

/* A range that was never onlined unplugs without MemTotal ever moving. */
TEST_F_TIMEOUT(plug, unplug_offline_range, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_range r;
	struct mp_ack ack;
	long long mt0;
	char *io0, *io;

	MP_NEED_DEVICE();
	mt0 = mp_memtotal_kb();
	io0 = mp_iomem();
	ASSERT_NE(NULL, io0);

	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), NULL, &r, &ack),
		 ack);
	ASSERT_EQ('\0', r.name[0]);
	MP_BLOCK_STATE(e->dev_block, "offline");
	MP_BLOCK_STATE(e->dev_block + 1, "offline");
	ASSERT_EQ(mt0, mp_memtotal_kb());

	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	ASSERT_STREQ(io0, io);
	MP_BLOCK_GONE(e->dev_block);
	MP_BLOCK_GONE(e->dev_block + 1);
	free(io);
	free(io0);
}

/* Half online, half offline: the unplug takes both halves. */
TEST_F_TIMEOUT(plug, unplug_partly_online, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_range r, g;
	struct mp_ack ack;
	long long mt0;

	MP_NEED_DEVICE();
	mt0 = mp_memtotal_kb();
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), NULL, &r, &ack),
		 ack);
	MP_OK(mp_block_set(e->dev_block + 1, "online_movable"));
	MP_BLOCK_STATE(e->dev_block, "offline");
	MP_BLOCK_STATE(e->dev_block + 1, "online");
	ASSERT_EQ(mt0 + MP_KB(e->bs), mp_memtotal_kb());
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(1, g.blocks_online);
	ASSERT_EQ(e->bs / 4096, g.pages_online);

	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	MP_BLOCK_GONE(e->dev_block);
	MP_BLOCK_GONE(e->dev_block + 1);
}

/*
 * Two ranges side by side in one device: GET, the dumps and the block
 * filter keep them apart, and the longest label survives intact.
 */
TEST_F_TIMEOUT(plug, two_ranges_get_and_dump, MP_TIMEOUT)
{
	static const char longest[] =
		"label-of-sixty-three-characters-which-is-the-longest-allowed-..";
	struct mp_env *e = &self->e;
	struct mp_add_opts oa = { .name = "first" }, ob = { .name = longest };
	uint64_t sa = e->dev_start, sb = e->dev_start + MP_MIB(512);
	struct mp_range a, b, g, all[8];
	struct mp_block blk[16];
	struct mp_ack ack;
	long long mt0;
	char *io;
	int n;

	MP_NEED_DEVICE();
	ASSERT_EQ(MEMPLUG_NAME_LEN - 1, strlen(longest));
	mt0 = mp_memtotal_kb();
	MP_NL_OK(mp_range_add(&e->c, sa, MP_MIB(256), &oa, &a, &ack), ack);
	MP_NL_OK(mp_range_add(&e->c, sb, MP_MIB(256), &ob, &b, &ack), ack);
	ASSERT_LT(a.id, b.id);
	ASSERT_STREQ(longest, b.name);

	io = mp_iomem();
	ASSERT_NE(NULL, io);
	MP_IOMEM_PLUGGED(io, 1, sa, MP_MIB(256), a.id);
	MP_IOMEM_PLUGGED(io, 1, sb, MP_MIB(256), b.id);
	ASSERT_EQ(2, mp_iomem_count(io, MP_MEMPLUG_RES));
	free(io);
	/* The gap between them stays out of the kernel. */
	MP_BLOCK_GONE(e->dev_block + 2);
	MP_BLOCK_GONE(e->dev_block + 3);

	MP_OK(mp_block_set(sb / e->bs, "online_movable"));
	ASSERT_EQ(mt0 + MP_KB(e->bs), mp_memtotal_kb());

	MP_NL_OK(mp_range_get(&e->c, b.id, &g, &ack), ack);
	check_range(_metadata, e, &g, sb, MP_MIB(256), longest, 1);
	MP_NL_OK(mp_range_get(&e->c, a.id, &g, &ack), ack);
	check_range(_metadata, e, &g, sa, MP_MIB(256), "first", 0);

	MP_NL_OK(mp_range_dump(&e->c, all, 8, &n, &ack), ack);
	ASSERT_EQ(2, n);
	ASSERT_EQ(a.id, all[0].id);
	ASSERT_EQ(sa, all[0].start);
	ASSERT_EQ(b.id, all[1].id);
	ASSERT_EQ(sb, all[1].start);
	ASSERT_EQ(1, all[1].blocks_online);

	check_blocks(_metadata, e, &a, NULL);
	check_blocks(_metadata, e, &b, "Movable");
	MP_NL_OK(mp_block_dump(&e->c, 0, blk, 16, &n, &ack), ack);
	ASSERT_EQ(4, n);
	ASSERT_EQ(a.id, blk[0].range_id);
	ASSERT_EQ(a.id, blk[1].range_id);
	ASSERT_EQ(b.id, blk[2].range_id);
	ASSERT_EQ(b.id, blk[3].range_id);
	ASSERT_EQ(sb / e->bs, blk[2].id);
	ASSERT_EQ(MEMPLUG_BLOCK_STATE_ONLINE, blk[2].state);
	ASSERT_EQ(MEMPLUG_BLOCK_STATE_OFFLINE, blk[3].state);

	/* Removing one leaves the other alone. */
	MP_NL_OK(mp_range_del(&e->c, a.id, NULL, &ack), ack);
	MP_BLOCK_GONE(e->dev_block);
	MP_BLOCK_STATE(sb / e->bs, "online");
	ASSERT_EQ(mt0 + MP_KB(e->bs), mp_memtotal_kb());
	MP_NL_OK(mp_range_dump(&e->c, all, 8, &n, &ack), ack);
	ASSERT_EQ(1, n);
	ASSERT_EQ(b.id, all[0].id);
	MP_NL_OK(mp_range_del(&e->c, b.id, NULL, &ack), ack);
	ASSERT_EQ(mt0, mp_memtotal_kb());
}

/* Ids are never handed out twice while the module stays loaded. */
TEST_F_TIMEOUT(plug, ids_never_reused, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_range r1, r2, r3;
	struct mp_ack ack;
	int rc;

	MP_NEED_DEVICE();
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->bs, NULL, &r1, &ack), ack);
	MP_NL_OK(mp_range_del(&e->c, r1.id, NULL, &ack), ack);
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->bs, NULL, &r2, &ack), ack);
	ASSERT_GT(r2.id, r1.id);
	/* A refused plug must not make the next id collide either. */
	rc = mp_range_add(&e->c, 0, e->bs, NULL, NULL, &ack);
	ASSERT_NE(0, rc);
	MP_NL_OK(mp_range_del(&e->c, r2.id, NULL, &ack), ack);
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->bs, NULL, &r3, &ack), ack);
	ASSERT_GT(r3.id, r2.id);
	/* The old ids stay unknown. */
	rc = mp_range_del(&e->c, r1.id, NULL, &ack);
	MP_REFUSED(rc, ack, ENOENT, "no range with this id");
	rc = mp_range_get(&e->c, r2.id, NULL, &ack);
	MP_REFUSED(rc, ack, ENOENT, "no range with this id");
	MP_NL_OK(mp_range_del(&e->c, r3.id, NULL, &ack), ack);
}

/*
 * A RANGE_DEL that reacts to the PLUG event races the RANGE_ADD's reply:
 * the reply still describes the range that was added, whether the unplug
 * came before the reply was built or after. (memplug builds the reply from
 * a reference of its own; under slub_debug a reply built from a freed range
 * would show its poison.)
 */
#define RACE_ROUNDS 20

static int unplug_on_plug_events(const struct mp_family *fam, int rounds)
{
	struct mp_monitor mon;
	struct mp_event ev;
	struct mp_ack ack;
	struct mp_ctx c;
	int done = 0;

	if (mp_open(&c) || mp_monitor_open(&mon, fam, 0, false))
		return 2;
	while (done < rounds && !mp_monitor_recv(&mon, &ev, 30000)) {
		if (ev.action != MEMPLUG_EVENT_PLUG || !ev.has_range_id)
			continue;
		if (mp_range_del(&c, ev.range_id, NULL, &ack))
			return 3;
		done++;
	}
	return done == rounds ? 0 : 4;
}

TEST_F_TIMEOUT(plug, add_reply_races_an_unplug, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_range r;
	struct mp_ack ack;
	int i, rc, status;
	uint32_t last = 0;
	pid_t pid;

	MP_NEED_DEVICE();
	/* The reply itself, which comes before the worker's add. */
	e->c.nowait = true;
	fflush(stdout);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(unplug_on_plug_events(&e->c.fam, RACE_ROUNDS));
	/* Let the child join the group before the first plug. */
	mp_sleep_ms(500);
	for (i = 0; i < RACE_ROUNDS; i++) {
		/* The last range may not be gone yet. */
		do {
			rc = mp_range_add(&e->c, e->dev_start, e->bs, NULL, &r,
					  &ack);
		} while ((rc == -EEXIST || rc == -EBUSY) && (mp_sleep_ms(10), 1));
		MP_NL_OK(rc, ack);
		ASSERT_LT(last, r.id);
		ASSERT_EQ(e->dev_start, r.start);
		ASSERT_EQ(e->bs, r.size);
		ASSERT_EQ(1, r.blocks);
		ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGING, r.state)
		TH_LOG("reply of range %u says %s", r.id,
		       MP_ENUM_STR(range_state, r.state));
		last = r.id;
	}
	MP_OK(mp_wait_pid(pid, 60000, &status));
	ASSERT_EQ(0, status) TH_LOG("the unplugging child failed (%d)", status);
}

TEST_HARNESS_MAIN
