// SPDX-License-Identifier: GPL-2.0
/*
 * schema_test: memplugctl's real JSON output against docs/schema.
 *
 * Every command with --json runs against the module, its output goes to a
 * file, and scripts/json-schema-check.py validates the file against the
 * command's schema (JSON Schema draft 2020-12) with the host's Python and
 * jsonschema: the "schema" profile exports the host's root read-only over
 * virtio-9p, as for ynl_test, and the checker runs chrooted into it with
 * the payload's /memplug/schema (the schemas, the checker and the outputs)
 * bound onto its /mnt. One test per command and schema, so that a failure
 * names the pair. The profile boots with movablecore= so that plugging the
 * device range takes node 0 past plug's movable/kernel ratio limit: the
 * warning must be in plug's document. Failures, a refused request and a
 * malformed command line, must print the error document.
 */
#include <sys/stat.h>

#include "memplug_test.h"
#include "ctl.h"

#define HOST "/host"
#define PAYLOAD "/memplug/schema"
#define CHECKER "/mnt/json-schema-check.py"
/* Python under emulation: seconds per call. */
#define CHECK_TIMEOUT 120

FIXTURE(schema) {
	struct mp_env e;
	const char *ctl;
	struct mp_run *run;
	struct mp_run *check;
	char chroot_bin[256];
	char start[32];
	char size[32]; /* the whole device range */
	char small[32]; /* two blocks */
};

/* The host's root at /host, the payload's schemas at /host/mnt. */
static int schema_mount_host(char *why, size_t len)
{
	if (mkdir(PAYLOAD "/out", 0755) && errno != EEXIST) {
		snprintf(why, len, "mkdir " PAYLOAD "/out: %s",
			 strerror(errno));
		return -1;
	}
	return mp_host_root(HOST, PAYLOAD, "json-schema-check.py", why,
			    len);
}

FIXTURE_SETUP(schema)
{
	char why[512] = "";

	ASSERT_EQ(0, mp_env_setup(&self->e))
	TH_LOG("setup (remove leftovers, load memplug): %s", mp_errstr());
	self->ctl = mp_ctl_path();
	NEED_CTL();
	self->run = malloc(sizeof(*self->run));
	self->check = malloc(sizeof(*self->check));
	ASSERT_NE(NULL, self->run);
	ASSERT_NE(NULL, self->check);
	ASSERT_NE(NULL, mp_which("chroot", self->chroot_bin,
				 sizeof(self->chroot_bin)));
	ASSERT_EQ(0, schema_mount_host(why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_FALSE(self->e.no_device) TH_LOG("%s", self->e.why);
	snprintf(self->start, sizeof(self->start), "0x%" PRIx64,
		 self->e.dev_start);
	snprintf(self->size, sizeof(self->size), "%" PRIu64,
		 self->e.dev_size);
	snprintf(self->small, sizeof(self->small), "%" PRIu64,
		 2 * self->e.bs);
}

FIXTURE_TEARDOWN(schema)
{
	free(self->check);
	free(self->run);
	mp_env_teardown(&self->e);
}

/* @text into PAYLOAD/out/@name.json. */
static int save_output(const char *name, const char *text)
{
	char path[256];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), PAYLOAD "/out/%s.json", name);
	f = fopen(path, "we");
	if (!f) {
		mp_seterr("create %s: %s", path, strerror(errno));
		return -errno;
	}
	fputs(text, f);
	rc = ferror(f) ? -EIO : 0;
	if (fclose(f) && !rc)
		rc = -errno;
	if (rc)
		mp_seterr("write %s", path);
	return rc;
}

/*
 * Saves the stdout of the last memplugctl run as @name and validates it
 * against @schema (with @lines, one document per line); the checker's
 * exit status, its complaints in self->check->err.
 */
static int validate(FIXTURE_DATA(schema) *self, const char *schema,
		    const char *name, const char *text, bool lines)
{
	char spath[128], opath[128];
	const char *argv[] = { self->chroot_bin, HOST, "/usr/bin/python3",
			       CHECKER, lines ? "--lines" : spath,
			       lines ? spath : opath, lines ? opath : NULL,
			       NULL };
	int rc;

	snprintf(spath, sizeof(spath), "/mnt/%s.schema.json", schema);
	snprintf(opath, sizeof(opath), "/mnt/out/%s.json", name);
	rc = save_output(name, text);
	if (rc)
		return rc;
	rc = mp_run(self->check, CHECK_TIMEOUT, argv);
	if (rc)
		return rc;
	return self->check->timed_out ? -ETIMEDOUT : self->check->status;
}

/* The output of the last run is valid against @schema. */
#define VALID(schema, name, lines)                                            \
	do {                                                                  \
		int __rc = validate(self, (schema), (name), self->run->out,   \
				    (lines));                                 \
		ASSERT_EQ(0, __rc)                                            \
		TH_LOG("%s against %s.schema.json: %d (%s): %s", (name),      \
		       (schema), __rc, mp_errstr(), self->check->err);        \
	} while (0)

/* Plugs two blocks of the device range, online movable; its id. */
static long long plug_device(struct __test_metadata *_metadata,
			     FIXTURE_DATA(schema) *self)
{
	long long id = -1;
	char *j;

	CTL(self->run, "plug", "--start", self->start, "--size", self->small,
	    "--name", "schema", "--json");
	EXIT_IS(self->run, 0);
	j = json_of(self->run);
	if (!j || !mp_json_int(j, "id", &id))
		id = -1;
	free(j);
	return id;
}

/* The sequence number the next event gets, from status; -1 if unknown. */
static long long next_seq(struct __test_metadata *_metadata,
			  FIXTURE_DATA(schema) *self)
{
	long long seq = -1;
	char *j;

	CTL(self->run, "status", "--json");
	EXIT_IS(self->run, 0);
	j = json_of(self->run);
	if (!j || !mp_json_int(j, "next_seq", &seq))
		seq = -1;
	free(j);
	return seq;
}

TEST_F_TIMEOUT(schema, status, MP_TIMEOUT)
{
	CTL(self->run, "status", "--json");
	EXIT_IS(self->run, 0);
	VALID("status", "status", false);
}

/*
 * plug's document carries the movable ratio warning that stderr shows,
 * and stays valid.
 */
TEST_F_TIMEOUT(schema, plug, MP_TIMEOUT)
{
	char *j;

	CTL(self->run, "plug", "--start", self->start, "--size", self->size,
	    "--json");
	EXIT_IS(self->run, 0);
	STDERR_HAS(self->run, "WARNING: onlining ");
	j = json_of(self->run);
	ASSERT_NE(NULL, j);
	JSON_HAS(j, "\"warnings\":[\"onlining ");
	JSON_HAS(j, "\"format\":1}");
	free(j);
	VALID("plug", "plug", false);
}

TEST_F_TIMEOUT(schema, list, MP_TIMEOUT)
{
	ASSERT_LE(0, plug_device(_metadata, self));
	CTL(self->run, "list", "--json");
	EXIT_IS(self->run, 0);
	VALID("list", "list", false);
}

/* A configuration of one range, applied: a plug, then a keep. */
TEST_F_TIMEOUT(schema, apply, MP_TIMEOUT)
{
	static const char dir[] = "/tmp/schema-ranges.d";
	static const char file[] = "/tmp/schema-ranges.d/dev.conf";
	FILE *f;

	ASSERT_EQ(0, mkdir(dir, 0755) && errno != EEXIST ? -errno : 0);
	f = fopen(file, "we");
	ASSERT_NE(NULL, f) TH_LOG("create %s: %s", file, strerror(errno));
	fprintf(f, "start = %s\nsize = %s\n", self->start, self->small);
	ASSERT_EQ(0, fclose(f));
	CTL(self->run, "apply", "--config-dir", dir, "--json");
	EXIT_IS(self->run, 0);
	VALID("apply", "apply", false);
	CTL(self->run, "apply", "--config-dir", dir, "--dry-run", "--json");
	EXIT_IS(self->run, 0);
	VALID("apply", "apply-again", false);
	unlink(file);
	rmdir(dir);
}

TEST_F_TIMEOUT(schema, blocks, MP_TIMEOUT)
{
	ASSERT_LE(0, plug_device(_metadata, self));
	CTL(self->run, "blocks", "--json");
	EXIT_IS(self->run, 0);
	VALID("blocks", "blocks", false);
}

/* The events of one plug (the whole ring may not fit the run's buffer). */
TEST_F_TIMEOUT(schema, events, MP_TIMEOUT)
{
	long long seq = next_seq(_metadata, self);
	char since[24];

	ASSERT_LE(0, seq);
	ASSERT_LE(0, plug_device(_metadata, self));
	snprintf(since, sizeof(since), "%lld", seq);
	CTL(self->run, "events", "--since", since, "--json");
	EXIT_IS(self->run, 0);
	VALID("events", "events", false);
}

TEST_F_TIMEOUT(schema, protect_unprotect, MP_TIMEOUT)
{
	long long id = plug_device(_metadata, self);
	char ids[24];

	ASSERT_LE(0, id);
	snprintf(ids, sizeof(ids), "%lld", id);
	CTL(self->run, "protect", ids, "--json");
	EXIT_IS(self->run, 0);
	VALID("protect", "protect", false);
	CTL(self->run, "unprotect", ids, "--json");
	EXIT_IS(self->run, 0);
	VALID("unprotect", "unprotect", false);
}

TEST_F_TIMEOUT(schema, offline_online, MP_TIMEOUT)
{
	long long id = plug_device(_metadata, self);
	char ids[24];

	ASSERT_LE(0, id);
	snprintf(ids, sizeof(ids), "%lld", id);
	CTL(self->run, "offline", ids, "--json");
	EXIT_IS(self->run, 0);
	VALID("offline", "offline", false);
	CTL(self->run, "online", ids, "--json");
	EXIT_IS(self->run, 0);
	VALID("online", "online", false);
}

/* Every record of a plug and unplug, from the ring, one per line. */
TEST_F_TIMEOUT(schema, monitor, MP_TIMEOUT)
{
	long long seq = next_seq(_metadata, self), id;
	char since[24], ids[24];

	ASSERT_LE(0, seq);
	id = plug_device(_metadata, self);
	ASSERT_LE(0, id);
	snprintf(ids, sizeof(ids), "%lld", id);
	CTL(self->run, "unplug", ids);
	EXIT_IS(self->run, 0);
	snprintf(since, sizeof(since), "%lld", seq);
	CTL(self->run, "monitor", "--since", since, "--count", "4",
	    "--timeout", "60", "--json");
	EXIT_IS(self->run, 0);
	ASSERT_EQ(4, mp_json_count(self->run->out, "\"format\":1}"))
	TH_LOG("%s", self->run->out);
	VALID("monitor", "monitor", true);
}

TEST_F_TIMEOUT(schema, candidates, MP_TIMEOUT)
{
	CTL(self->run, "candidates", "--json");
	EXIT_IS(self->run, 0);
	VALID("candidates", "candidates", false);
}

TEST_F_TIMEOUT(schema, tiers, MP_TIMEOUT)
{
	ASSERT_LE(0, plug_device(_metadata, self));
	CTL(self->run, "tiers", "--json");
	EXIT_IS(self->run, 0);
	VALID("tiers", "tiers", false);
}

TEST_F_TIMEOUT(schema, unplug, MP_TIMEOUT)
{
	long long id = plug_device(_metadata, self);
	char ids[24];

	ASSERT_LE(0, id);
	snprintf(ids, sizeof(ids), "%lld", id);
	CTL(self->run, "unplug", ids, "--json");
	EXIT_IS(self->run, 0);
	VALID("unplug", "unplug", false);
}

/*
 * unplug of a range that does not exist is refused: the error document on
 * stdout, the message on stderr, the exit status in both.
 */
TEST_F_TIMEOUT(schema, error_refused, MP_TIMEOUT)
{
	char *j;

	CTL(self->run, "unplug", "4000000000", "--json");
	EXIT_IS(self->run, 1);
	STDERR_HAS(self->run, ": no range with this id (ENOENT)");
	j = json_of(self->run);
	ASSERT_NE(NULL, j);
	JSON_HAS(j, "{\"error\":{\"kind\":\"");
	JSON_HAS(j, "\"errno\":\"ENOENT\",\"reason\":\"no range with this id\"");
	JSON_HAS(j, "\"exit_code\":1}");
	free(j);
	VALID("error", "unplug-refused", false);
}

/* A command line CLI11 refuses, with --json: exit 2 and the document. */
TEST_F_TIMEOUT(schema, error_usage, MP_TIMEOUT)
{
	char *j;

	CTL(self->run, "plug", "--start", self->start, "--json");
	EXIT_IS(self->run, 2);
	STDERR_HAS(self->run, "--size");
	j = json_of(self->run);
	ASSERT_NE(NULL, j);
	JSON_HAS(j, "{\"error\":{\"kind\":\"usage\"");
	JSON_HAS(j, "\"exit_code\":2");
	free(j);
	VALID("error", "usage", false);
}

/* The checker refuses what breaks a schema: the test can fail. */
TEST_F_TIMEOUT(schema, checker_refuses, MP_TIMEOUT)
{
	static const char *const bad[] = {
		/* another format */
		"{\"ranges\":[],\"warnings\":[],\"format\":2}\n",
		/* a required key missing */
		"{\"ranges\":[],\"format\":1}\n",
		/* a range of the wrong type */
		"{\"ranges\":[{\"id\":\"1\"}],\"warnings\":[],\"format\":1}\n",
	};
	unsigned int i;
	char name[32];

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(name, sizeof(name), "bad%u", i);
		ASSERT_EQ(1, validate(self, "list", name, bad[i], false))
		TH_LOG("%s passed: %s", bad[i], self->check->err);
	}
	ASSERT_EQ(0, validate(self, "list", "good",
			      "{\"ranges\":[],\"warnings\":[],\"format\":1,\"new\":0}\n",
			      false))
	TH_LOG("an added key must pass: %s", self->check->err);
}

TEST_HARNESS_MAIN
