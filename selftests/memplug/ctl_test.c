// SPDX-License-Identifier: GPL-2.0
/*
 * ctl_test: memplugctl, the controller, as an administrator uses it: plug
 * and unplug with the effect checked where a user sees it (MemTotal,
 * /proc/iomem, sysfs, and the module's own view over raw netlink), its
 * JSON output, and its exit codes and error messages:
 *   0 ok, 1 failed and nothing changed, 2 usage, 3 module absent,
 *   4 permission denied, 5 busy or timed out;
 * errors on stderr as "memplugctl: <what>: <kernel text> (<ERRNO>)".
 *
 * The controller is part of the product: MEMPLUGCTL (default
 * /usr/bin/memplugctl) missing is a failure, not a skip.
 */
#include <unistd.h>

#include "memplug_test.h"
#include "ctl.h"

FIXTURE(ctl) {
	struct mp_env e;
	const char *ctl;
	char start[32]; /* the device start as the controller takes it */
};

FIXTURE_SETUP(ctl)
{
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	self->ctl = mp_ctl_path();
	snprintf(self->start, sizeof(self->start), "0x%" PRIx64,
		 self->e.dev_start);
}

FIXTURE_TEARDOWN(ctl)
{
	mp_env_teardown(&self->e);
	if (!mp_module_loaded("memplug"))
		mp_insmod(mp_ko_path(), mp_ko_params());
}

/*
 * Plug @size through the controller with @online ("movable", "kernel",
 * "none", or NULL for the default), check every user-visible effect and
 * the controller's list and blocks output, then unplug through it.
 */
static void ctl_cycle(struct __test_metadata *_metadata,
		      FIXTURE_DATA(ctl) *self, const char *size_arg,
		      uint64_t size, const char *online)
{
	struct mp_env *e = &self->e;
	unsigned int nblk = size / e->bs, first = e->dev_block, i;
	bool on = !online || strcmp(online, "none");
	char needle[160], zone[64] = "";
	struct mp_run *run = malloc(sizeof(*run));
	struct mp_range g;
	struct mp_ack ack;
	long long mt0, id;
	char *io0, *io, *j;

	ASSERT_NE(NULL, run);
	mt0 = mp_memtotal_kb();
	io0 = mp_iomem();
	ASSERT_NE(NULL, io0);

	if (online)
		CTL(run, "plug", "--start", self->start, "--size", size_arg,
		    "--online", online, "--name", "ctl-selftest", "--json");
	else
		CTL(run, "plug", "--start", self->start, "--size", size_arg,
		    "--name", "ctl-selftest", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	ASSERT_TRUE(mp_json_int(j, "id", &id)) TH_LOG("no id in %s", j);
	free(j);

	/* What the kernel and sysfs say. */
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	MP_IOMEM_PLUGGED(io, 1, e->dev_start, size, id);
	free(io);
	MP_NL_OK(mp_range_get(&e->c, id, &g, &ack), ack);
	ASSERT_EQ(e->dev_start, g.start);
	ASSERT_EQ(size, g.size);
	ASSERT_STREQ("ctl-selftest", g.name);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGED, g.state);
	ASSERT_EQ(on ? nblk : 0, g.blocks_online);
	ASSERT_EQ(mt0 + (on ? MP_KB(size) : 0), mp_memtotal_kb());
	for (i = 0; i < nblk; i++) {
		char zones[64];

		MP_BLOCK_STATE(first + i, on ? "online" : "offline");
		if (!on)
			continue;
		MP_OK(mp_block_zones(first + i, zones, sizeof(zones)));
		if (!online || !strcmp(online, "movable")) {
			ASSERT_STREQ("Movable", zones);
		} else if (!strcmp(online, "kernel")) {
			ASSERT_STRNE("Movable", zones);
		}
		if (!i) {
			snprintf(zone, sizeof(zone), "%s", zones);
		} else {
			ASSERT_STREQ(zone, zones);
		}
	}

	/* What the controller says. */
	CTL(run, "list", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	ASSERT_EQ(1, mp_json_count_num(j, "id", id)) TH_LOG("%s", j);
	snprintf(needle, sizeof(needle), "\"start\":\"%s\"", self->start);
	JSON_HAS(j, needle);
	ASSERT_EQ(1, mp_json_count_num(j, "size", size));
	ASSERT_EQ(1, mp_json_count_num(j, "online_blocks", on ? nblk : 0));
	ASSERT_EQ(1, mp_json_count_num(j, "total_blocks", nblk));
	JSON_HAS(j, "\"name\":\"ctl-selftest\"");
	JSON_HAS(j, "\"plugged_by\":\"memplugctl[");
	if (on) {
		JSON_HAS(j, "\"state\":\"online\"");
	}
	ASSERT_EQ(1, mp_json_count(j, "\"id\":"));
	free(j);

	CTL(run, "blocks", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	ASSERT_EQ(nblk, mp_json_count(j, "\"block\":"));
	for (i = 0; i < nblk; i++) {
		ASSERT_EQ(1, mp_json_count_num(j, "block", first + i))
		TH_LOG("block %u in %s", first + i, j);
	}
	ASSERT_EQ(nblk, mp_json_count_num(j, "range", id));
	ASSERT_EQ(nblk, mp_json_count_num(j, "size", e->bs));
	ASSERT_EQ(nblk, mp_json_count(j, on ? "\"state\":\"online\"" :
					       "\"state\":\"offline\""));
	if (on) {
		snprintf(needle, sizeof(needle), "\"zone\":\"%s\"", zone);
		ASSERT_EQ(nblk, mp_json_count(j, needle)) TH_LOG("%s", j);
	}
	free(j);

	/* Unplug: back to where we started. */
	snprintf(needle, sizeof(needle), "%lld", id);
	CTL(run, "unplug", needle);
	EXIT_IS(run, 0);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	ASSERT_STREQ(io0, io);
	free(io);
	free(io0);
	for (i = 0; i < nblk; i++)
		MP_BLOCK_GONE(first + i);
	CTL(run, "list", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	JSON_HAS(j, "\"ranges\":[]");
	free(j);
	free(run);
}

TEST_F_TIMEOUT(ctl, plug_unplug_256m, MP_TIMEOUT)
{
	MP_NEED_DEVICE();
	NEED_CTL();
	ctl_cycle(_metadata, self, "256M", MP_MIB(256), NULL);
}

TEST_F_TIMEOUT(ctl, plug_unplug_1g, MP_TIMEOUT)
{
	MP_NEED_DEVICE();
	NEED_CTL();
	ctl_cycle(_metadata, self, "1G", MP_GIB(1), NULL);
}

TEST_F_TIMEOUT(ctl, online_none, MP_TIMEOUT)
{
	MP_NEED_DEVICE();
	NEED_CTL();
	ctl_cycle(_metadata, self, "256M", MP_MIB(256), "none");
}

TEST_F_TIMEOUT(ctl, online_kernel, MP_TIMEOUT)
{
	MP_NEED_DEVICE();
	NEED_CTL();
	ctl_cycle(_metadata, self, "256M", MP_MIB(256), "kernel");
}

TEST_F_TIMEOUT(ctl, online_movable, MP_TIMEOUT)
{
	MP_NEED_DEVICE();
	NEED_CTL();
	ctl_cycle(_metadata, self, "256M", MP_MIB(256), "movable");
}

/* status agrees with the module; unprivileged it works without addresses. */
TEST_F(ctl, status)
{
	struct mp_run *run = malloc(sizeof(*run));
	char version[64], needle[128];
	char *j;

	NEED_CTL();
	ASSERT_NE(NULL, run);
	MP_OK(mp_read_str("/sys/module/memplug/version", version,
			  sizeof(version)));
	CTL(run, "status", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	snprintf(needle, sizeof(needle), "\"version\":\"%s\"", version);
	JSON_HAS(j, needle);
	ASSERT_EQ(1, mp_json_count_num(j, "block_size", self->e.bs));
	JSON_HAS(j, "\"pluggable_start\":\"0x");
	free(j);

	CTL(run, "status");
	EXIT_IS(run, 0);
	ASSERT_NE(NULL, strstr(run->out, version));

	CTL_NOBODY(run, "status", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	JSON_HAS(j, needle);
	ASSERT_EQ(NULL, strstr(j, "\"pluggable_start\":\"0x")) TH_LOG("%s", j);
	free(j);
	free(run);
}

/*
 * status shows the module's and the controller's versions and protocols;
 * built from one tree they match, so there is no warning.
 */
TEST_F(ctl, status_versions)
{
	struct mp_run *run = malloc(sizeof(*run));
	char version[64], needle[160];
	char *j;

	NEED_CTL();
	ASSERT_NE(NULL, run);
	MP_OK(mp_read_str("/sys/module/memplug/version", version,
			  sizeof(version)));
	CTL(run, "status", "--json");
	EXIT_IS(run, 0);
	ASSERT_STREQ("", run->err);
	j = json_of(run);
	snprintf(needle, sizeof(needle), "\"controller_version\":\"%s\"",
		 version);
	JSON_HAS(j, needle);
	ASSERT_EQ(1, mp_json_count_num(j, "protocol", MEMPLUG_FAMILY_VERSION));
	ASSERT_EQ(1, mp_json_count_num(j, "controller_protocol",
				       MEMPLUG_FAMILY_VERSION));
	ASSERT_TRUE(json_null(j, "version_warning")) TH_LOG("%s", j);
	free(j);

	CTL(run, "status");
	EXIT_IS(run, 0);
	ASSERT_STREQ("", run->err);
	snprintf(needle, sizeof(needle), "version:          %s, protocol %d\n",
		 version, MEMPLUG_FAMILY_VERSION);
	ASSERT_NE(NULL, strstr(run->out, needle)) TH_LOG("%s", run->out);
	snprintf(needle, sizeof(needle), "memplugctl:       %s, protocol %d\n",
		 version, MEMPLUG_FAMILY_VERSION);
	ASSERT_NE(NULL, strstr(run->out, needle)) TH_LOG("%s", run->out);
	free(run);
}

/* Count the lines of @text that start with @prefix. */
static int count_lines(const char *text, const char *prefix)
{
	const char *p = text;
	int n = 0;

	while (p && *p) {
		if (!strncmp(p, prefix, strlen(prefix)))
			n++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

/*
 * -v plug --size 0.5GiB: 512 MiB plugged, each step on stderr (the add,
 * one line per block onlined, the commit), the usual result on stdout;
 * -v unplug tells the removal.
 */
TEST_F_TIMEOUT(ctl, verbose_plug_half_gib, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_run *run = malloc(sizeof(*run));
	unsigned int nblk = MP_MIB(512) / e->bs;
	char needle[160], idbuf[16];
	struct mp_range g;
	struct mp_ack ack;
	long long mt0, id;
	const char *p;

	NEED_CTL();
	MP_NEED_DEVICE();
	ASSERT_NE(NULL, run);
	mt0 = mp_memtotal_kb();
	CTL(run, "-v", "plug", "--start", self->start, "--size", "0.5GiB",
	    "--name", "verbose");
	EXIT_IS(run, 0);
	ASSERT_EQ(0, strncmp(run->out, "plugged range ", 14))
	TH_LOG("stdout '%s'", run->out);
	id = strtoll(run->out + 14, NULL, 10);
	ASSERT_NE(NULL, strstr(run->out, "(512M)")) TH_LOG("%s", run->out);
	MP_NL_OK(mp_range_get(&e->c, id, &g, &ack), ack);
	ASSERT_EQ(MP_MIB(512), g.size);
	ASSERT_EQ(mt0 + MP_KB(MP_MIB(512)), mp_memtotal_kb());

	/* Every line of stderr is a step, none a warning. */
	ASSERT_EQ(count_lines(run->err, ""),
		  count_lines(run->err, "memplugctl: step: "))
	TH_LOG("stderr '%s'", run->err);
	snprintf(needle, sizeof(needle),
		 "memplugctl: step: add requested: %s+512M\n", self->start);
	ASSERT_NE(NULL, strstr(run->err, needle)) TH_LOG("%s", run->err);
	ASSERT_EQ(nblk, count_lines(run->err,
				    "memplugctl: step: onlined memory block "))
	TH_LOG("%s", run->err);
	ASSERT_EQ(nblk, count_lines(run->err, "") - 5) TH_LOG("%s", run->err);
	ASSERT_NE(NULL, strstr(run->err, "zone Movable")) TH_LOG("%s", run->err);
	snprintf(needle, sizeof(needle), "memplugctl: step: committed: range %lld\n",
		 id);
	p = strstr(run->err, needle);
	ASSERT_NE(NULL, p) TH_LOG("%s", run->err);
	/* The commit comes last. */
	ASSERT_EQ('\0', p[strlen(needle)]) TH_LOG("%s", run->err);

	snprintf(idbuf, sizeof(idbuf), "%lld", id);
	CTL(run, "-v", "unplug", idbuf);
	EXIT_IS(run, 0);
	ASSERT_EQ(0, strncmp(run->out, "unplugged range ", 16))
	TH_LOG("stdout '%s'", run->out);
	snprintf(needle, sizeof(needle), "memplugctl: step: remove requested: range %lld\n",
		 id);
	ASSERT_NE(NULL, strstr(run->err, needle)) TH_LOG("%s", run->err);
	ASSERT_EQ(nblk, count_lines(run->err,
				    "memplugctl: step: offlined memory block "))
	TH_LOG("%s", run->err);
	snprintf(needle, sizeof(needle), "memplugctl: step: removed: range %lld\n",
		 id);
	ASSERT_NE(NULL, strstr(run->err, needle)) TH_LOG("%s", run->err);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	free(run);
}

/* Malformed command lines: exit 2, nothing sent, nothing changed. */
TEST_F(ctl, usage_error)
{
	struct mp_run *run = malloc(sizeof(*run));
	struct mp_snap before;

	NEED_CTL();
	ASSERT_NE(NULL, run);
	MP_OK(mp_snap_take(&self->e.c, &before));

	CTL(run, "frobnicate");
	EXIT_IS(run, 2);
	ASSERT_NE('\0', run->err[0]);
	CTL(run, "plug", "--size", "256M");
	EXIT_IS(run, 2);
	ASSERT_NE(NULL, strstr(run->err, "--start")) TH_LOG("%s", run->err);
	CTL(run, "plug", "--start", self->start);
	EXIT_IS(run, 2);
	ASSERT_NE(NULL, strstr(run->err, "--size")) TH_LOG("%s", run->err);
	CTL(run, "plug", "--start", self->start, "--size", "3X");
	EXIT_IS(run, 2);
	CTL(run, "plug", "--start", self->start, "--size", "1.3K");
	EXIT_IS(run, 2);
	ASSERT_NE(NULL, strstr(run->err, "not a whole number of bytes"))
	TH_LOG("%s", run->err);
	CTL(run, "plug", "--start", self->start, "--size", "1GB");
	EXIT_IS(run, 2);
	ASSERT_NE(NULL, strstr(run->err, "GiB or G")) TH_LOG("%s", run->err);
	CTL(run, "plug", "--start", "zero", "--size", "256M");
	EXIT_IS(run, 2);
	CTL(run, "plug", "--start", self->start, "--size", "256M", "--online",
	    "sideways");
	EXIT_IS(run, 2);
	CTL(run, "plug", "--start", self->start, "--size", "256M", "--online",
	    "movable", "--zone", "kernel");
	EXIT_IS(run, 2);
	CTL(run, "unplug");
	EXIT_IS(run, 2);
	CTL(run, "unplug", "one");
	EXIT_IS(run, 2);
	CTL(run, "unplug", "1", "--timeout", "soon");
	EXIT_IS(run, 2);

	MP_UNCHANGED(&self->e.c, &before);
	mp_snap_free(&before);
	free(run);
}

/* Without the module: exit 3 for every command, with a clear message. */
TEST_F(ctl, module_absent)
{
	struct mp_run *run = malloc(sizeof(*run));
	long long mt0 = mp_memtotal_kb();
	int rc;

	NEED_CTL();
	ASSERT_NE(NULL, run);
	mp_close(&self->e.c);
	rc = mp_rmmod("memplug");
	ASSERT_EQ(0, rc) TH_LOG("rmmod memplug: %s", strerror(-rc));

	CTL(run, "status");
	EXIT_IS(run, 3);
	STDERR_HAS(run, "memplug");
	CTL(run, "list", "--json");
	EXIT_IS(run, 3);
	STDERR_HAS(run, "memplug");
	CTL(run, "plug", "--start", self->start, "--size", "256M");
	EXIT_IS(run, 3);
	STDERR_HAS(run, "memplug");
	CTL(run, "unplug", "1");
	EXIT_IS(run, 3);
	ASSERT_FALSE(mp_module_loaded("memplug"));
	ASSERT_EQ(mt0, mp_memtotal_kb());

	MP_OK(mp_insmod(mp_ko_path(), mp_ko_params()));
	MP_OK(mp_open(&self->e.c));
	free(run);
}

/* Unprivileged: exit 4 with EPERM, the root-plugged range untouched. */
TEST_F_TIMEOUT(ctl, permission_denied, MP_TIMEOUT)
{
	struct mp_run *run = malloc(sizeof(*run));
	struct mp_env *e = &self->e;
	struct mp_snap before;
	struct mp_range r;
	struct mp_ack ack;
	char id[16], other[32];

	MP_NEED_DEVICE();
	NEED_CTL();
	ASSERT_NE(NULL, run);
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), NULL, &r, &ack),
		 ack);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	MP_OK(mp_snap_take(&e->c, &before));
	snprintf(id, sizeof(id), "%u", r.id);
	snprintf(other, sizeof(other), "0x%" PRIx64, e->dev_start + MP_MIB(512));

	CTL_NOBODY(run, "plug", "--start", other, "--size", "256M");
	EXIT_IS(run, 4);
	STDERR_HAS(run, "(EPERM)");
	CTL_NOBODY(run, "unplug", id);
	EXIT_IS(run, 4);
	STDERR_HAS(run, "(EPERM)");
	CTL_NOBODY(run, "list");
	EXIT_IS(run, 4);
	STDERR_HAS(run, "(EPERM)");
	CTL_NOBODY(run, "blocks", "--json");
	EXIT_IS(run, 4);
	STDERR_HAS(run, "(EPERM)");

	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);
	MP_NL_OK(mp_range_get(&e->c, r.id, NULL, &ack), ack);
	free(run);
}

/* A whole System RAM block of /proc/iomem, as "0x..." for --start. */
static bool ram_block(const struct mp_env *e, char *buf, size_t len)
{
	char *iomem = mp_iomem(), *line, *save;
	bool found = false;

	if (!iomem)
		return false;
	for (line = strtok_r(iomem, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long s, end, a;

		if (line[0] == ' ' || !strstr(line, " : System RAM") ||
		    sscanf(line, "%llx-%llx", &s, &end) != 2)
			continue;
		a = (s + e->bs - 1) / e->bs * e->bs;
		if (a + e->bs - 1 <= end) {
			snprintf(buf, len, "0x%llx", a);
			found = true;
		}
	}
	free(iomem);
	return found;
}

/*
 * Refusals by the kernel: exit 1, the kernel's text and errno on stderr,
 * and nothing changed.
 */
TEST_F_TIMEOUT(ctl, kernel_refusal, MP_TIMEOUT)
{
	struct mp_run *run = malloc(sizeof(*run));
	struct mp_env *e = &self->e;
	char ram[32], unaligned[32], bs[32];
	struct mp_snap before;
	struct mp_range g;
	struct mp_ack ack;
	long long id;
	char *j;

	MP_NEED_DEVICE();
	NEED_CTL();
	ASSERT_NE(NULL, run);
	ASSERT_TRUE(ram_block(e, ram, sizeof(ram)));
	snprintf(bs, sizeof(bs), "%" PRIu64, e->bs);

	MP_OK(mp_snap_take(&e->c, &before));
	CTL(run, "plug", "--start", ram, "--size", bs);
	EXIT_IS(run, 1);
	STDERR_HAS(run, ": memplug: range overlaps System RAM (EEXIST)");
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);

	snprintf(unaligned, sizeof(unaligned), "0x%" PRIx64,
		 e->dev_start + 4096);
	MP_OK(mp_snap_take(&e->c, &before));
	CTL(run, "plug", "--start", unaligned, "--size", "256M");
	EXIT_IS(run, 1);
	STDERR_HAS(run, "(EINVAL)");
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);

	MP_OK(mp_snap_take(&e->c, &before));
	CTL(run, "unplug", "4000000000");
	EXIT_IS(run, 1);
	STDERR_HAS(run, ": no range with this id (ENOENT)");
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);

	/* Overlap with a range the controller plugged itself. */
	CTL(run, "plug", "--start", self->start, "--size", "256M", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	ASSERT_TRUE(mp_json_int(j, "id", &id));
	free(j);
	MP_OK(mp_snap_take(&e->c, &before));
	CTL(run, "plug", "--start", self->start, "--size", "512M");
	EXIT_IS(run, 1);
	STDERR_HAS(run,
		   ": memplug: range overlaps an existing memplug range (EEXIST)");
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);
	MP_NL_OK(mp_range_get(&e->c, id, &g, &ack), ack);
	ASSERT_EQ(2, g.blocks_online);
	free(run);
}

/*
 * Memory that nothing in /proc/iomem describes: refused in the kernel's
 * words, and plugged with --force. It is never onlined (--online none):
 * nothing is behind those addresses.
 */
TEST_F_TIMEOUT(ctl, force_outside_device_regions, MP_TIMEOUT)
{
	struct mp_run *run = malloc(sizeof(*run));
	struct mp_env *e = &self->e;
	char start[32], bs[32], ids[32];
	struct mp_snap before;
	uint64_t hole;
	long long id;
	char *j;

	MP_NEED_DEVICE();
	NEED_CTL();
	ASSERT_NE(NULL, run);
	hole = mp_iomem_hole(e->dev_start + e->dev_size, e->bs, e->bs);
	ASSERT_NE(0, hole);
	snprintf(start, sizeof(start), "0x%" PRIx64, hole);
	snprintf(bs, sizeof(bs), "%" PRIu64, e->bs);

	MP_OK(mp_snap_take(&e->c, &before));
	CTL(run, "plug", "--start", start, "--size", bs);
	EXIT_IS(run, 1);
	STDERR_HAS(run,
		   ": memplug: nothing in /proc/iomem describes this range as memory; use --force only if you know RAM backs it (ENXIO)");
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);

	CTL(run, "plug", "--start", start, "--size", bs, "--force", "--online",
	    "none", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	ASSERT_TRUE(mp_json_int(j, "id", &id));
	free(j);
	MP_BLOCK_STATE(hole / e->bs, "offline");
	snprintf(ids, sizeof(ids), "%lld", id);
	CTL(run, "unplug", ids);
	EXIT_IS(run, 0);
	MP_BLOCK_GONE(hole / e->bs);
	free(run);
}

#define INJECT_DIR "/sys/kernel/debug/notifier-error-inject/memory/actions"

static bool have_inject(void)
{
	const char *modprobe[] = { NULL, "memory-notifier-error-inject", NULL };
	struct mp_run *run;
	char path[256];

	if (mp_path_exists(INJECT_DIR))
		return true;
	modprobe[0] = mp_which("modprobe", path, sizeof(path));
	run = malloc(sizeof(*run));
	if (modprobe[0] && run)
		mp_run(run, 30, modprobe);
	free(run);
	return mp_path_exists(INJECT_DIR);
}

/*
 * Busy: another driver's resource in the way (EBUSY from the kernel), and
 * an unplug the kernel cannot finish: exit 5, nothing changed.
 */
TEST_F_TIMEOUT(ctl, busy, MP_TIMEOUT)
{
	struct mp_run *run = malloc(sizeof(*run));
	struct mp_env *e = &self->e;
	char ko[512], params[128], id[16];
	struct mp_snap before;
	struct mp_range r, g;
	struct mp_ack ack;

	MP_NEED_DEVICE();
	NEED_CTL();
	ASSERT_NE(NULL, run);
	snprintf(ko, sizeof(ko), "%s/memplug_test_claim.ko", mp_test_modules());
	snprintf(params, sizeof(params), "start=0x%" PRIx64 " size=0x1000",
		 e->dev_start + e->bs);
	MP_OK(mp_insmod(ko, params));
	MP_OK(mp_snap_take(&e->c, &before));
	CTL(run, "plug", "--start", self->start, "--size", "256M");
	EXIT_IS(run, 5);
	STDERR_HAS(run,
		   ": memplug: range overlaps a busy resource claimed by another driver (EBUSY)");
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);
	MP_OK(mp_rmmod("memplug_test_claim"));

	if (!have_inject())
		SKIP(return, "memory-notifier-error-inject is not available");
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), NULL, &r, &ack),
		 ack);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	MP_OK(mp_block_set(e->dev_block + 1, "online_movable"));
	snprintf(id, sizeof(id), "%u", r.id);
	MP_OK(mp_write_str(INJECT_DIR "/MEM_GOING_OFFLINE/error", "-16"));
	MP_OK(mp_snap_take(&e->c, &before));
	CTL(run, "unplug", id);
	mp_inject_reset();
	EXIT_IS(run, 5);
	STDERR_HAS(run, "(EBUSY)");
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(2, g.blocks_online);

	CTL(run, "unplug", id);
	EXIT_IS(run, 0);
	MP_BLOCK_GONE(e->dev_block);
	free(run);
}

/*
 * A plug whose onlining fails half way is rolled back: exit 1 and nothing
 * left behind (memory-notifier-error-inject vetoes MEM_GOING_ONLINE).
 */
TEST_F_TIMEOUT(ctl, failed_online_rolled_back, MP_TIMEOUT)
{
	struct mp_run *run = malloc(sizeof(*run));
	struct mp_env *e = &self->e;
	struct mp_snap before;

	MP_NEED_DEVICE();
	NEED_CTL();
	ASSERT_NE(NULL, run);
	if (!have_inject())
		SKIP(return, "memory-notifier-error-inject is not available");
	MP_OK(mp_snap_take(&e->c, &before));
	MP_OK(mp_write_str(INJECT_DIR "/MEM_GOING_ONLINE/error", "-16"));
	CTL(run, "plug", "--start", self->start, "--size", "256M");
	mp_inject_reset();
	EXIT_IS(run, 1);
	STDERR_HAS(run, "memplugctl: ");
	/* Plugged and removed again: only the counters show it. */
	MP_SAME(&e->c, &before, false);
	mp_snap_free(&before);
	MP_BLOCK_GONE(e->dev_block);
	free(run);
}

TEST_HARNESS_MAIN
