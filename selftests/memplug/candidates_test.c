// SPDX-License-Identifier: GPL-2.0
/*
 * candidates_test: memplugctl candidates, what it says could be plugged
 * and why not, checked against what plugging then does. The VM has two
 * legacy persistent memory ranges (profile "candidates": A, 1 GiB at
 * 1 GiB, and B, 512 MiB at 2304 MiB):
 *
 *   - B claimed by another driver (memplug_test_claim): A is listed as
 *     usable, B as "busy: claimed by memplug-test-claim"; plugging A works
 *     and A is then "plugged by memplug (range N)", plugging B is refused;
 *     unplugged, the list is as before;
 *   - a page claimed inside A's first block: the stretch before it is
 *     "too small", the one after it is usable from the next block on (free
 *     stretches are trimmed inward to memory blocks), and a range plugged
 *     in the middle splits A;
 *   - as another user: exit 4, the kernel hides the addresses;
 *   - 128 MiB of RAM the firmware reserves (e820 Reserved, profile
 *     "candidates" boots with memmap=128M$2G): listed as needing --force,
 *     with the reason; a plain plug is refused with that reason and changes
 *     nothing; plug --force plugs it, and it comes online as RAM.
 */
#include <unistd.h>

#include "memplug_test.h"
#include "ctl.h"

#define PMEM "Persistent Memory (legacy)"
#define CLAIM "memplug-test-claim"
#define RESERVED_START 0x80000000ULL
#define RESERVED_SIZE MP_MIB(128)
#define MSG_RESERVED \
	"firmware-reserved: may be MMIO or firmware data; use --force only if you know RAM backs it"

FIXTURE(cand) {
	struct mp_env e;
	const char *ctl;
	struct mp_run *run;
	uint64_t a_start, a_size;
	uint64_t b_start, b_size;
	int nregions;
};

/* The top-level legacy pmem regions of /proc/iomem, up to two. */
static int find_regions(FIXTURE_DATA(cand) *self)
{
	char *iomem = mp_iomem(), *line, *save;
	int n = 0;

	if (!iomem)
		return -1;
	for (line = strtok_r(iomem, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long s, e;

		if (line[0] == ' ' || !strstr(line, " : " PMEM) ||
		    sscanf(line, "%llx-%llx", &s, &e) != 2)
			continue;
		if (n == 0) {
			self->a_start = s;
			self->a_size = e - s + 1;
		} else if (n == 1) {
			self->b_start = s;
			self->b_size = e - s + 1;
		}
		n++;
	}
	free(iomem);
	return n;
}

FIXTURE_SETUP(cand)
{
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	self->ctl = mp_ctl_path();
	self->run = malloc(sizeof(*self->run));
	ASSERT_NE(NULL, self->run);
	self->nregions = find_regions(self);
}

FIXTURE_TEARDOWN(cand)
{
	free(self->run);
	mp_env_teardown(&self->e);
}

/* Two regions, as profile "candidates" boots: run there. */
#define NEED_TWO_REGIONS()                                                    \
	do {                                                                  \
		ASSERT_EQ(2, self->nregions)                                  \
		TH_LOG("wants two \"" PMEM "\" ranges: PROFILE=candidates"); \
		ASSERT_EQ(0, self->a_start % self->e.bs);                     \
		ASSERT_GE(self->a_size, 4 * self->e.bs);                      \
	} while (0)

/* What one candidate must say. */
struct cand {
	uint64_t start;
	uint64_t end;
	bool usable;
	const char *reason; /* NULL: null */
	long long range;    /* -1: null */
};

/*
 * memplugctl candidates --json lists exactly @want among its PMEM
 * candidates, in this order.
 */
static void expect_cands(struct __test_metadata *_metadata,
			 FIXTURE_DATA(cand) *self, const struct cand *want,
			 int n)
{
	struct mp_run *run = self->run;
	char obj[1024], needle[256], s[128];
	const char *pos;
	long long v;
	char *j;
	int i = 0;

	CTL(run, "candidates", "--json");
	EXIT_IS(run, 0);
	ASSERT_STREQ("", run->err);
	j = json_of(run);
	ASSERT_NE(NULL, j);
	pos = strstr(j, "{\"candidates\":[");
	ASSERT_EQ(j, pos) TH_LOG("%s", j);
	pos += strlen("{\"candidates\":[");
	while (json_next_object(&pos, obj, sizeof(obj))) {
		const struct cand *w;

		ASSERT_EQ(1, json_str(obj, "type", s, sizeof(s)))
		TH_LOG("%s", obj);
		if (strcmp(s, PMEM))
			continue;
		ASSERT_LT(i, n) TH_LOG("one more: %s", obj);
		w = &want[i];
		snprintf(needle, sizeof(needle),
			 "\"start\":\"0x%" PRIx64 "\"", w->start);
		ASSERT_NE(NULL, strstr(obj, needle))
		TH_LOG("candidate %d: wanted %s: %s", i, needle, obj);
		snprintf(needle, sizeof(needle), "\"end\":\"0x%" PRIx64 "\"",
			 w->end);
		ASSERT_NE(NULL, strstr(obj, needle))
		TH_LOG("candidate %d: wanted %s: %s", i, needle, obj);
		ASSERT_EQ(1, mp_json_count_num(obj, "size",
					       w->end - w->start + 1))
		TH_LOG("%s", obj);
		ASSERT_NE(NULL, strstr(obj, w->usable ? "\"usable\":true" :
							 "\"usable\":false"))
		TH_LOG("%s", obj);
		if (w->reason) {
			ASSERT_EQ(1, json_str(obj, "reason", s, sizeof(s)))
			TH_LOG("%s", obj);
			ASSERT_STREQ(w->reason, s);
		} else {
			ASSERT_TRUE(json_null(obj, "reason")) TH_LOG("%s", obj);
		}
		if (w->range >= 0) {
			ASSERT_TRUE(mp_json_int(obj, "range", &v))
			TH_LOG("%s", obj);
			ASSERT_EQ(w->range, v);
		} else {
			ASSERT_TRUE(json_null(obj, "range")) TH_LOG("%s", obj);
		}
		i++;
	}
	ASSERT_EQ(n, i) TH_LOG("%s", j);
	free(j);
}

static void claim(struct __test_metadata *_metadata, uint64_t start,
		  uint64_t size)
{
	char ko[512], params[128];

	snprintf(ko, sizeof(ko), "%s/memplug_test_claim.ko", mp_test_modules());
	snprintf(params, sizeof(params),
		 "start=0x%" PRIx64 " size=0x%" PRIx64, start, size);
	MP_OK(mp_insmod(ko, params));
}

/* memplugctl plug --online none; the range id. */
static long long ctl_plug(struct __test_metadata *_metadata,
			  FIXTURE_DATA(cand) *self, uint64_t start,
			  uint64_t size)
{
	struct mp_run *run = self->run;
	char s[32], z[32];
	long long id;
	char *j;

	snprintf(s, sizeof(s), "0x%" PRIx64, start);
	snprintf(z, sizeof(z), "%" PRIu64, size);
	CTL(run, "plug", "--start", s, "--size", z, "--online", "none",
	    "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	ASSERT_TRUE(mp_json_int(j, "id", &id)) TH_LOG("%s", j);
	free(j);
	return id;
}

/* The text table has a line with @start and @status. */
static bool text_has(const char *out, uint64_t start, const char *status)
{
	char hex[32], *copy = strdup(out), *line, *save;
	bool found = false;

	if (!copy)
		return false;
	snprintf(hex, sizeof(hex), "0x%" PRIx64 " ", start);
	for (line = strtok_r(copy, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save))
		found = !strncmp(line, hex, strlen(hex)) &&
			strstr(line, PMEM) && strstr(line, status);
	free(copy);
	return found;
}

/*
 * B claimed whole: A usable, B busy. Plugging A as listed works and takes
 * it off the list; plugging B is refused; after the unplug the list is
 * as it was.
 */
TEST_F_TIMEOUT(cand, free_and_claimed, MP_TIMEOUT)
{
	struct cand before[] = {
		{ self->a_start, self->a_start + self->a_size - 1, true, NULL, -1 },
		{ self->b_start, self->b_start + self->b_size - 1, false,
		  "busy: claimed by " CLAIM, -1 },
	};
	struct cand plugged[2];
	struct mp_run *run = self->run;
	struct mp_snap snap;
	char ids[32], s[32], z[32];
	char *first, *again;
	long long id;

	NEED_CTL();
	NEED_TWO_REGIONS();
	claim(_metadata, self->b_start, self->b_size);
	expect_cands(_metadata, self, before, 2);
	first = json_of(run);

	CTL(run, "candidates");
	EXIT_IS(run, 0);
	ASSERT_TRUE(text_has(run->out, self->a_start, "usable"))
	TH_LOG("%s", run->out);
	ASSERT_TRUE(text_has(run->out, self->b_start, "busy: claimed by " CLAIM))
	TH_LOG("%s", run->out);

	/* Not pluggable indeed. */
	snprintf(s, sizeof(s), "0x%" PRIx64, self->b_start);
	snprintf(z, sizeof(z), "%" PRIu64, self->b_size);
	MP_OK(mp_snap_take(&self->e.c, &snap));
	CTL(run, "plug", "--start", s, "--size", z);
	EXIT_IS(run, 5);
	STDERR_HAS(run, "(EBUSY)");
	MP_UNCHANGED(&self->e.c, &snap);
	mp_snap_free(&snap);

	/* Pluggable indeed, and then no longer a candidate. */
	id = ctl_plug(_metadata, self, self->a_start, self->a_size);
	plugged[0] = before[0];
	plugged[0].usable = false;
	plugged[0].range = id;
	snprintf(ids, sizeof(ids), "plugged by memplug (range %lld)", id);
	plugged[0].reason = ids;
	plugged[1] = before[1];
	expect_cands(_metadata, self, plugged, 2);

	snprintf(s, sizeof(s), "%lld", id);
	CTL(run, "unplug", s);
	EXIT_IS(run, 0);
	expect_cands(_metadata, self, before, 2);
	again = json_of(run);
	ASSERT_STREQ(first, again);
	free(first);
	free(again);
}

/*
 * A page claimed in the middle of A's first block: the stretch before it
 * is too small for a block, the claim is busy, and the stretch after it
 * is usable from the next block boundary on. A range plugged in the middle
 * of that splits it; B stays usable throughout.
 */
TEST_F_TIMEOUT(cand, trimmed_to_blocks, MP_TIMEOUT)
{
	const uint64_t bs = self->e.bs, a = self->a_start, mid = a + bs / 2;
	const uint64_t a_end = self->a_start + self->a_size - 1;
	char busy[64] = "busy: claimed by " CLAIM, ids[64];
	struct cand want[6];
	long long id;

	NEED_CTL();
	NEED_TWO_REGIONS();
	claim(_metadata, mid, 4096);
	want[0] = (struct cand){ a, mid - 1, false, "too small", -1 };
	want[1] = (struct cand){ mid, mid + 4095, false, busy, -1 };
	want[2] = (struct cand){ a + bs, a_end, true, NULL, -1 };
	want[3] = (struct cand){ self->b_start,
				 self->b_start + self->b_size - 1, true, NULL,
				 -1 };
	expect_cands(_metadata, self, want, 4);

	id = ctl_plug(_metadata, self, a + 2 * bs, 2 * bs);
	snprintf(ids, sizeof(ids), "plugged by memplug (range %lld)", id);
	want[5] = want[3];
	want[2] = (struct cand){ a + bs, a + 2 * bs - 1, true, NULL, -1 };
	want[3] = (struct cand){ a + 2 * bs, a + 4 * bs - 1, false, ids, id };
	want[4] = (struct cand){ a + 4 * bs, a_end, true, NULL, -1 };
	expect_cands(_metadata, self, want, 6);
}

/* The JSON object of the candidate of type @type at @start, into @obj. */
static bool cand_at(const char *json, const char *type, uint64_t start,
		    char *obj, size_t len)
{
	const char *pos = strstr(json, "{\"candidates\":[");
	char want[64], s[128];

	if (!pos)
		return false;
	pos += strlen("{\"candidates\":[");
	snprintf(want, sizeof(want), "\"start\":\"0x%" PRIx64 "\"", start);
	while (json_next_object(&pos, obj, len))
		if (json_str(obj, "type", s, sizeof(s)) == 1 &&
		    !strcmp(s, type) && strstr(obj, want))
			return true;
	return false;
}

/*
 * Firmware-reserved RAM: candidates says it needs --force and why; a plain
 * plug, raw or through memplugctl, is refused with that reason and changes
 * nothing; forced, it plugs, comes online and counts in MemTotal, and
 * candidates then names the range.
 */
TEST_F_TIMEOUT(cand, firmware_reserved_needs_force, MP_TIMEOUT)
{
	const uint64_t end = RESERVED_START + RESERVED_SIZE - 1;
	struct mp_run *run = self->run;
	char obj[1024], line[160], s[32], z[32], r[128], ids[64];
	struct mp_snap snap;
	struct mp_ack ack;
	long long mt0, id;
	char *io, *j;
	int rc;

	NEED_CTL();
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	mp_iomem_line(line, sizeof(line), 0, RESERVED_START, end, "Reserved");
	ASSERT_TRUE(mp_iomem_has_line(io, line))
	TH_LOG("no '%s' (profile candidates boots with memmap=128M$2G):\n%s",
	       line, io);
	free(io);

	CTL(run, "candidates", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	ASSERT_TRUE(cand_at(j, "Reserved", RESERVED_START, obj, sizeof(obj)))
	TH_LOG("%s", j);
	free(j);
	ASSERT_NE(NULL, strstr(obj, "\"usable\":false")) TH_LOG("%s", obj);
	ASSERT_NE(NULL, strstr(obj, "\"needs_force\":true")) TH_LOG("%s", obj);
	snprintf(line, sizeof(line), "\"end\":\"0x%" PRIx64 "\"", end);
	ASSERT_NE(NULL, strstr(obj, line)) TH_LOG("%s", obj);
	ASSERT_EQ(1, json_str(obj, "reason", r, sizeof(r))) TH_LOG("%s", obj);
	ASSERT_STREQ(MSG_RESERVED, r);
	CTL(run, "candidates");
	EXIT_IS(run, 0);
	snprintf(line, sizeof(line), "0x%" PRIx64 " ", (uint64_t)RESERVED_START);
	ASSERT_NE(NULL, strstr(run->out, line)) TH_LOG("%s", run->out);
	ASSERT_NE(NULL, strstr(strstr(run->out, line), "needs --force"))
	TH_LOG("%s", run->out);

	/* Refused, raw and through the controller, and nothing changes. */
	MP_OK(mp_snap_take(&self->e.c, &snap));
	rc = mp_range_add(&self->e.c, RESERVED_START, RESERVED_SIZE, NULL, NULL,
			  &ack);
	MP_REFUSED(rc, ack, ENXIO, "memplug: " MSG_RESERVED);
	snprintf(s, sizeof(s), "0x%" PRIx64, (uint64_t)RESERVED_START);
	snprintf(z, sizeof(z), "%" PRIu64, RESERVED_SIZE);
	CTL(run, "plug", "--start", s, "--size", z);
	EXIT_IS(run, 1);
	STDERR_HAS(run, "memplug: " MSG_RESERVED " (ENXIO)");
	MP_UNCHANGED(&self->e.c, &snap);
	mp_snap_free(&snap);

	/* Forced: it is RAM after all. */
	mt0 = mp_memtotal_kb();
	CTL(run, "plug", "--start", s, "--size", z, "--force", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	ASSERT_TRUE(mp_json_int(j, "id", &id)) TH_LOG("%s", j);
	free(j);
	ASSERT_EQ(mt0 + MP_KB(RESERVED_SIZE), mp_memtotal_kb());
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	MP_IOMEM_PLUGGED(io, 1, RESERVED_START, RESERVED_SIZE, id);
	free(io);
	CTL(run, "candidates", "--json");
	EXIT_IS(run, 0);
	j = json_of(run);
	ASSERT_TRUE(cand_at(j, "Reserved", RESERVED_START, obj, sizeof(obj)))
	TH_LOG("%s", j);
	free(j);
	snprintf(ids, sizeof(ids), "plugged by memplug (range %lld)", id);
	ASSERT_EQ(1, json_str(obj, "reason", r, sizeof(r))) TH_LOG("%s", obj);
	ASSERT_STREQ(ids, r);

	snprintf(s, sizeof(s), "%lld", id);
	CTL(run, "unplug", s);
	EXIT_IS(run, 0);
	ASSERT_EQ(mt0, mp_memtotal_kb());
}

/* Another user sees no addresses in /proc/iomem: exit 4, saying so. */
TEST_F(cand, needs_root)
{
	struct mp_run *run = self->run;

	NEED_CTL();
	CTL_NOBODY(run, "candidates", "--json");
	EXIT_IS(run, 4);
	STDERR_HAS(run, "only to root");
	/* With --json, the error document on stdout. */
	ASSERT_EQ(0, strncmp(run->out, "{\"error\":{\"kind\":\"system\"", 25))
	TH_LOG("%s", run->out);
	ASSERT_NE(NULL, strstr(run->out, "\"errno\":\"EACCES\""))
	TH_LOG("%s", run->out);
	ASSERT_NE(NULL, strstr(run->out, "\"exit_code\":4},\"warnings\":[],\"format\":1}\n"))
	TH_LOG("%s", run->out);
	CTL_NOBODY(run, "candidates");
	EXIT_IS(run, 4);
	ASSERT_STREQ("", run->out);
}

TEST_HARNESS_MAIN
