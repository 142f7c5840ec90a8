// SPDX-License-Identifier: GPL-2.0
/*
 * ynl_test: the kernel's own YNL client drives memplug from memplug.yaml.
 *
 * The client is tools/net/ynl/cli.py of Debian's linux-source-6.12, with
 * the kernel's genetlink schemas; the payload carries it in /memplug/ynl in
 * the kernel tree's layout, with memplug.yaml where in-tree specs live
 * (Documentation/netlink/specs/). Python and its yaml and jsonschema
 * modules are the host's: the "ynl" profile exports the host's root
 * read-only over virtio-9p, and the client runs chrooted into it, with
 * /memplug/ynl bound onto its /mnt. Nothing here knows the protocol: YNL
 * encodes every request and decodes every reply and event from the spec
 * alone (and validates the spec against the schema first).
 */

#include "memplug_test.h"

#define HOST "/host"
#define YNL_CLI "/mnt/tools/net/ynl/cli.py"
#define YNL_SPEC "/mnt/Documentation/netlink/specs/memplug.yaml"
/* Python under emulation: seconds, not milliseconds, per call. */
#define YNL_TIMEOUT 120
#define YNL_LISTEN_SECS "40"

FIXTURE(ynl) {
	struct mp_env e;
	char chroot_bin[256];
};

FIXTURE_SETUP(ynl)
{
	char why[512] = "";

	ASSERT_EQ(0, mp_env_setup(&self->e))
	TH_LOG("setup (remove leftovers, load memplug): %s", mp_errstr());
	ASSERT_NE(NULL, mp_which("chroot", self->chroot_bin,
				 sizeof(self->chroot_bin)));
	/* The host's root at /host, the client at /host/mnt. */
	ASSERT_EQ(0, mp_host_root(HOST, "/memplug/ynl", "tools/net/ynl/cli.py",
				  why, sizeof(why)))
	TH_LOG("%s", why);
}

MP_FIXTURE_TEARDOWN(ynl)

/* argv for the client: chroot, python, cli.py, the spec, then @args. */
static void ynl_argv(const char *argv[], size_t n, const char *chroot_bin,
		     const char *const args[])
{
	size_t i = 0, j;

	argv[i++] = chroot_bin;
	argv[i++] = HOST;
	argv[i++] = "/usr/bin/python3";
	argv[i++] = YNL_CLI;
	argv[i++] = "--spec";
	argv[i++] = YNL_SPEC;
	argv[i++] = "--output-json";
	for (j = 0; args[j] && i < n - 1; j++)
		argv[i++] = args[j];
	argv[i] = NULL;
}

/* Run YNL; its JSON output compacted into @r->out (mp_json). */
static int ynl_run(const char *chroot_bin, struct mp_run *r,
		   const char *const args[])
{
	static char compact[MP_RUN_OUT];
	const char *argv[24];
	int rc;

	ynl_argv(argv, ARRAY_SIZE(argv), chroot_bin, args);
	rc = mp_run(r, YNL_TIMEOUT, argv);
	mp_json_compact(r->out, compact, sizeof(compact));
	memcpy(r->out, compact, sizeof(r->out));
	return rc;
}

/*
 * The next JSON object of compacted YNL output at or after *@pos, up to
 * its first '}', into @obj; *@pos moves past it. YNL's replies and
 * events are flat, so that is the whole message (an event's "msg" with
 * its "name" in front).
 */
static bool ynl_next_object(const char **pos, char *obj, size_t len)
{
	const char *b = strchr(*pos, '{'), *e = b ? strchr(b, '}') : NULL;

	if (!e)
		return false;
	snprintf(obj, len, "%.*s", (int)(e - b + 1), b);
	*pos = e + 1;
	return true;
}

/* The number of "@key": in @obj, -1 if absent. */
static long long obj_num(const char *obj, const char *key)
{
	long long v;

	return mp_json_int(obj, key, &v) ? v : -1;
}

/* Whether @obj has "@key":"@value". */
static bool obj_str_is(const char *obj, const char *key, const char *value)
{
	char pat[128];

	snprintf(pat, sizeof(pat), "\"%s\":\"%s\"", key, value);
	return mp_json_count(obj, pat) > 0;
}

/* STATUS_GET through YNL says what memplug and sysfs say. */
TEST_F_TIMEOUT(ynl, status, MP_TIMEOUT)
{
	static const char *const args[] = { "--do", "status-get", NULL };
	struct mp_status st;
	struct mp_ack ack;
	struct mp_run r;

	MP_OK(ynl_run(self->chroot_bin, &r, args));
	ASSERT_EQ(0, r.status) TH_LOG("ynl: %s%s", r.out, r.err);
	MP_NL_OK(mp_status_get(&self->e.c, &st, &ack), ack);
	ASSERT_EQ((long long)self->e.bs, obj_num(r.out, "block-size"))
	TH_LOG("%s", r.out);
	ASSERT_EQ(0, obj_num(r.out, "ranges")) TH_LOG("%s", r.out);
	ASSERT_EQ((long long)st.event_ring_size,
		  obj_num(r.out, "event-ring-size"))
	TH_LOG("%s", r.out);
	ASSERT_NE(NULL, strstr(r.out, st.version)) TH_LOG("%s", r.out);
}

/*
 * A range plugged with memplugctl, seen through YNL's range and block
 * dumps: its address, size and state by the spec's names, and each of its
 * blocks online in ZONE_MOVABLE.
 */
TEST_F_TIMEOUT(ynl, range_and_block_dumps, MP_TIMEOUT)
{
	static const char *const ranges[] = { "--dump", "range-get", NULL };
	static const char *const blocks[] = { "--dump", "block-get", NULL };
	struct mp_env *e = &self->e;
	uint64_t size = 2 * e->bs;
	char start_s[32], size_s[32];
	struct mp_run r, ctl;
	const char *p;
	char obj[512];
	long long id;
	int n = 0;

	MP_NEED_DEVICE();
	snprintf(start_s, sizeof(start_s), "0x%" PRIx64, e->dev_start);
	snprintf(size_s, sizeof(size_s), "0x%" PRIx64, size);
	MP_OK(mp_run_ctl(&ctl, 120, "plug", "--start", start_s, "--size",
			 size_s, NULL));
	ASSERT_EQ(0, ctl.status) TH_LOG("%s%s", ctl.out, ctl.err);

	MP_OK(ynl_run(self->chroot_bin, &r, ranges));
	ASSERT_EQ(0, r.status) TH_LOG("ynl: %s%s", r.out, r.err);
	ASSERT_EQ((long long)e->dev_start, obj_num(r.out, "start"))
	TH_LOG("%s", r.out);
	ASSERT_EQ((long long)size, obj_num(r.out, "size")) TH_LOG("%s", r.out);
	ASSERT_TRUE(obj_str_is(r.out, "state", "plugged")) TH_LOG("%s", r.out);
	ASSERT_TRUE(obj_str_is(r.out, "zone-policy", "movable"))
	TH_LOG("%s", r.out);
	ASSERT_EQ(1, mp_json_count(r.out, "{")) TH_LOG("%s", r.out);
	id = obj_num(r.out, "id");
	ASSERT_LT(0, id) TH_LOG("%s", r.out);

	MP_OK(ynl_run(self->chroot_bin, &r, blocks));
	ASSERT_EQ(0, r.status) TH_LOG("ynl: %s%s", r.out, r.err);
	for (p = r.out; ynl_next_object(&p, obj, sizeof(obj)); n++) {
		ASSERT_EQ((long long)e->dev_block + n, obj_num(obj, "id"))
		TH_LOG("%s", r.out);
		ASSERT_EQ(id, obj_num(obj, "range-id")) TH_LOG("%s", r.out);
		ASSERT_TRUE(obj_str_is(obj, "state", "online")) TH_LOG("%s", obj);
		ASSERT_TRUE(obj_str_is(obj, "zone", "Movable")) TH_LOG("%s", obj);
	}
	ASSERT_EQ(2, n) TH_LOG("%s", r.out);

	snprintf(start_s, sizeof(start_s), "%lld", id);
	MP_OK(mp_run_ctl(&ctl, 120, "unplug", start_s, NULL));
	ASSERT_EQ(0, ctl.status) TH_LOG("%s%s", ctl.out, ctl.err);
	MP_OK(ynl_run(self->chroot_bin, &r, ranges));
	ASSERT_EQ(0, r.status) TH_LOG("ynl: %s%s", r.out, r.err);
	ASSERT_EQ(0, mp_json_count(r.out, "{")) TH_LOG("%s", r.out);
}

/*
 * YNL in the "monitor" group while ranges come and go: every event it
 * decodes has the next sequence number (none lost), and each plug it saw
 * is followed by that range's unplug, with the address and size of the
 * range, by the spec's action names.
 */
TEST_F_TIMEOUT(ynl, monitor_group, MP_TIMEOUT)
{
	static const char *const args[] = { "--subscribe", "monitor",
					    "--sleep", YNL_LISTEN_SECS,
					    NULL };
	static char out[65536], compact[65536];
	char obj[1024];
	struct mp_env *e = &self->e;
	long long seq, prev = -1, plugged = -1;
	int pid, fd, status, rc, plugs = 0, unplugs = 0;
	const char *argv[24], *p;
	struct mp_range got;
	struct mp_ack ack;
	size_t len = 0;

	MP_NEED_DEVICE();
	ynl_argv(argv, ARRAY_SIZE(argv), self->chroot_bin, args);
	pid = mp_spawn(argv, &fd);
	ASSERT_LT(0, pid) TH_LOG("spawn: %s", strerror(-pid));

	/* Plug and unplug until YNL stops listening and prints. */
	do {
		MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->bs, NULL, &got,
				      &ack), ack);
		MP_NL_OK(mp_range_del(&e->c, got.id, NULL, &ack), ack);
		len += mp_read_avail(fd, out + len, sizeof(out) - len);
		rc = mp_wait_pid(pid, 1000, &status);
	} while (rc == -ETIMEDOUT);
	ASSERT_EQ(0, rc);
	mp_sleep_ms(100);
	len += mp_read_avail(fd, out + len, sizeof(out) - len);
	close(fd);
	ASSERT_EQ(0, status) TH_LOG("ynl: %s", out);

	mp_json_compact(out, compact, sizeof(compact));
	for (p = compact; ynl_next_object(&p, obj, sizeof(obj));) {
		seq = obj_num(obj, "seq");
		ASSERT_LT(0, seq) TH_LOG("%s", obj);
		if (prev > 0)
			ASSERT_EQ(prev + 1, seq) TH_LOG("events lost: %s", out);
		prev = seq;
		if (obj_str_is(obj, "action", "plug")) {
			ASSERT_EQ(-1, plugged) TH_LOG("%s", out);
			ASSERT_EQ((long long)e->dev_start, obj_num(obj, "start"));
			ASSERT_EQ((long long)e->bs, obj_num(obj, "size"));
			plugged = obj_num(obj, "range-id");
			plugs++;
		} else if (obj_str_is(obj, "action", "unplug")) {
			/* The first unplug may be of a plug before YNL joined. */
			if (plugs)
				ASSERT_EQ(plugged, obj_num(obj, "range-id"))
				TH_LOG("%s", out);
			plugged = -1;
			unplugs++;
		}
	}
	ASSERT_LT(0, plugs) TH_LOG("YNL decoded no plug event: %s", out);
	ASSERT_LE(plugs, unplugs) TH_LOG("%s", out);
	fprintf(stderr, "# YNL decoded %d plugs and %d unplugs, every sequence number up to %lld\n",
		plugs, unplugs, prev);
}

TEST_HARNESS_MAIN
