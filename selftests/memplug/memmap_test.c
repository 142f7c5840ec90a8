// SPDX-License-Identifier: GPL-2.0
/*
 * memmap_test: --memmap-on-memory puts a range's memory map (struct pages,
 * 64 bytes per 4 KiB page) on the range itself.
 *
 * Runs in the "memmap" VM profile (memory_hotplug.memmap_on_memory=1).
 * Plugged that way, MemTotal grows by the size minus the memory map, the
 * memory the machine already had is not consumed for the map, and unplug,
 * block by block, gives everything back.
 *
 * Kernels before 6.8 take such memory one block per add and per remove, so
 * memplug adds and removes it block by block there, and a removal that
 * stops half way keeps what it removed: a rollback that gives up leaves a
 * FAILED range with the rest, and a plug that fails half way whose undo
 * fails too hands what it added to the rollback. (Newer kernels add such a
 * range at once, like any other: rollback_test covers that.)
 */
#include "memplug_test.h"
#include "ctl.h"
#include "mp_fault.h"

FIXTURE(memmap) {
	struct mp_env e;
	const char *ctl;
	char start[32];
};

FIXTURE_SETUP(memmap)
{
	ASSERT_EQ(0, mp_env_setup(&self->e)) TH_LOG("setup: %s", mp_errstr());
	self->ctl = mp_ctl_path();
	snprintf(self->start, sizeof(self->start), "0x%" PRIx64,
		 self->e.dev_start);
}

FIXTURE_TEARDOWN(memmap)
{
	mp_write_str(MP_SYSFS_MEMORY "/auto_online_blocks", "offline");
	mp_inject_unload();
	mp_env_teardown(&self->e);
	mp_memplug_restore(&self->e.c);
	mp_close(&self->e.c);
}

/* The memory map of one block, in kB: one struct page per 4 KiB page. */
static long long memmap_kb_per_block(uint64_t bs)
{
	return MP_KB(bs / 4096 * 64);
}

/*
 * Free pages in kernel zones, where the memory map comes from, with their
 * per-CPU lists: an allocation served from those lists, or a drain of
 * them, moves "pages free" alone by as much as the map.
 */
static long long kernel_free_kb(void)
{
	long long dma = mp_zone_free_pcp_pages("DMA"), dma32, normal;

	dma32 = mp_zone_free_pcp_pages("DMA32");
	normal = mp_zone_free_pcp_pages("Normal");
	return ((dma > 0 ? dma : 0) + (dma32 > 0 ? dma32 : 0) +
		(normal > 0 ? normal : 0)) * 4;
}

static long long plug_id(struct __test_metadata *_metadata,
			 FIXTURE_DATA(memmap) *self, const char *online,
			 bool on_memory)
{
	struct mp_run run;
	long long id;
	char *json;

	if (on_memory)
		CTL(&run, "plug", "--start", self->start, "--size", "256M",
		    "--online", online, "--memmap-on-memory", "--json");
	else
		CTL(&run, "plug", "--start", self->start, "--size", "256M",
		    "--online", online, "--json");
	EXIT_IS(&run, 0);
	json = json_of(&run);
	if (!json || !mp_json_int(json, "id", &id))
		id = -1;
	if (json && on_memory)
		JSON_HAS(json, "\"memmap_on_memory\":true");
	free(json);
	return id;
}

static void unplug_id(struct __test_metadata *_metadata,
		      FIXTURE_DATA(memmap) *self, long long id)
{
	struct mp_run run;
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", id);
	CTL(&run, "unplug", buf);
	EXIT_IS(&run, 0);
}

TEST_F_TIMEOUT(memmap, memtotal_grows_by_size_minus_memmap, MP_TIMEOUT)
{
	long long mt0 = mp_memtotal_kb(), id;
	const long long map = 2 * memmap_kb_per_block(self->e.bs);
	char *iomem;

	MP_NEED_DEVICE();
	NEED_CTL();
	ASSERT_TRUE(mp_path_exists("/sys/module/memory_hotplug/parameters/memmap_on_memory"));
	id = plug_id(_metadata, self, "movable", true);
	ASSERT_LT(0, id);
	ASSERT_EQ(mt0 + MP_KB(MP_MIB(256)) - map, mp_memtotal_kb())
	TH_LOG("256 MiB with a %lld kB memory map on itself", map);
	MP_BLOCK_STATE(self->e.dev_block, "online");
	MP_BLOCK_STATE(self->e.dev_block + 1, "online");
	iomem = mp_iomem();
	ASSERT_NE(NULL, iomem);
	ASSERT_EQ(1, mp_iomem_count(iomem, "System RAM (memplug)") >= 1);
	free(iomem);

	unplug_id(_metadata, self, id);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	MP_BLOCK_GONE(self->e.dev_block);
	MP_BLOCK_GONE(self->e.dev_block + 1);
}

/*
 * Added but offline, a plain range has taken its memory map from kernel
 * zones; a memmap-on-memory range has not.
 */
TEST_F_TIMEOUT(memmap, existing_memory_is_not_consumed, MP_TIMEOUT)
{
	const long long map = 2 * memmap_kb_per_block(self->e.bs);
	long long free0, plain, self_hosted, id;

	MP_NEED_DEVICE();
	NEED_CTL();
	free0 = kernel_free_kb();
	id = plug_id(_metadata, self, "none", false);
	ASSERT_LT(0, id);
	plain = free0 - kernel_free_kb();
	unplug_id(_metadata, self, id);

	free0 = kernel_free_kb();
	id = plug_id(_metadata, self, "none", true);
	ASSERT_LT(0, id);
	self_hosted = free0 - kernel_free_kb();
	unplug_id(_metadata, self, id);

	TH_LOG("kernel zones lost %lld kB for a plain plug, %lld kB with the map on the range (map %lld kB)",
	       plain, self_hosted, map);
	ASSERT_LE(map * 9 / 10, plain);
	ASSERT_GT(map / 4, self_hosted);
}

TEST_F_TIMEOUT(memmap, protect_and_exclusions_still_work, MP_TIMEOUT)
{
	struct mp_run run;
	char excl[64], buf[16];
	long long mt0 = mp_memtotal_kb(), id;
	char *json;

	MP_NEED_DEVICE();
	NEED_CTL();
	/* One page past the memory map of the first block. */
	snprintf(excl, sizeof(excl), "0x%" PRIx64 "-0x%" PRIx64,
		 self->e.dev_start + MP_MIB(4), self->e.dev_start + MP_MIB(4) + 4095);
	CTL(&run, "plug", "--start", self->start, "--size", "256M",
	    "--memmap-on-memory", "--exclude", excl, "--json");
	EXIT_IS(&run, 0);
	json = json_of(&run);
	ASSERT_NE(NULL, json);
	ASSERT_TRUE(mp_json_int(json, "id", &id));
	free(json);
	ASSERT_EQ(mt0 + MP_KB(MP_MIB(256)) -
		  2 * memmap_kb_per_block(self->e.bs) - 4,
		  mp_memtotal_kb());
	snprintf(buf, sizeof(buf), "%lld", id);
	CTL(&run, "unplug", buf);
	EXIT_IS(&run, 0);
	ASSERT_EQ(mt0, mp_memtotal_kb());
}

/* Reload memplug with @extra after the usual parameters. */
static void reload(struct __test_metadata *_metadata, struct mp_env *e,
		   const char *extra)
{
	char params[256];

	snprintf(params, sizeof(params), "%s%s%s", mp_ko_params(),
		 mp_ko_params()[0] ? " " : "", extra);
	MP_OK(mp_memplug_reload(&e->c, params));
}

/* Range @id's "System RAM (memplug)" resources in /proc/iomem. */
static int ram_resources(void)
{
	char *io = mp_iomem();
	int n = io ? mp_iomem_count(io, MP_MEMPLUG_RES) : -1;

	free(io);
	return n;
}

/*
 * Whether this kernel takes a memmap-on-memory range one block at a time
 * (before 6.8): then memplug adds it block by block, one resource each.
 */
static bool added_block_by_block(struct __test_metadata *_metadata,
				 struct mp_env *e)
{
	struct mp_add_opts o = { .defer_online = true,
				 .memmap_on_memory = true };
	struct mp_range r;
	struct mp_ack ack;
	int n;

	MP_NL_OK(mp_range_add(&e->c, e->dev_start, 2 * e->bs, &o, &r, &ack),
		 ack);
	n = ram_resources();
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	return n == 2;
}

/* Wait up to @ms for range @id to be FAILED. */
static int wait_failed(struct mp_ctx *c, uint32_t id, int ms,
		       struct mp_range *g)
{
	int64_t deadline = mp_time_ms() + ms;
	struct mp_ack ack;
	int rc;

	do {
		rc = mp_range_get(c, id, g, &ack);
		if (rc || g->state == MEMPLUG_RANGE_STATE_FAILED)
			return rc;
		mp_sleep_ms(50);
	} while (mp_time_ms() < deadline);
	return -ETIMEDOUT;
}

/*
 * A held range of 4 blocks whose owner goes away while a page of block 3
 * is held: the rollback removes blocks 0-2 and gives up on block 3. The
 * range is FAILED with one block present, its claim whole and that block's
 * memory in it; a cancel has nothing to stop; an unplug removes the rest
 * once the page is free.
 */
TEST_F_TIMEOUT(memmap, rollback_keeps_what_it_removed, MP_TIMEOUT)
{
	struct mp_add_opts o = { .defer_online = true };
	struct mp_env *e = &self->e;
	uint64_t b3 = e->dev_start + 3 * e->bs;
	char params[128], line[160], *io;
	long long mt0 = mp_memtotal_kb();
	struct mp_range r, g;
	struct mp_ctx owner;
	struct mp_ack ack;
	struct mp_msg m;
	int rc, i;

	MP_NEED_DEVICE();
	if (!added_block_by_block(_metadata, e))
		SKIP(return, "this kernel adds a memmap-on-memory range at once, and removes it so");
	reload(_metadata, e, "rollback_attempts=2");
	MP_OK(mp_open(&owner));
	mp_req_init(&owner, &m, MEMPLUG_CMD_RANGE_ADD, false);
	mp_put_u64(&m, MEMPLUG_A_RANGE_START, e->dev_start);
	mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, 4 * e->bs);
	mp_put_flag(&m, MEMPLUG_A_RANGE_HOLD);
	mp_put_flag(&m, MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY);
	MP_OK(mp_add_opts_put(&m, &o));
	MP_NL_OK(mp_transact_range(&owner, &m, &r, &ack), ack);
	ASSERT_EQ(4, ram_resources());
	MP_OK(mp_block_set(e->dev_block + 3, "online_movable"));
	MP_OK(mp_pin(b3, e->bs));
	mp_close(&owner);

	rc = wait_failed(&e->c, r.id, 60000, &g);
	ASSERT_EQ(0, rc) TH_LOG("range %u is %s", r.id,
				MP_ENUM_STR(range_state, g.state));
	ASSERT_EQ(2, g.rollback_attempts);
	ASSERT_EQ(1, g.blocks_present);
	ASSERT_EQ(e->dev_block + 3, g.fail_block);
	for (i = 0; i < 3; i++)
		MP_BLOCK_GONE(e->dev_block + i);
	MP_BLOCK_STATE(e->dev_block + 3, "online");
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	snprintf(params, sizeof(params), MP_CLAIM_PREFIX "%u", r.id);
	MP_IOMEM_HAS(io, 1, e->dev_start, 4 * e->bs, params);
	mp_iomem_line(line, sizeof(line), 2, b3, b3 + e->bs - 1,
		      MP_MEMPLUG_RES);
	ASSERT_TRUE(mp_iomem_has_line(io, line)) TH_LOG("no '%s':\n%s", line,
							io);
	ASSERT_EQ(1, mp_iomem_count(io, MP_MEMPLUG_RES));
	free(io);

	rc = mp_range_cancel(&e->c, r.id, NULL, &ack);
	MP_REFUSED(rc, ack, EINVAL,
		   "memplug: range has nothing to cancel: no plug, unplug or rollback of it is in progress (a failed range with blocks removed is unplugged, not cancelled)");

	MP_OK(mp_rmmod("memplug_test_pin"));
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	MP_BLOCK_GONE(e->dev_block + 3);
	ASSERT_EQ(0, ram_resources());
	ASSERT_EQ(mt0, mp_memtotal_kb());
}

/*
 * A plug that fails at its second block (test knob) after the kernel
 * onlined the first (auto-online), whose undo fails too (offlining vetoed):
 * the plug is refused, and the first block is not forgotten. The range
 * stays, UNPLUGGING and then FAILED, keeping the module and its claim, and
 * once the veto is gone an unplug removes it.
 */
TEST_F_TIMEOUT(memmap, failed_add_whose_undo_fails, MP_TIMEOUT)
{
	struct mp_add_opts o = { .memmap_on_memory = true };
	struct mp_env *e = &self->e;
	long long mt0 = mp_memtotal_kb();
	struct mp_range list[4], g;
	struct mp_ack ack;
	int rc, n;

	MP_NEED_DEVICE();
	if (!added_block_by_block(_metadata, e))
		SKIP(return, "this kernel adds a memmap-on-memory range at once: no block by block undo");
	if (mp_inject_load(1))
		SKIP(return, "memory-notifier-error-inject: %s", mp_errstr());
	reload(_metadata, e, "rollback_attempts=2 test_knobs=1");
	MP_OK(mp_write_str(MP_SYSFS_MEMORY "/auto_online_blocks",
			   "online_movable"));
	MP_OK(mp_inject_set("MEM_GOING_OFFLINE", EBUSY));
	MP_OK(mp_knob_fail("add_block", 1));
	rc = mp_range_add(&e->c, e->dev_start, 2 * e->bs, &o, NULL, &ack);
	MP_OK(mp_knob_fail("none", 0));
	MP_REFUSED(rc, ack, ENOMEM,
		   "memplug: kernel refused: out of memory for the memory map of the range");

	MP_NL_OK(mp_range_dump(&e->c, list, 4, &n, &ack), ack);
	ASSERT_EQ(1, n);
	ASSERT_EQ(1, list[0].blocks_present);
	ASSERT_NE(MEMPLUG_RANGE_STATE_PLUGGED, list[0].state);
	MP_BLOCK_GONE(e->dev_block + 1);
	rc = wait_failed(&e->c, list[0].id, 60000, &g);
	ASSERT_EQ(0, rc) TH_LOG("range %u is %s", list[0].id,
				MP_ENUM_STR(range_state, g.state));
	/* Only now: while the undo retries, the block passes through going-offline. */
	MP_BLOCK_STATE(e->dev_block, "online");
	mp_close(&e->c);
	ASSERT_NE(0, mp_rmmod("memplug")) TH_LOG("memplug unloaded with memory plugged");
	MP_OK(mp_open(&e->c));

	MP_OK(mp_inject_set("MEM_GOING_OFFLINE", 0));
	MP_NL_OK(mp_range_del(&e->c, g.id, NULL, &ack), ack);
	MP_BLOCK_GONE(e->dev_block);
	ASSERT_EQ(0, ram_resources());
	ASSERT_EQ(mt0, mp_memtotal_kb());
}

TEST_HARNESS_MAIN
