// SPDX-License-Identifier: GPL-2.0
/*
 * apply_test: memplugctl apply, the ranges a machine keeps plugged across
 * reboots, from a configuration directory of one *.conf file per range.
 * Two ranges of the device, one named by start and size and one by its
 * /proc/iomem description: apply plugs both (/proc/iomem, MemTotal, list);
 * again it changes nothing (no event, all "keep"); a changed file differs
 * until --prune plugs the range again as configured; a removed file's
 * range is "extra" until --prune unplugs it; --dry-run changes nothing;
 * a bad file is refused with its name and line (exit 2) and nothing
 * changes.
 */
#include <dirent.h>
#include <unistd.h>

#include "memplug_test.h"
#include "ctl.h"

FIXTURE(apply) {
	struct mp_env e;
	const char *ctl;
	char dir[64]; /* the configuration directory */
};

FIXTURE_SETUP(apply)
{
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	self->ctl = mp_ctl_path();
	snprintf(self->dir, sizeof(self->dir), "/tmp/apply_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN(apply)
{
	DIR *d = opendir(self->dir);
	struct dirent *de;
	char path[320];

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", self->dir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(self->dir);
	mp_env_teardown(&self->e);
}

/* Writes @text to the file @name of the configuration directory. */
static int conf(FIXTURE_DATA(apply) *self, const char *name, const char *text)
{
	char path[320];

	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", self->dir, name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	rc = fputs(text, f) < 0 ? -EIO : 0;
	if (fclose(f) && !rc)
		rc = -errno;
	return rc;
}

static void unconf(FIXTURE_DATA(apply) *self, const char *name)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/%s", self->dir, name);
	unlink(path);
}

static uint64_t event_seq(struct __test_metadata *_metadata,
			  FIXTURE_DATA(apply) *self)
{
	struct mp_status st;
	struct mp_ack ack;

	memset(&st, 0, sizeof(st));
	EXPECT_EQ(0, mp_status_get(&self->e.c, &st, &ack));
	return st.event_seq;
}

/* The number of lines of @text, and whether each starts with @word. */
static int lines_all(const char *text, const char *word, bool *all)
{
	const char *p = text;
	int n = 0;

	*all = true;
	while (*p) {
		if (strncmp(p, word, strlen(word)))
			*all = false;
		n++;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return n;
}

/* apply changes nothing a user sees, nor sends an event; prints @lines lines of @word. */
#define APPLY_NOOP(run, self, word, lines, code, ...)                         \
	do {                                                                  \
		struct mp_snap __before;                                      \
		uint64_t __seq = event_seq(_metadata, (self));                \
		bool __all;                                                   \
		MP_OK(mp_snap_take(&(self)->e.c, &__before));                 \
		CTL(run, "apply", "--config-dir", (self)->dir, ##__VA_ARGS__); \
		EXIT_IS(run, code);                                           \
		ASSERT_EQ(lines, lines_all((run)->out, word, &__all))         \
		TH_LOG("stdout '%s'", (run)->out);                            \
		if (!strcmp(word, "keep ")) {                                 \
			ASSERT_TRUE(__all) TH_LOG("stdout '%s'", (run)->out); \
		}                                                             \
		MP_UNCHANGED(&(self)->e.c, &__before);                        \
		mp_snap_free(&__before);                                      \
		ASSERT_EQ(__seq, event_seq(_metadata, (self)));               \
	} while (0)

#define OUT_HAS(run, text)                                                    \
	ASSERT_NE(NULL, strstr((run)->out, (text)))                           \
	TH_LOG("no '%s' in stdout '%s'", (text), (run)->out)

TEST_F_TIMEOUT(apply, configure_apply_prune, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	uint64_t size = 2 * e->bs, upper = e->dev_start + 4 * e->bs;
	unsigned int i, upper_blk = e->dev_block + 4;
	struct mp_run *run = malloc(sizeof(*run));
	long long mt0, id_dev = -1, id_upper = -1, id;
	char text[256], obj[4096], name[64], line[160];
	const char *pos;
	char *io0, *io, *j;

	ASSERT_NE(NULL, run);
	MP_NEED_DEVICE();
	NEED_CTL();
	ASSERT_LE(6 * e->bs, e->dev_size);
	mt0 = mp_memtotal_kb();
	io0 = mp_iomem();
	ASSERT_NE(NULL, io0);

	/* Two ranges: the device's first two blocks by description, two more by address. */
	snprintf(text, sizeof(text),
		 "# the device's first blocks\niomem = Persistent Memory (legacy)\n"
		 "index = 0\nsize = 0x%" PRIx64 "\n", size);
	MP_OK(conf(self, "10-dev.conf", text));
	snprintf(text, sizeof(text), "start = 0x%" PRIx64 "\nsize = %" PRIu64
		 "M\nonline = movable\n", upper, size >> 20);
	MP_OK(conf(self, "20-upper.conf", text));
	MP_OK(conf(self, "README", "not a configuration file\n"));

	CTL(run, "apply", "--config-dir", self->dir, "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	JSON_HAS(j, "\"dry_run\":false");
	ASSERT_EQ(2, mp_json_count(j, "\"action\":\"plug\"")) TH_LOG("%s", j);
	ASSERT_EQ(2, mp_json_count(j, "\"result\":\"done\"")) TH_LOG("%s", j);
	pos = strstr(j, "\"actions\":[");
	ASSERT_NE(NULL, pos) TH_LOG("%s", j);
	pos += strlen("\"actions\":[");
	while (json_next_object(&pos, obj, sizeof(obj))) {
		ASSERT_EQ(1, json_str(obj, "name", name, sizeof(name)));
		ASSERT_TRUE(mp_json_int(obj, "range", &id)) TH_LOG("%s", obj);
		if (!strcmp(name, "10-dev"))
			id_dev = id;
		else if (!strcmp(name, "20-upper"))
			id_upper = id;
	}
	free(j);
	ASSERT_LE(0, id_dev);
	ASSERT_LE(0, id_upper);

	io = mp_iomem();
	ASSERT_NE(NULL, io);
	MP_IOMEM_PLUGGED(io, 1, e->dev_start, size, id_dev);
	MP_IOMEM_PLUGGED(io, 1, upper, size, id_upper);
	free(io);
	ASSERT_EQ(mt0 + MP_KB(2 * size), mp_memtotal_kb());
	CTL(run, "list", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	ASSERT_EQ(2, mp_json_count(j, "\"id\":"));
	JSON_HAS(j, "\"name\":\"10-dev\"");
	JSON_HAS(j, "\"name\":\"20-upper\"");
	ASSERT_EQ(2, mp_json_count(j, "\"state\":\"online\""));
	free(j);

	/* Again: nothing changes, every line is "keep". */
	APPLY_NOOP(run, self, "keep ", 2, 0);
	snprintf(line, sizeof(line), "keep 20-upper 0x%" PRIx64 " %" PRIu64
		 "M range %lld\n", upper, size >> 20, id_upper);
	OUT_HAS(run, line);

	/* The upper range now wants kernel memory: it differs, and stays. */
	snprintf(text, sizeof(text), "start = 0x%" PRIx64 "\nsize = %" PRIu64
		 "M\nonline = kernel\n", upper, size >> 20);
	MP_OK(conf(self, "20-upper.conf", text));
	APPLY_NOOP(run, self, "", 2, 1);
	OUT_HAS(run, "differs 20-upper");
	OUT_HAS(run, "zone movable, configured kernel");
	APPLY_NOOP(run, self, "", 2, 0, "--dry-run", "--prune");
	OUT_HAS(run, "replace 20-upper");
	OUT_HAS(run, "(dry run)");

	/* --prune plugs it again as configured. */
	CTL(run, "apply", "--config-dir", self->dir, "--prune");
	EXIT_IS(run, 0);
	OUT_HAS(run, "replace 20-upper");
	ASSERT_EQ(mt0 + MP_KB(2 * size), mp_memtotal_kb());
	for (i = 0; i < size / e->bs; i++) {
		char zones[64];

		MP_BLOCK_STATE(upper_blk + i, "online");
		MP_OK(mp_block_zones(upper_blk + i, zones, sizeof(zones)));
		ASSERT_STRNE("Movable", zones);
	}
	APPLY_NOOP(run, self, "keep ", 2, 0);

	/* A removed file: its range is extra, until --prune unplugs it. */
	unconf(self, "10-dev.conf");
	APPLY_NOOP(run, self, "", 2, 0);
	OUT_HAS(run, "extra 10-dev");
	CTL(run, "apply", "--config-dir", self->dir, "--prune");
	EXIT_IS(run, 0);
	OUT_HAS(run, "prune 10-dev");
	ASSERT_EQ(mt0 + MP_KB(size), mp_memtotal_kb());
	for (i = 0; i < size / e->bs; i++)
		MP_BLOCK_GONE(e->dev_block + i);

	/* --dry-run would plug it back, and changes nothing. */
	snprintf(text, sizeof(text), "iomem = Persistent Memory (legacy)\nsize = 0x%" PRIx64 "\n",
		 size);
	MP_OK(conf(self, "10-dev.conf", text));
	APPLY_NOOP(run, self, "", 2, 0, "--dry-run");
	snprintf(line, sizeof(line), "plug 10-dev 0x%" PRIx64 " %" PRIu64 "M (dry run)\n",
		 e->dev_start, size >> 20);
	OUT_HAS(run, line);

	/* An empty configuration and --prune: nothing stays plugged. */
	unconf(self, "10-dev.conf");
	unconf(self, "20-upper.conf");
	CTL(run, "apply", "--config-dir", self->dir, "--prune");
	EXIT_IS(run, 0);
	OUT_HAS(run, "prune 20-upper");
	ASSERT_EQ(mt0, mp_memtotal_kb());
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	ASSERT_STREQ(io0, io);
	free(io);
	free(io0);
	CTL(run, "list", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	JSON_HAS(j, "\"ranges\":[]");
	free(j);
	free(run);
}

TEST_F_TIMEOUT(apply, bad_config_changes_nothing, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_run *run = malloc(sizeof(*run));
	char text[256], where[320];

	ASSERT_NE(NULL, run);
	MP_NEED_DEVICE();
	NEED_CTL();
	snprintf(text, sizeof(text), "start = 0x%" PRIx64 "\nsize = 0x%" PRIx64 "\n",
		 e->dev_start, e->bs);
	MP_OK(conf(self, "a.conf", text));

	/* An unknown key on line 3 of the second file. */
	snprintf(text, sizeof(text), "start = 0x%" PRIx64 "\nsize = 0x%" PRIx64
		 "\nonline-type = kernel\n", e->dev_start + 2 * e->bs, e->bs);
	MP_OK(conf(self, "b.conf", text));
	APPLY_NOOP(run, self, "", 0, 2);
	snprintf(where, sizeof(where), "%s/b.conf:3: unknown key 'online-type'", self->dir);
	STDERR_HAS(run, where);
	STDERR_HAS(run, "nothing was changed");

	/* A bad value on line 3. */
	snprintf(text, sizeof(text), "start = 0x%" PRIx64 "\nsize = 0x%" PRIx64
		 "\nonline = sideways\n", e->dev_start + 2 * e->bs, e->bs);
	MP_OK(conf(self, "b.conf", text));
	APPLY_NOOP(run, self, "", 0, 2);
	snprintf(where, sizeof(where), "%s/b.conf:3: invalid online type", self->dir);
	STDERR_HAS(run, where);

	/* Two files naming the same memory. */
	snprintf(text, sizeof(text), "iomem = Persistent Memory (legacy)\nsize = 0x%" PRIx64 "\n",
		 e->bs);
	MP_OK(conf(self, "b.conf", text));
	APPLY_NOOP(run, self, "", 0, 2);
	snprintf(where, sizeof(where), "%s/b.conf: range 0x%" PRIx64, self->dir, e->dev_start);
	STDERR_HAS(run, where);
	STDERR_HAS(run, "overlaps");
	free(run);
}

TEST_HARNESS_MAIN
