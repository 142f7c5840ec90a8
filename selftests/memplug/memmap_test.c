// SPDX-License-Identifier: GPL-2.0
/*
 * memmap_test: --memmap-on-memory puts a range's memory map (struct pages,
 * 64 bytes per 4 KiB page) on the range itself.
 *
 * Runs in the "memmap" VM profile (memory_hotplug.memmap_on_memory=1).
 * Plugged that way, MemTotal grows by the size minus the memory map, the
 * memory the machine already had is not consumed for the map, and unplug,
 * block by block, gives everything back.
 */
#include "memplug_test.h"
#include "ctl.h"

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

MP_FIXTURE_TEARDOWN(memmap)

/* The memory map of one block, in kB: one struct page per 4 KiB page. */
static long long memmap_kb_per_block(uint64_t bs)
{
	return MP_KB(bs / 4096 * 64);
}

/* Free pages in kernel zones (what the memory map is taken from). */
static long long kernel_free_kb(void)
{
	long long dma = mp_zone_free_pages("DMA"), dma32, normal;

	dma32 = mp_zone_free_pages("DMA32");
	normal = mp_zone_free_pages("Normal");
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

TEST_HARNESS_MAIN
