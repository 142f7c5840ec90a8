// SPDX-License-Identifier: GPL-2.0
/*
 * tier_test: memory tiers. memplug gives the node it brings memory to a
 * memory type, as dax/kmem does, so that device memory on a node without
 * CPUs becomes a lower tier that reclaim demotes cold pages to.
 *
 * Runs in the "node" VM profile: node 0 has the CPUs and all the memory,
 * node 1 has neither, like a CXL node before its memory comes. The device
 * range is plugged onto node 1.
 *
 *   - TIER AUTO (the default) on node 1 is slow (five times DRAM's
 *     abstract distance, 2880), or in the "hmat" profile what the kernel
 *     computes from the firmware's figures: node 1 is in a lower tier than
 *     node 0 in
 *     /sys/devices/virtual/memory_tiering, RANGE_GET and STATUS say the
 *     same, and the unplug clears it;
 *   - DRAM keeps node 1 in node 0's tier; a number sets that distance;
 *     ranges on one node share its type, one asking for another is
 *     refused with the reason; node 0, whose memory memplug did not plug,
 *     keeps its tier;
 *   - malformed requests are refused in the ACK and change nothing;
 *   - with demotion enabled, reclaim in a memory cgroup on node 0 demotes
 *     its pages to node 1 when node 1 is slow, and not when it is DRAM;
 *     the demoted data is intact;
 *   - memplugctl plugs with a tier and shows the kernel's tiers: tiers,
 *     status and list agree with sysfs, and a conflict fails with the
 *     kernel's reason;
 *   - after rmmod no memory type is left: node 1 takes any tier again.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memplug_test.h"
#include "mp_environ.h"
#include "mp_json.h"
#include "mp_module.h"
#include "mp_run.h"

#define TIERS "/sys/devices/virtual/memory_tiering"
#define DEMOTION "/sys/kernel/mm/numa/demotion_enabled"
#define CGROOT "/sys/fs/cgroup"
#define CG CGROOT "/memplug-tier"
/* The kernel's: 128 abstract distances per tier, DRAM at 576. */
#define CHUNK_BITS 7
#define ADIST_DRAM 576
#define ADIST_SLOW (5 * ADIST_DRAM)
#define MSG_OTHER_TYPE \
	"memplug: the node already has another memory type, from memplug's other ranges on it"
#define MSG_NOT_OURS \
	"memplug: the node already has memory in a tier memplug did not set, and keeps that tier"
#define DEMOTE_BYTES MP_MIB(128)

/*
 * What TIER AUTO gives node 1: slow, unless the firmware describes node 1
 * (the "hmat" profile gives QEMU's HMAT latencies and bandwidths, and the
 * distance the kernel computes from them in MEMPLUG_TEST_HMAT_ADIST),
 * which kernels from 6.7 on turn into a distance (mt_calc_adistance()).
 */
static uint32_t auto_adist(void)
{
	const char *hmat = getenv("MEMPLUG_TEST_HMAT_ADIST");
	struct utsname u;
	int major = 0, minor = 0;

	if (!hmat || uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return ADIST_SLOW;
	return major > 6 || (major == 6 && minor >= 7) ? atoi(hmat) :
							 ADIST_SLOW;
}

FIXTURE(tier) {
	struct mp_env e;
};

FIXTURE_SETUP(tier)
{
	ASSERT_EQ(0, mp_env_setup(&self->e)) TH_LOG("setup: %s", mp_errstr());
}

FIXTURE_TEARDOWN(tier)
{
	mp_env_teardown(&self->e);
}

/* Whether node @nid is in the node list @list ("0-1,3"). */
static bool in_list(const char *list, int nid)
{
	const char *p = list;

	while (*p && *p != '\n') {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (end == p)
			return false;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		if (nid >= lo && nid <= hi)
			return true;
		p = *end == ',' ? end + 1 : end;
	}
	return false;
}

/* The kernel's tier of node @nid (memory_tierN), -1 if it is in none. */
static int node_tier(int nid)
{
	struct dirent *d;
	int tier = -1;
	DIR *dir;

	dir = opendir(TIERS);
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		char path[512], list[256];

		if (strncmp(d->d_name, "memory_tier", 11))
			continue;
		snprintf(path, sizeof(path), TIERS "/%s/nodelist", d->d_name);
		if (!mp_read_str(path, list, sizeof(list)) &&
		    in_list(list, nid))
			tier = atoi(d->d_name + 11);
	}
	closedir(dir);
	return tier;
}

/* Plug one block of the device range at block @idx onto node 1. */
static int plug1(struct mp_env *e, unsigned int idx, uint32_t tier,
		 uint32_t adist, struct mp_range *r, struct mp_ack *ack)
{
	struct mp_add_opts o = { .has_node = true, .node = 1, .tier = tier,
				 .adistance = adist };

	return mp_range_add(&e->c, e->dev_start + idx * e->bs, e->bs, &o, r,
			    ack);
}

/* The memory type STATUS says memplug gave node @nid, or NULL. */
static const struct mp_memtype *memtype_of(const struct mp_status *st,
					    uint32_t nid)
{
	int i;

	for (i = 0; i < st->nr_memtypes; i++)
		if (st->memtypes[i].node == nid)
			return &st->memtypes[i];
	return NULL;
}

/*
 * Plug a block onto node 1 with @tier, online it: node 1's kernel tier is
 * @want_tier and memplug says it gave the node @adist. Returns the range.
 */
static uint32_t plug_and_see(struct __test_metadata *_metadata,
			     struct mp_env *e, uint32_t tier, uint32_t adist,
			     uint32_t want_adist)
{
	const struct mp_memtype *mt;
	struct mp_status st;
	struct mp_range r;
	struct mp_ack ack;

	MP_NL_OK(plug1(e, 0, tier, adist, &r, &ack), ack);
	ASSERT_EQ(tier ? tier : MEMPLUG_TIER_AUTO, r.tier);
	ASSERT_TRUE(r.has_adistance);
	ASSERT_EQ(want_adist, r.adistance);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	ASSERT_EQ((int)(want_adist >> CHUNK_BITS), node_tier(1))
	TH_LOG("node 1 is in tier %d", node_tier(1));
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	mt = memtype_of(&st, 1);
	ASSERT_NE(NULL, mt);
	ASSERT_EQ(want_adist, mt->adistance);
	ASSERT_EQ(1, mt->ranges);
	return r.id;
}

/* Unplug range @id; node 1 then has no memory and no type from memplug. */
static void unplug_cleared(struct __test_metadata *_metadata,
			   struct mp_env *e, uint32_t id)
{
	struct mp_status st;
	struct mp_ack ack;

	MP_NL_OK(mp_range_del(&e->c, id, NULL, &ack), ack);
	ASSERT_EQ(-1, node_tier(1));
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	ASSERT_EQ(0, st.nr_memtypes);
}

TEST_F_TIMEOUT(tier, auto_puts_a_node_without_cpus_lower, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	int dram = node_tier(0);
	uint32_t id;

	MP_NEED_DEVICE();
	ASSERT_TRUE(mp_path_exists(TIERS)) TH_LOG("no memory tiers in sysfs");
	ASSERT_EQ(ADIST_DRAM >> CHUNK_BITS, dram);
	ASSERT_EQ(-1, node_tier(1)) TH_LOG("node 1 has memory at boot");

	id = plug_and_see(_metadata, e, 0, 0, auto_adist());
	TH_LOG("auto gave node 1 abstract distance %u", auto_adist());
	ASSERT_GT(node_tier(1), dram);
	ASSERT_EQ(dram, node_tier(0));
	unplug_cleared(_metadata, e, id);
}

TEST_F_TIMEOUT(tier, dram_slow_and_a_number, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	uint32_t id;

	MP_NEED_DEVICE();
	id = plug_and_see(_metadata, e, MEMPLUG_TIER_DRAM, 0, ADIST_DRAM);
	ASSERT_EQ(node_tier(0), node_tier(1));
	unplug_cleared(_metadata, e, id);
	/* The DRAM type is gone with the range: slow may follow. */
	id = plug_and_see(_metadata, e, MEMPLUG_TIER_SLOW, 0, ADIST_SLOW);
	unplug_cleared(_metadata, e, id);
	id = plug_and_see(_metadata, e, MEMPLUG_TIER_ADISTANCE, 1500, 1500);
	ASSERT_EQ(1500 >> CHUNK_BITS, node_tier(1));
	unplug_cleared(_metadata, e, id);
}

TEST_F_TIMEOUT(tier, ranges_on_a_node_share_its_type, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	const struct mp_memtype *mt;
	struct mp_range a, b, c;
	struct mp_snap before;
	struct mp_status st;
	struct mp_ack ack;
	int rc;

	MP_NEED_DEVICE();
	MP_NL_OK(plug1(e, 0, MEMPLUG_TIER_SLOW, 0, &a, &ack), ack);

	/* Another type on the same node: refused, and nothing moves. */
	MP_OK(mp_snap_take(&e->c, &before));
	rc = plug1(e, 1, MEMPLUG_TIER_DRAM, 0, &b, &ack);
	MP_REFUSED(rc, ack, EBUSY, MSG_OTHER_TYPE);
	rc = plug1(e, 1, MEMPLUG_TIER_ADISTANCE, ADIST_SLOW + 1, &b, &ack);
	MP_REFUSED(rc, ack, EBUSY, MSG_OTHER_TYPE);
	MP_SAME(&e->c, &before, false);
	mp_snap_free(&before);

	/* The same distance, or AUTO, shares it. */
	MP_NL_OK(plug1(e, 1, MEMPLUG_TIER_ADISTANCE, ADIST_SLOW, &b, &ack),
		 ack);
	MP_NL_OK(plug1(e, 2, 0, 0, &c, &ack), ack);
	ASSERT_EQ(ADIST_SLOW, c.adistance);
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	ASSERT_EQ(1, st.nr_memtypes);
	mt = memtype_of(&st, 1);
	ASSERT_NE(NULL, mt);
	ASSERT_EQ(3, mt->ranges);

	/* The type stays until the last range of the node is gone. */
	MP_NL_OK(mp_range_del(&e->c, a.id, NULL, &ack), ack);
	MP_NL_OK(mp_range_del(&e->c, b.id, NULL, &ack), ack);
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	ASSERT_EQ(1, memtype_of(&st, 1)->ranges);
	MP_OK(mp_block_set(e->dev_block + 2, "online_movable"));
	ASSERT_EQ(ADIST_SLOW >> CHUNK_BITS, node_tier(1));
	unplug_cleared(_metadata, e, c.id);
}

TEST_F_TIMEOUT(tier, a_node_with_memory_keeps_its_tier, MP_TIMEOUT)
{
	struct mp_add_opts o = { .has_node = true, .node = 0 };
	struct mp_env *e = &self->e;
	struct mp_snap before;
	struct mp_status st;
	struct mp_range r;
	struct mp_ack ack;
	int rc;

	MP_NEED_DEVICE();
	MP_OK(mp_snap_take(&e->c, &before));
	o.tier = MEMPLUG_TIER_SLOW;
	rc = mp_range_add(&e->c, e->dev_start, e->bs, &o, &r, &ack);
	MP_REFUSED(rc, ack, EBUSY, MSG_NOT_OURS);
	MP_SAME(&e->c, &before, false);
	mp_snap_free(&before);

	/* AUTO and DRAM on a node with CPUs: its tier, no type of memplug's. */
	o.tier = MEMPLUG_TIER_DRAM;
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->bs, &o, &r, &ack), ack);
	ASSERT_FALSE(r.has_adistance);
	o.tier = 0;
	MP_NL_OK(mp_range_add(&e->c, e->dev_start + e->bs, e->bs, &o, &r,
			      &ack), ack);
	ASSERT_EQ(MEMPLUG_TIER_AUTO, r.tier);
	ASSERT_FALSE(r.has_adistance);
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	ASSERT_EQ(0, st.nr_memtypes);
}

/* Send RANGE_ADD with raw TIER/ADISTANCE attributes (-1: leave out). */
static int add_raw(struct mp_env *e, int64_t tier, int64_t adist,
		   struct mp_ack *ack)
{
	struct mp_msg m;

	mp_req_init(&e->c, &m, MEMPLUG_CMD_RANGE_ADD, false);
	mp_put_u64(&m, MEMPLUG_A_RANGE_START, e->dev_start);
	mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, e->bs);
	mp_put_u32(&m, MEMPLUG_A_RANGE_NODE, 1);
	if (tier >= 0)
		mp_put_u32(&m, MEMPLUG_A_RANGE_TIER, tier);
	if (adist >= 0)
		mp_put_u32(&m, MEMPLUG_A_RANGE_ADISTANCE, adist);
	return mp_transact_range(&e->c, &m, NULL, ack);
}

TEST_F_TIMEOUT(tier, malformed_requests, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_snap before;
	struct mp_ack ack;
	int rc;

	MP_NEED_DEVICE();
	MP_OK(mp_snap_take(&e->c, &before));
	rc = add_raw(e, -1, 1000, &ack);
	MP_REFUSED(rc, ack, EINVAL, "an abstract distance needs tier adistance");
	rc = add_raw(e, MEMPLUG_TIER_SLOW, 1000, &ack);
	MP_REFUSED(rc, ack, EINVAL, "an abstract distance needs tier adistance");
	rc = add_raw(e, MEMPLUG_TIER_ADISTANCE, -1, &ack);
	MP_REFUSED(rc, ack, EINVAL, "tier adistance needs an abstract distance");
	rc = add_raw(e, MEMPLUG_TIER_ADISTANCE, 0, &ack);
	ASSERT_EQ(-ERANGE, rc) TH_LOG("adistance 0: %s", strerror(-rc));
	rc = add_raw(e, MEMPLUG_TIER_ADISTANCE, MEMPLUG_ADISTANCE_MAX + 1, &ack);
	ASSERT_EQ(-ERANGE, rc);
	rc = add_raw(e, MEMPLUG_TIER_MAX + 1, -1, &ack);
	ASSERT_EQ(-ERANGE, rc) TH_LOG("tier %d: %s", MEMPLUG_TIER_MAX + 1,
				     strerror(-rc));
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);
}

/* Sum of the pgdemote_* counters in /proc/vmstat. */
static long long pgdemote(void)
{
	char *vm = mp_read_file("/proc/vmstat"), *p;
	long long sum = 0;

	if (!vm)
		return -1;
	for (p = vm; (p = strstr(p, "pgdemote_")); p++)
		sum += atoll(strchr(p, ' ') + 1);
	free(vm);
	return sum;
}

static uint64_t word_at(size_t i)
{
	return (i + 1) * 0x9e3779b97f4a7c15ULL;
}

/*
 * The child in the memory cgroup: fill @len bytes on node 0 (where it
 * runs), tell the parent, wait for its word, then report how many of its
 * pages are on node 1 and whether every word is intact.
 */
static void demotee(int to_parent, int from_parent, size_t len)
{
	size_t words = len / 8, pages = len / 4096, i, on1 = 0;
	uint64_t *mem, sum = 0, again = 0;
	void **addr;
	int *status;
	char go;

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	addr = calloc(pages, sizeof(*addr));
	status = calloc(pages, sizeof(*status));
	if (mem == MAP_FAILED || !addr || !status)
		_exit(10);
	/* No huge pages: demotion splits them, which is not the point. */
	madvise(mem, len, MADV_NOHUGEPAGE);
	for (i = 0; i < words; i++) {
		mem[i] = word_at(i);
		sum += mem[i] ^ i;
	}
	if (write(to_parent, "r", 1) != 1 || read(from_parent, &go, 1) != 1)
		_exit(11);
	for (i = 0; i < pages; i++)
		addr[i] = (char *)mem + i * 4096;
	if (syscall(SYS_move_pages, 0, pages, addr, NULL, status, 0))
		_exit(12);
	for (i = 0; i < pages; i++)
		on1 += status[i] == 1;
	for (i = 0; i < words; i++) {
		if (mem[i] != word_at(i))
			_exit(13);
		again += mem[i] ^ i;
	}
	if (again != sum)
		_exit(13);
	dprintf(to_parent, "%zu\n", on1);
	_exit(0);
}

/*
 * Reclaim @len bytes from a memory cgroup whose task filled them on node
 * 0; the pages demoted (pgdemote_*) and how many of the task's pages ended
 * on node 1.
 */
static void reclaim_in_cgroup(struct __test_metadata *_metadata, size_t len,
			      long long *demoted, long *on1)
{
	int up[2], down[2], status;
	char buf[64], pid[16];
	long long before;
	ssize_t n;
	pid_t child;

	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	fflush(stdout);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		snprintf(pid, sizeof(pid), "%d", getpid());
		if (mp_write_str(CG "/cgroup.procs", pid))
			_exit(9);
		demotee(up[1], down[0], len);
	}
	close(up[1]);
	close(down[0]);
	n = read(up[0], buf, 1);
	ASSERT_EQ(1, n) TH_LOG("the child failed before filling its memory");
	before = pgdemote();
	/* EAGAIN when it could not reclaim it all: demotion counts anyway. */
	snprintf(buf, sizeof(buf), "%zu", len);
	mp_write_str(CG "/memory.reclaim", buf);
	*demoted = pgdemote() - before;
	ASSERT_EQ(1, write(down[1], "g", 1));
	n = read(up[0], buf, sizeof(buf) - 1);
	MP_OK(mp_wait_pid(child, 60000, &status));
	ASSERT_EQ(0, status) TH_LOG("the child saw its memory change (%d)",
				    status);
	ASSERT_GT(n, 0);
	buf[n] = 0;
	*on1 = atol(buf);
	close(up[0]);
	close(down[1]);
}

/* A memory cgroup to reclaim from (cgroup v2, mounted if it is not). */
static void cgroup_setup(struct __test_metadata *_metadata)
{
	if (!mp_path_exists(CGROOT "/cgroup.controllers"))
		ASSERT_EQ(0, mount("none", CGROOT, "cgroup2", 0, NULL))
		TH_LOG("mounting cgroup2: %s", strerror(errno));
	MP_OK(mp_write_str(CGROOT "/cgroup.subtree_control", "+memory"));
	if (!mp_path_exists(CG))
		ASSERT_EQ(0, mkdir(CG, 0755));
}

TEST_F_TIMEOUT(tier, reclaim_demotes_to_a_slow_node, 600)
{
	struct mp_env *e = &self->e;
	long long demoted;
	struct mp_range r;
	struct mp_ack ack;
	char was[8];
	long on1;
	unsigned int i, nblk = e->dev_size / e->bs;

	MP_NEED_DEVICE();
	ASSERT_TRUE(mp_path_exists(DEMOTION));
	cgroup_setup(_metadata);
	MP_OK(mp_read_str(DEMOTION, was, sizeof(was)));
	MP_OK(mp_write_str(DEMOTION, "1"));

	/* DRAM: node 1 is no demotion target, reclaim keeps the pages. */
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->dev_size,
			      &(struct mp_add_opts){ .has_node = true,
						     .node = 1,
						     .tier = MEMPLUG_TIER_DRAM },
			      &r, &ack), ack);
	for (i = 0; i < nblk; i++)
		MP_OK(mp_block_set(e->dev_block + i, "online_movable"));
	reclaim_in_cgroup(_metadata, DEMOTE_BYTES, &demoted, &on1);
	TH_LOG("tier dram: %lld pages demoted, %ld of the task's on node 1",
	       demoted, on1);
	ASSERT_EQ(0, demoted);
	ASSERT_EQ(0, on1);
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);

	/* Slow (AUTO): the task's pages move to node 1, intact. */
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->dev_size,
			      &(struct mp_add_opts){ .has_node = true,
						     .node = 1 },
			      &r, &ack), ack);
	for (i = 0; i < nblk; i++)
		MP_OK(mp_block_set(e->dev_block + i, "online_movable"));
	reclaim_in_cgroup(_metadata, DEMOTE_BYTES, &demoted, &on1);
	TH_LOG("tier auto: %lld pages demoted, %ld of the task's on node 1",
	       demoted, on1);
	ASSERT_GT(demoted, 0);
	ASSERT_GT(on1, (long)(DEMOTE_BYTES / 4096 / 2))
	TH_LOG("only %ld of %zu pages were demoted", on1,
	       (size_t)(DEMOTE_BYTES / 4096));
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	MP_OK(mp_write_str(DEMOTION, was));
	rmdir(CG);
}

/* memplugctl @cmd --json, compacted, into @out. */
static void ctl_json(struct __test_metadata *_metadata, struct mp_run *run,
		     char *out, size_t len, const char *cmd)
{
	MP_OK(mp_run_ctl(run, 120, cmd, "--json", NULL));
	ASSERT_EQ(0, run->status) TH_LOG("%s: %s", cmd, run->err);
	mp_json_compact(run->out, out, len);
}

/*
 * memplugctl plugs onto node 1 with the default tier and shows what the
 * kernel shows: tiers, status and list agree with sysfs and STATUS_GET.
 */
TEST_F_TIMEOUT(tier, memplugctl_shows_the_tiers, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	char start[32], size[32], want[256], *j;
	uint32_t adist = auto_adist(), t = adist >> CHUNK_BITS;
	long long id;
	struct mp_run *run;

	MP_NEED_DEVICE();
	run = calloc(1, sizeof(*run));
	j = malloc(MP_RUN_OUT);
	ASSERT_NE(NULL, run);
	ASSERT_NE(NULL, j);
	snprintf(start, sizeof(start), "%#" PRIx64, e->dev_start);
	snprintf(size, sizeof(size), "%" PRIu64, 2 * e->bs);
	MP_OK(mp_run_ctl(run, 120, "plug", "--start", start, "--size", size,
			 "--node", "1", "--json", NULL));
	ASSERT_EQ(0, run->status) TH_LOG("plug: %s", run->err);
	mp_json_compact(run->out, j, MP_RUN_OUT);
	ASSERT_TRUE(mp_json_int(j, "id", &id));
	snprintf(want, sizeof(want),
		 "\"tier\":\"auto\",\"node_tier\":%u,\"adistance\":%u", t, adist);
	ASSERT_NE(NULL, strstr(j, want)) TH_LOG("plug --json: %s", j);
	ASSERT_EQ((int)t, node_tier(1));

	MP_OK(mp_run_ctl(run, 120, "tiers", NULL));
	TH_LOG("memplugctl tiers:\n%s", run->out);
	ASSERT_EQ(0, run->status);
	ctl_json(_metadata, run, j, MP_RUN_OUT, "tiers");
	ASSERT_NE(NULL, strstr(j, "{\"tier\":4,\"adistance_min\":512,\"adistance_max\":639,\"nodes\":[0],\"memplug\":[]}"))
	TH_LOG("tiers --json: %s", j);
	snprintf(want, sizeof(want),
		 "{\"tier\":%u,\"adistance_min\":%u,\"adistance_max\":%u,\"nodes\":[1],\"memplug\":[{\"node\":1,\"adistance\":%u}]}",
		 t, t << CHUNK_BITS, ((t + 1) << CHUNK_BITS) - 1, adist);
	ASSERT_NE(NULL, strstr(j, want)) TH_LOG("tiers --json: %s", j);

	ctl_json(_metadata, run, j, MP_RUN_OUT, "status");
	snprintf(want, sizeof(want),
		 "\"tier\":%u,\"adistance\":%u,\"memplug_ranges\":1}", t, adist);
	ASSERT_NE(NULL, strstr(j, want)) TH_LOG("status --json: %s", j);
	ctl_json(_metadata, run, j, MP_RUN_OUT, "list");
	snprintf(want, sizeof(want),
		 "\"tier\":\"auto\",\"node_tier\":%u,\"adistance\":%u", t, adist);
	ASSERT_NE(NULL, strstr(j, want)) TH_LOG("list --json: %s", j);
	MP_OK(mp_run_ctl(run, 120, "list", NULL));
	TH_LOG("memplugctl list:\n%s", run->out);

	/* Another tier on the node: the kernel's reason, nothing plugged. */
	snprintf(start, sizeof(start), "%#" PRIx64, e->dev_start + 2 * e->bs);
	snprintf(size, sizeof(size), "%" PRIu64, e->bs);
	MP_OK(mp_run_ctl(run, 120, "plug", "--start", start, "--size", size,
			 "--node", "1", "--tier", "dram", NULL));
	TH_LOG("plug --tier dram: exit %d, %s", run->status, run->err);
	ASSERT_NE(0, run->status);
	ASSERT_NE(NULL, strstr(run->err, MSG_OTHER_TYPE));

	snprintf(want, sizeof(want), "%lld", id);
	MP_OK(mp_run_ctl(run, 120, "unplug", want, NULL));
	ASSERT_EQ(0, run->status) TH_LOG("unplug: %s", run->err);
	ASSERT_EQ(-1, node_tier(1));
	ctl_json(_metadata, run, j, MP_RUN_OUT, "tiers");
	snprintf(want, sizeof(want), "\"tier\":%u,", t);
	ASSERT_EQ(NULL, strstr(j, want)) TH_LOG("%s", j);
	free(j);
	free(run);
}

TEST_F_TIMEOUT(tier, rmmod_leaves_no_memory_type, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	uint32_t id;

	MP_NEED_DEVICE();
	id = plug_and_see(_metadata, e, MEMPLUG_TIER_SLOW, 0, ADIST_SLOW);
	unplug_cleared(_metadata, e, id);
	MP_OK(mp_memplug_reload(&e->c, mp_ko_params()));
	/* A type left behind would keep node 1 slow: DRAM proves it is not. */
	id = plug_and_see(_metadata, e, MEMPLUG_TIER_DRAM, 0, ADIST_DRAM);
	ASSERT_EQ(node_tier(0), node_tier(1));
	unplug_cleared(_metadata, e, id);
}

TEST_HARNESS_MAIN
