// SPDX-License-Identifier: GPL-2.0
/*
 * ratio_test: the movable/kernel memory guard of memplugctl plug. A plug
 * that onlines into ZONE_MOVABLE and takes its node's movable memory above
 * 3.0 times its kernel-zone memory (managed pages of DMA, DMA32 and Normal
 * in /proc/zoneinfo) prints a WARNING and plugs; with --strict-ratio it is
 * refused (exit 1) and nothing changes: MemTotal, /proc/iomem, the memory
 * blocks, memplugctl list. Below the limit neither says a word.
 *
 * The VM boots with movablecore= (profile "ratio") so that node 0 already
 * has movable memory and a part of the device range crosses the limit; the
 * test works out from /proc/zoneinfo how many blocks that takes, and the
 * ratio the messages must show.
 */
#include <unistd.h>

#include "memplug_test.h"
#include "ctl.h"

#define LIMIT 3.0

FIXTURE(ratio) {
	struct mp_env e;
	const char *ctl;
	struct mp_run *run;
	char start[32];
	uint64_t kernel; /* node 0, bytes */
	uint64_t movable;
	unsigned int nwarn; /* the fewest blocks that cross the limit */
};

/* Managed bytes of node @node in kernel zones and in ZONE_MOVABLE. */
static int node_memory(int node, uint64_t *kernel, uint64_t *movable)
{
	char *zi = mp_read_file("/proc/zoneinfo"), *line, *save;
	uint64_t page = sysconf(_SC_PAGESIZE);
	char zone[32] = "";
	bool in_zone = false;
	int n = -1;

	if (!zi)
		return -EIO;
	*kernel = *movable = 0;
	for (line = strtok_r(zi, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long pages;

		if (sscanf(line, "Node %d, zone %31s", &n, zone) == 2) {
			in_zone = true;
			continue;
		}
		if (!in_zone || sscanf(line, " managed %llu", &pages) != 1)
			continue;
		in_zone = false;
		if (n != node)
			continue;
		if (!strcmp(zone, "DMA") || !strcmp(zone, "DMA32") ||
		    !strcmp(zone, "Normal"))
			*kernel += pages * page;
		else if (!strcmp(zone, "Movable"))
			*movable += pages * page;
	}
	free(zi);
	return 0;
}

static double ratio_after(FIXTURE_DATA(ratio) *self, uint64_t added)
{
	return (double)(self->movable + added) / (double)self->kernel;
}

FIXTURE_SETUP(ratio)
{
	struct mp_env *e = &self->e;
	unsigned int n, max;
	int rc = mp_env_setup(e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	self->ctl = mp_ctl_path();
	self->run = malloc(sizeof(*self->run));
	ASSERT_NE(NULL, self->run);
	snprintf(self->start, sizeof(self->start), "0x%" PRIx64, e->dev_start);
	if (e->no_device)
		return;
	MP_OK(node_memory(0, &self->kernel, &self->movable));
	ASSERT_GT(self->kernel, 0);
	max = e->dev_size / e->bs;
	for (n = 1; n <= max && ratio_after(self, n * e->bs) <= LIMIT; n++)
		;
	self->nwarn = n;
	TH_LOG("node 0: kernel %" PRIu64 " MiB, movable %" PRIu64
	       " MiB (ratio %.2f); %u blocks cross %.1f",
	       self->kernel >> 20, self->movable >> 20,
	       ratio_after(self, 0), n, LIMIT);
	ASSERT_TRUE(n >= 2 && n <= max)
	TH_LOG("the device range cannot show the limit: boot with movablecore= (make -C selftests run PROFILE=ratio)");
}

FIXTURE_TEARDOWN(ratio)
{
	free(self->run);
	mp_env_teardown(&self->e);
}

/*
 * The movable ratio part of the messages for a plug of @size:
 * "onlining 512M into ZONE_MOVABLE on node 0 makes its movable memory
 * 3.02 times its kernel-zone memory (movable 1.8G after the plug, kernel
 * 600.5M; limit 3.0)".
 */
static void ratio_text(FIXTURE_DATA(ratio) *self, uint64_t size, char *buf,
		       size_t len)
{
	char sz[32], mov[32], ker[32];

	ctl_human_size(size, sz, sizeof(sz));
	ctl_human_size(self->movable + size, mov, sizeof(mov));
	ctl_human_size(self->kernel, ker, sizeof(ker));
	snprintf(buf, len,
		 "onlining %s into ZONE_MOVABLE on node 0 makes its movable memory %.2f times its kernel-zone memory (movable %s after the plug, kernel %s; limit 3.0)",
		 sz, ratio_after(self, size), mov, ker);
}

/* memplugctl plug of @nblk blocks, onlined movable, and more @args. */
#define PLUG(nblk, ...)                                                       \
	do {                                                                  \
		char __size[32];                                              \
		snprintf(__size, sizeof(__size), "%" PRIu64,                  \
			 (uint64_t)(nblk) * self->e.bs);                      \
		CTL(self->run, "plug", "--start", self->start, "--size",      \
		    __size, ##__VA_ARGS__);                                   \
	} while (0)

/* Plugged: @nblk blocks online in ZONE_MOVABLE, listed; unplug it. */
static void check_plugged_and_unplug(struct __test_metadata *_metadata,
				     FIXTURE_DATA(ratio) *self,
				     unsigned int nblk, long long mt0)
{
	struct mp_run *run = self->run;
	unsigned int i;
	long long id;
	char ids[32], zones[64];
	char *j;

	ASSERT_EQ(mt0 + MP_KB(nblk * self->e.bs), mp_memtotal_kb());
	for (i = 0; i < nblk; i++) {
		MP_BLOCK_STATE(self->e.dev_block + i, "online");
		MP_OK(mp_block_zones(self->e.dev_block + i, zones,
				     sizeof(zones)));
		ASSERT_STREQ("Movable", zones);
	}
	CTL(run, "list", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	ASSERT_EQ(1, mp_json_count(j, "\"id\":")) TH_LOG("%s", j);
	ASSERT_EQ(1, mp_json_count_num(j, "online_blocks", nblk));
	ASSERT_TRUE(mp_json_int(j, "id", &id));
	free(j);
	snprintf(ids, sizeof(ids), "%lld", id);
	CTL(run, "unplug", ids);
	EXIT_IS(run, 0);
	ASSERT_EQ(mt0, mp_memtotal_kb());
}

/* memplugctl list shows no range. */
static void check_list_empty(struct __test_metadata *_metadata,
			     FIXTURE_DATA(ratio) *self)
{
	struct mp_run *run = self->run;
	char *j;

	CTL(run, "list", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	ASSERT_STREQ("{\"ranges\":[],\"warnings\":[],\"format\":1}", j);
	free(j);
}

/*
 * status reports node 0 as /proc/zoneinfo has it. A plug that stays at
 * or below 3.0 says nothing; one block more warns with the ratio it
 * makes, on one line, and plugs all the same.
 */
TEST_F_TIMEOUT(ratio, warns_and_plugs, MP_TIMEOUT)
{
	struct mp_run *run = self->run;
	uint64_t size = self->nwarn * self->e.bs;
	char text[512], want[700];
	long long mt0 = mp_memtotal_kb();
	char *j;

	MP_NEED_DEVICE();
	NEED_CTL();
	CTL(run, "status", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	ASSERT_EQ(1, mp_json_count_num(j, "kernel_bytes", self->kernel))
	TH_LOG("%s", j);
	ASSERT_EQ(1, mp_json_count_num(j, "movable_bytes", self->movable))
	TH_LOG("%s", j);
	free(j);

	PLUG(self->nwarn - 1, "--json");
	EXIT_IS(run, 0);
	ASSERT_STREQ("", run->err);
	ASSERT_NE(NULL, strstr(run->out, "\"warnings\":[],\"format\":1}\n"))
	TH_LOG("%s", run->out);
	check_plugged_and_unplug(_metadata, self, self->nwarn - 1, mt0);

	PLUG(self->nwarn, "--json");
	EXIT_IS(run, 0);
	ratio_text(self, size, text, sizeof(text));
	snprintf(want, sizeof(want), "memplugctl: WARNING: %s; ", text);
	ASSERT_EQ(0, strncmp(run->err, want, strlen(want)))
	TH_LOG("wanted '%s...', got '%s'", want, run->err);
	ASSERT_NE(NULL, strstr(run->err, ". Plugging anyway; --strict-ratio refuses this.\n"))
	TH_LOG("%s", run->err);
	ASSERT_EQ(1, mp_json_count(run->err, "\n")) TH_LOG("%s", run->err);
	/* The JSON document carries the same warning. */
	snprintf(want, sizeof(want), "\"warnings\":[\"%s; ", text);
	j = json_of(run);
	ASSERT_NE(NULL, j);
	JSON_HAS(j, want);
	free(j);

	CTL(run, "status", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	ASSERT_EQ(1, mp_json_count_num(j, "movable_bytes", self->movable + size))
	TH_LOG("%s", j);
	free(j);
	check_plugged_and_unplug(_metadata, self, self->nwarn, mt0);
}

/*
 * --strict-ratio: at the limit it plugs as without; beyond it, exit 1 with
 * the reason, and nothing changed. With --node nothing is even sent (not
 * even memplug's counters move); without, the range the kernel added for
 * the node's sake is removed again.
 */
TEST_F_TIMEOUT(ratio, strict_refuses, MP_TIMEOUT)
{
	struct mp_run *run = self->run;
	uint64_t size = self->nwarn * self->e.bs;
	char text[512], want[700], sz[32];
	long long mt0 = mp_memtotal_kb();
	struct mp_snap before;

	MP_NEED_DEVICE();
	NEED_CTL();
	PLUG(self->nwarn - 1, "--strict-ratio", "--json");
	EXIT_IS(run, 0);
	ASSERT_STREQ("", run->err);
	check_plugged_and_unplug(_metadata, self, self->nwarn - 1, mt0);

	ratio_text(self, size, text, sizeof(text));
	ctl_human_size(size, sz, sizeof(sz));
	snprintf(want, sizeof(want),
		 "memplugctl: plugging %s+%s: --strict-ratio: refusing: %s; ",
		 self->start, sz, text);

	MP_OK(mp_snap_take(&self->e.c, &before));
	PLUG(self->nwarn, "--strict-ratio", "--node", "0");
	EXIT_IS(run, 1);
	ASSERT_EQ(0, strncmp(run->err, want, strlen(want)))
	TH_LOG("wanted '%s...', got '%s'", want, run->err);
	ASSERT_EQ(NULL, strstr(run->err, "WARNING")) TH_LOG("%s", run->err);
	ASSERT_STREQ("", run->out);
	MP_UNCHANGED(&self->e.c, &before);
	mp_snap_free(&before);
	check_list_empty(_metadata, self);

	MP_OK(mp_snap_take(&self->e.c, &before));
	PLUG(self->nwarn, "--strict-ratio");
	EXIT_IS(run, 1);
	ASSERT_EQ(0, strncmp(run->err, want, strlen(want)))
	TH_LOG("wanted '%s...', got '%s'", want, run->err);
	ASSERT_NE(NULL, strstr(run->err, "; rolled back, nothing left plugged\n"))
	TH_LOG("%s", run->err);
	ASSERT_STREQ("", run->out);
	MP_SAME(&self->e.c, &before, false);
	mp_snap_free(&before);
	MP_BLOCK_GONE(self->e.dev_block);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	check_list_empty(_metadata, self);
}

TEST_HARNESS_MAIN
