// SPDX-License-Identifier: GPL-2.0
/*
 * numa_test: where a range lands on a machine with two NUMA nodes.
 *
 * Runs in the "numa" VM profile: node 0 has the CPUs and 2 GiB, node 1 is
 * CPU-less with 2 GiB, as CXL and HBM nodes are, and the device range
 * (memmap=1G!4G) lies in node 1's memory. Without --node the firmware's
 * node (node 1) is used; --node 0 puts the range on node 0; an impossible
 * node is refused. Every block must sit on the node the range reports, in
 * sysfs (/sys/devices/system/node/nodeN/memoryM) and in BLOCK_GET, and the
 * node's own MemTotal must grow by the range.
 */
#include "memplug_test.h"
#include "ctl.h"

FIXTURE(numa) {
	struct mp_env e;
	const char *ctl;
	char start[32];
};

FIXTURE_SETUP(numa)
{
	ASSERT_EQ(0, mp_env_setup(&self->e)) TH_LOG("setup: %s", mp_errstr());
	self->ctl = mp_ctl_path();
	snprintf(self->start, sizeof(self->start), "0x%" PRIx64,
		 self->e.dev_start);
}

MP_FIXTURE_TEARDOWN(numa)

/* MemTotal of one node, in kB, from its meminfo; -1 if unreadable. */
static long long node_memtotal_kb(unsigned int nid)
{
	char path[64], *text, *p;
	long long kb = -1;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%u/meminfo",
		 nid);
	text = mp_read_file(path);
	if (!text)
		return -1;
	p = strstr(text, "MemTotal:");
	if (p)
		kb = strtoll(p + strlen("MemTotal:"), NULL, 10);
	free(text);
	return kb;
}

static bool block_on_node(unsigned int blk, unsigned int nid)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%u/memory%u",
		 nid, blk);
	return mp_path_exists(path);
}

/*
 * Plug 256 MiB with @node_arg (NULL: let memplug choose), expect it on
 * @want, check every place that shows the node, unplug.
 */
static void plug_on(struct __test_metadata *_metadata, FIXTURE_DATA(numa) *self,
		    const char *node_arg, unsigned int want)
{
	struct mp_env *e = &self->e;
	long long node_mt0 = node_memtotal_kb(want), id, node;
	struct mp_block b[4];
	struct mp_ack ack;
	struct mp_run run;
	char idbuf[24];
	unsigned int i;
	char *json;
	int n;

	NEED_CTL();
	ASSERT_LT(0, node_mt0);
	if (node_arg)
		CTL(&run, "plug", "--start", self->start, "--size", "256M",
		    "--node", node_arg, "--json");
	else
		CTL(&run, "plug", "--start", self->start, "--size", "256M",
		    "--json");
	EXIT_IS(&run, 0);
	json = json_of(&run);
	ASSERT_NE(NULL, json);
	ASSERT_TRUE(mp_json_int(json, "id", &id)) TH_LOG("%s", json);
	ASSERT_TRUE(mp_json_int(json, "node", &node)) TH_LOG("%s", json);
	free(json);
	ASSERT_EQ(want, node);

	for (i = 0; i < 2; i++) {
		ASSERT_TRUE(block_on_node(e->dev_block + i, want))
		TH_LOG("memory%u is not under node%u", e->dev_block + i, want);
		ASSERT_FALSE(block_on_node(e->dev_block + i, !want));
	}
	MP_NL_OK(mp_block_dump(&e->c, id, b, 4, &n, &ack), ack);
	ASSERT_EQ(2, n);
	for (i = 0; i < 2; i++) {
		ASSERT_TRUE(b[i].has_node);
		ASSERT_EQ(want, b[i].node);
	}
	ASSERT_EQ(node_mt0 + MP_KB(MP_MIB(256)), node_memtotal_kb(want));

	CTL(&run, "blocks", "--json");
	EXIT_IS(&run, 0);
	json = json_of(&run);
	ASSERT_NE(NULL, json);
	ASSERT_EQ(2, mp_json_count_num(json, "node", want)) TH_LOG("%s", json);
	free(json);

	snprintf(idbuf, sizeof(idbuf), "%lld", id);
	CTL(&run, "unplug", idbuf);
	EXIT_IS(&run, 0);
	ASSERT_EQ(node_mt0, node_memtotal_kb(want));
}

TEST_F_TIMEOUT(numa, firmware_node_by_default, MP_TIMEOUT)
{
	MP_NEED_DEVICE();
	/* The profile gives the machine two nodes. */
	ASSERT_TRUE(mp_path_exists("/sys/devices/system/node/node1"));
	plug_on(_metadata, self, NULL, 1);
}

TEST_F_TIMEOUT(numa, explicit_node_is_honoured, MP_TIMEOUT)
{
	MP_NEED_DEVICE();
	plug_on(_metadata, self, "0", 0);
	plug_on(_metadata, self, "1", 1);
}

TEST_F_TIMEOUT(numa, impossible_node_is_refused, MP_TIMEOUT)
{
	struct mp_snap before, after;
	struct mp_run run;
	char why[256];

	MP_NEED_DEVICE();
	NEED_CTL();
	MP_OK(mp_snap_take(&self->e.c, &before));
	CTL(&run, "plug", "--start", self->start, "--size", "256M", "--node",
	    "2");
	EXIT_IS(&run, 1);
	STDERR_HAS(&run, "node is not possible on this machine");
	STDERR_HAS(&run, "EINVAL");
	MP_OK(mp_snap_take(&self->e.c, &after));
	ASSERT_EQ(0, mp_snap_diff(&before, &after, false, why, sizeof(why)))
	TH_LOG("%s", why);
	mp_snap_free(&before);
	mp_snap_free(&after);
}

TEST_HARNESS_MAIN
