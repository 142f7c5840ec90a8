// SPDX-License-Identifier: GPL-2.0
/*
 * refuse_test: every request memplug must refuse, each with its errno and
 * the exact extended ACK text (and the offending attribute where one is to
 * blame), and proof that nothing changed: MemTotal, /proc/iomem, the memory
 * blocks, the ranges and the plug counters are as before.
 *
 * The busy-resource case loads memplug_test_claim.ko (selftests/modules)
 * from MEMPLUG_TEST_MODULES; the failed-unplug case uses Debian's
 * memory-notifier-error-inject module.
 */
#include <sys/socket.h>

#include "memplug_test.h"

FIXTURE(refuse) {
	struct mp_env e;
};

MP_FIXTURE_SETUP(refuse)
MP_FIXTURE_TEARDOWN(refuse)

#define MSG_OVERLAP_MEMPLUG "memplug: range overlaps an existing memplug range"
#define MSG_NOT_ALIGNED "memplug: start is not aligned to the memory block size"
#define MSG_NOT_MULTIPLE "memplug: size is not a multiple of the memory block size"
#define MSG_ZERO "memplug: size is zero"
#define MSG_OVERFLOW "memplug: start + size overflows"
#define MSG_OUTSIDE "memplug: range is outside the pluggable physical address space"
#define MSG_SYSTEM_RAM "memplug: range overlaps System RAM"
#define MSG_BUSY "memplug: range overlaps a busy resource claimed by another driver"
#define MSG_NO_REGION \
	"memplug: nothing in /proc/iomem describes this range as memory; use --force only if you know RAM backs it"
#define MSG_STRADDLE \
	"memplug: range straddles the edge of a region of /proc/iomem, or another driver claimed it meanwhile"
#define MSG_NODE "memplug: node is not possible on this machine"
#define MSG_NO_ID "no range with this id"
#define MSG_UNPLUG_BUSY \
	"memplug: a memory block could not be offlined (pages in use or unmovable); the range stays plugged"

/*
 * Send @m: it must be refused with @err and @text (NULL: any or no text),
 * blaming attribute @bad if not NULL, and change nothing a user sees.
 */
static void refused(struct __test_metadata *_metadata, struct mp_env *e,
		    struct mp_msg *m, int err, const char *text,
		    const struct nlattr *bad)
{
	struct mp_snap before;
	struct mp_ack ack;
	int rc;

	MP_OK(mp_snap_take(&e->c, &before));
	rc = mp_transact_range(&e->c, m, NULL, &ack);
	if (text) {
		MP_REFUSED(rc, ack, err, text);
	} else {
		ASSERT_EQ(-err, rc) TH_LOG("got %d, extack '%s'", rc, ack.msg);
	}
	if (bad) {
		ASSERT_TRUE(ack.has_offs) TH_LOG("no offending attribute");
		ASSERT_EQ(mp_msg_offset(m, bad), ack.offs);
	}
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);
}

/*
 * RANGE_ADD of [start, start + size) must be refused with @err and @text;
 * @blame is MEMPLUG_A_RANGE_START or _SIZE if the kernel must point at it,
 * else 0.
 */
static void add_refused(struct __test_metadata *_metadata, struct mp_env *e,
			uint64_t start, uint64_t size, int err,
			const char *text, int blame)
{
	const struct nlattr *as, *az;
	struct mp_msg m;

	TH_LOG("RANGE_ADD 0x%" PRIx64 "+0x%" PRIx64 ": want %s", start, size,
	       text);
	mp_req_init(&e->c, &m, MEMPLUG_CMD_RANGE_ADD, false);
	as = mp_put_u64(&m, MEMPLUG_A_RANGE_START, start);
	az = mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, size);
	refused(_metadata, e, &m, err, text,
		blame == MEMPLUG_A_RANGE_START ? as :
		blame == MEMPLUG_A_RANGE_SIZE ? az : NULL);
}

/* A range already plugged (and online) blocks any overlapping one. */
TEST_F_TIMEOUT(refuse, overlap_existing_range, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	uint64_t s = e->dev_start + MP_MIB(256);
	struct mp_range r, g;
	struct mp_ack ack;

	MP_NEED_DEVICE();
	MP_NL_OK(mp_range_add(&e->c, s, MP_MIB(256), NULL, &r, &ack), ack);
	MP_OK(mp_block_set(s / e->bs, "online_movable"));
	MP_OK(mp_block_set(s / e->bs + 1, "online_movable"));

	add_refused(_metadata, e, s, MP_MIB(256), EEXIST, MSG_OVERLAP_MEMPLUG, 0);
	add_refused(_metadata, e, s, e->bs, EEXIST, MSG_OVERLAP_MEMPLUG, 0);
	add_refused(_metadata, e, s - e->bs, MP_MIB(256), EEXIST,
		    MSG_OVERLAP_MEMPLUG, 0);
	add_refused(_metadata, e, s + e->bs, MP_MIB(256), EEXIST,
		    MSG_OVERLAP_MEMPLUG, 0);
	add_refused(_metadata, e, e->dev_start, e->dev_size, EEXIST,
		    MSG_OVERLAP_MEMPLUG, 0);

	/* The first range is untouched, and its neighbours are still free. */
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(2, g.blocks_online);
	MP_BLOCK_STATE(s / e->bs, "online");
	MP_BLOCK_STATE(s / e->bs + 1, "online");
	MP_NL_OK(mp_range_add(&e->c, s - e->bs, e->bs, NULL, &g, &ack), ack);
	MP_NL_OK(mp_range_add(&e->c, s + MP_MIB(256), e->bs, NULL, &g, &ack),
		 ack);
}

TEST_F(refuse, start_not_aligned)
{
	struct mp_env *e = &self->e;

	MP_NEED_DEVICE();
	add_refused(_metadata, e, e->dev_start + 4096, e->bs, EINVAL,
		    MSG_NOT_ALIGNED, MEMPLUG_A_RANGE_START);
	add_refused(_metadata, e, e->dev_start + e->bs / 2, e->bs, EINVAL,
		    MSG_NOT_ALIGNED, MEMPLUG_A_RANGE_START);
	add_refused(_metadata, e, e->dev_start + 1, MP_MIB(256), EINVAL,
		    MSG_NOT_ALIGNED, MEMPLUG_A_RANGE_START);
}

TEST_F(refuse, size_not_multiple)
{
	struct mp_env *e = &self->e;

	MP_NEED_DEVICE();
	add_refused(_metadata, e, e->dev_start, e->bs + 4096, EINVAL,
		    MSG_NOT_MULTIPLE, MEMPLUG_A_RANGE_SIZE);
	add_refused(_metadata, e, e->dev_start, e->bs / 2, EINVAL,
		    MSG_NOT_MULTIPLE, MEMPLUG_A_RANGE_SIZE);
	add_refused(_metadata, e, e->dev_start, e->bs * 3 / 2, EINVAL,
		    MSG_NOT_MULTIPLE, MEMPLUG_A_RANGE_SIZE);
	add_refused(_metadata, e, e->dev_start, 1, EINVAL, MSG_NOT_MULTIPLE,
		    MEMPLUG_A_RANGE_SIZE);
}

TEST_F(refuse, size_zero)
{
	struct mp_env *e = &self->e;

	MP_NEED_DEVICE();
	add_refused(_metadata, e, e->dev_start, 0, EINVAL, MSG_ZERO,
		    MEMPLUG_A_RANGE_SIZE);
}

TEST_F(refuse, start_plus_size_overflows)
{
	struct mp_env *e = &self->e;
	uint64_t top = UINT64_MAX / e->bs * e->bs; /* the last aligned start */

	add_refused(_metadata, e, top, 2 * e->bs, EOVERFLOW, MSG_OVERFLOW,
		    MEMPLUG_A_RANGE_SIZE);
	add_refused(_metadata, e, 2 * e->bs, top, EOVERFLOW, MSG_OVERFLOW,
		    MEMPLUG_A_RANGE_SIZE);
	/* Ending exactly at the top of the address space is no overflow. */
	add_refused(_metadata, e, e->bs, top, ERANGE, MSG_OUTSIDE,
		    MEMPLUG_A_RANGE_START);
}

/* Beyond the end of the pluggable space, and straddling it. */
TEST_F(refuse, outside_pluggable_range)
{
	struct mp_env *e = &self->e;
	struct mp_status st;
	struct mp_ack ack;
	uint64_t past;

	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	ASSERT_TRUE(st.has_pluggable);
	TH_LOG("pluggable 0x%" PRIx64 "-0x%" PRIx64, st.pluggable_start,
	       st.pluggable_end);
	ASSERT_LT(st.pluggable_end, UINT64_MAX - 2 * e->bs);
	past = (st.pluggable_end / e->bs + 1) * e->bs;

	add_refused(_metadata, e, past, e->bs, ERANGE, MSG_OUTSIDE,
		    MEMPLUG_A_RANGE_START);
	add_refused(_metadata, e, past + 64 * e->bs, 4 * e->bs, ERANGE,
		    MSG_OUTSIDE, MEMPLUG_A_RANGE_START);
	add_refused(_metadata, e, past - e->bs, 2 * e->bs, ERANGE, MSG_OUTSIDE,
		    MEMPLUG_A_RANGE_START);
}

/* Every top-level System RAM line of /proc/iomem: start and end. */
static int system_ram(uint64_t (*ram)[2], int max)
{
	char *iomem = mp_iomem(), *line, *save;
	int n = 0;

	if (!iomem)
		return -1;
	for (line = strtok_r(iomem, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long s, e;

		if (line[0] != ' ' && strstr(line, " : System RAM") &&
		    sscanf(line, "%llx-%llx", &s, &e) == 2) {
			ram[n][0] = s;
			ram[n][1] = e;
			n++;
		}
	}
	free(iomem);
	return n;
}

/* Boot memory, inside it, touching it and straddling into it. */
TEST_F(refuse, system_ram)
{
	struct mp_env *e = &self->e;
	uint64_t ram[32][2], dev_end = e->dev_start + e->dev_size;
	int n, i, inside = 0;

	MP_NEED_DEVICE();
	n = system_ram(ram, 32);
	ASSERT_GT(n, 0);

	add_refused(_metadata, e, 0, e->bs, EEXIST, MSG_SYSTEM_RAM, 0);
	for (i = 0; i < n; i++) {
		uint64_t s = (ram[i][0] + e->bs - 1) / e->bs * e->bs;

		/* A whole block of System RAM. */
		if (s + e->bs - 1 <= ram[i][1]) {
			add_refused(_metadata, e, s, e->bs, EEXIST,
				    MSG_SYSTEM_RAM, 0);
			inside++;
		}
		/* Device range plus the System RAM right after it. */
		if (ram[i][0] <= dev_end && dev_end <= ram[i][1])
			add_refused(_metadata, e, dev_end - e->bs, 2 * e->bs,
				    EEXIST, MSG_SYSTEM_RAM, 0);
	}
	ASSERT_GT(inside, 0) TH_LOG("no System RAM block found to try");
}

/*
 * Memory that nothing describes is refused, and so is a range that lies
 * in part inside the region before it; FORCE plugs the former. The forced
 * range is added with DEFER_ONLINE and never onlined, because nothing is
 * behind its addresses.
 */
TEST_F_TIMEOUT(refuse, outside_device_regions, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_add_opts forced = { .force = true, .defer_online = true };
	uint64_t hole = mp_iomem_hole(e->dev_start + e->dev_size, 2 * e->bs, e->bs);
	struct mp_status st;
	char *iomem;
	struct mp_range r, d;
	struct mp_ack ack;

	MP_NEED_DEVICE();
	MP_NL_OK(mp_status_get(&e->c, &st, &ack), ack);
	ASSERT_NE(0, hole);
	ASSERT_LE(hole + 2 * e->bs - 1, st.pluggable_end);
	TH_LOG("nothing in /proc/iomem at 0x%" PRIx64, hole);

	add_refused(_metadata, e, hole, e->bs, ENXIO, MSG_NO_REGION, 0);
	add_refused(_metadata, e, hole, 2 * e->bs, ENXIO, MSG_NO_REGION, 0);
	/* In part inside whatever comes before the hole. */
	add_refused(_metadata, e, hole - e->bs, 2 * e->bs, EBUSY,
		    MSG_STRADDLE, 0);

	MP_NL_OK(mp_range_add(&e->c, hole, e->bs, &forced, &r, &ack), ack);
	iomem = mp_iomem();
	ASSERT_NE(NULL, iomem);
	MP_IOMEM_PLUGGED(iomem, 0, hole, e->bs, r.id);
	free(iomem);
	MP_BLOCK_STATE(hole / e->bs, "offline");
	MP_NL_OK(mp_range_del(&e->c, r.id, &d, &ack), ack);
	iomem = mp_iomem();
	ASSERT_NE(NULL, iomem);
	ASSERT_EQ(0, mp_iomem_count(iomem, "System RAM (memplug)"));
	ASSERT_EQ(0, mp_iomem_count(iomem, MP_CLAIM_PREFIX));
	free(iomem);
}

/*
 * memmap-on-memory where the kernel would not do it (booted without
 * memory_hotplug.memmap_on_memory=1): refused, never added with the map
 * elsewhere while RANGE_GET claims otherwise. Kernels from 6.8 on would
 * silently add it without, so memplug asks first (EOPNOTSUPP); older ones
 * refuse by themselves (EINVAL).
 */
TEST_F(refuse, memmap_on_memory_not_in_effect)
{
	struct mp_env *e = &self->e;
	struct mp_add_opts o = { .memmap_on_memory = true };
	char param[16] = "N";
	struct mp_snap before;
	struct mp_ack ack;
	int rc;

	MP_NEED_DEVICE();
	mp_read_str("/sys/module/memory_hotplug/parameters/memmap_on_memory",
		    param, sizeof(param));
	ASSERT_TRUE(param[0] == 'N' || param[0] == '0')
	TH_LOG("booted with memmap_on_memory=%s: wants a profile without it",
	       param);
	MP_OK(mp_snap_take(&e->c, &before));
	rc = mp_range_add(&e->c, e->dev_start, e->bs, &o, NULL, &ack);
	if (rc == -EOPNOTSUPP)
		MP_REFUSED(rc, ack, EOPNOTSUPP,
			   "memplug: the kernel would not put the memory map on the range: memmap-on-memory needs the boot parameter memory_hotplug.memmap_on_memory=1");
	else
		MP_REFUSED(rc, ack, EINVAL,
			   "memplug: kernel refused memmap-on-memory: it needs the boot parameter memory_hotplug.memmap_on_memory=1 and a block size it supports");
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);
}

/* A busy resource of another driver inside the device range. */
TEST_F_TIMEOUT(refuse, busy_resource_of_another_driver, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	uint64_t claim = e->dev_start + e->bs;
	char ko[512], params[128], line[160];
	struct mp_range r;
	struct mp_ack ack;
	char *io;

	MP_NEED_DEVICE();
	snprintf(ko, sizeof(ko), "%s/memplug_test_claim.ko", mp_test_modules());
	snprintf(params, sizeof(params), "start=0x%" PRIx64 " size=0x1000",
		 claim);
	MP_OK(mp_insmod(ko, params));
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	mp_iomem_line(line, sizeof(line), 1, claim, claim + 0xfff,
		      "memplug-test-claim");
	ASSERT_TRUE(mp_iomem_has_line(io, line)) TH_LOG("no '%s'", line);
	free(io);

	add_refused(_metadata, e, e->dev_start, MP_MIB(256), EBUSY, MSG_BUSY, 0);
	add_refused(_metadata, e, claim, e->bs, EBUSY, MSG_BUSY, 0);
	add_refused(_metadata, e, e->dev_start, e->dev_size, EBUSY, MSG_BUSY, 0);

	/* The block next to the claim is fine... */
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->bs, NULL, &r, &ack), ack);
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	/* ...and the claimed one once its owner let go. */
	MP_OK(mp_rmmod("memplug_test_claim"));
	MP_NL_OK(mp_range_add(&e->c, claim, e->bs, NULL, &r, &ack), ack);
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
}

/* Highest number in a sysfs node list such as "0" or "0-3,5". */
static int last_node(const char *list)
{
	const char *p = list;
	int last = -1;

	while (*p) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		if (v > last)
			last = v;
		p = end;
		if (*p == ',' || *p == '-')
			p++;
	}
	return last;
}

TEST_F(refuse, node_not_possible)
{
	struct mp_env *e = &self->e;
	const uint32_t bad[] = { 0, 1024, 4096, UINT32_MAX };
	char possible[256];
	unsigned int i;

	MP_NEED_DEVICE();
	MP_OK(mp_read_str("/sys/devices/system/node/possible", possible,
			  sizeof(possible)));
	TH_LOG("possible nodes: %s", possible);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		uint32_t node = i ? bad[i] : (uint32_t)last_node(possible) + 1;
		const struct nlattr *an;
		struct mp_msg m;

		mp_req_init(&e->c, &m, MEMPLUG_CMD_RANGE_ADD, false);
		mp_put_u64(&m, MEMPLUG_A_RANGE_START, e->dev_start);
		mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, MP_MIB(256));
		an = mp_put_u32(&m, MEMPLUG_A_RANGE_NODE, node);
		TH_LOG("node %u", node);
		refused(_metadata, e, &m, EINVAL, MSG_NODE, an);
	}
}

/* DEL, GET and SET of an id that does not exist; BLOCK_GET filtered by one. */
TEST_F_TIMEOUT(refuse, unknown_id, MP_TIMEOUT)
{
	const uint8_t cmds[] = { MEMPLUG_CMD_RANGE_DEL, MEMPLUG_CMD_RANGE_GET,
				 MEMPLUG_CMD_RANGE_SET };
	struct mp_env *e = &self->e;
	uint32_t ids[] = { 0, 0x7ffffff0, UINT32_MAX };
	struct mp_range r;
	struct mp_block b[4];
	struct mp_ack ack;
	unsigned int i, j;
	int rc, n;

	MP_NEED_DEVICE();
	/* With a range present, so the lookup has something to miss. */
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->bs, NULL, &r, &ack), ack);
	ids[0] = r.id + 1;
	for (i = 0; i < sizeof(cmds); i++) {
		for (j = 0; j < ARRAY_SIZE(ids); j++) {
			const struct nlattr *a;
			struct mp_msg m;

			mp_req_init(&e->c, &m, cmds[i], false);
			a = mp_put_u32(&m, MEMPLUG_A_RANGE_ID, ids[j]);
			if (cmds[i] == MEMPLUG_CMD_RANGE_SET)
				mp_put_u8(&m, MEMPLUG_A_RANGE_PROTECT, 1);
			TH_LOG("command %u, id %u", cmds[i], ids[j]);
			refused(_metadata, e, &m, ENOENT, MSG_NO_ID, a);
		}
	}
	rc = mp_block_dump(&e->c, r.id + 1, b, 4, &n, &ack);
	MP_REFUSED(rc, ack, ENOENT, MSG_NO_ID);
	ASSERT_EQ(0, n);
	/* The real one is still there and unprotected. */
	MP_NL_OK(mp_range_get(&e->c, r.id, &r, &ack), ack);
	ASSERT_EQ(0, r.protect);
}

/* Requests without a required attribute name the one that is missing. */
TEST_F(refuse, missing_attribute)
{
	struct mp_env *e = &self->e;
	const struct {
		uint8_t cmd;
		uint16_t give; /* the one attribute given, 0 for none */
		uint16_t missing;
	} cases[] = {
		{ MEMPLUG_CMD_RANGE_ADD, MEMPLUG_A_RANGE_SIZE,
		  MEMPLUG_A_RANGE_START },
		{ MEMPLUG_CMD_RANGE_ADD, MEMPLUG_A_RANGE_START,
		  MEMPLUG_A_RANGE_SIZE },
		{ MEMPLUG_CMD_RANGE_ADD, 0, MEMPLUG_A_RANGE_START },
		{ MEMPLUG_CMD_RANGE_DEL, 0, MEMPLUG_A_RANGE_ID },
		{ MEMPLUG_CMD_RANGE_GET, 0, MEMPLUG_A_RANGE_ID },
		{ MEMPLUG_CMD_RANGE_SET, MEMPLUG_A_RANGE_PROTECT,
		  MEMPLUG_A_RANGE_ID },
	};
	unsigned int i;

	MP_NEED_DEVICE();
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mp_snap before;
		struct mp_msg m;
		struct mp_ack ack;
		int rc;

		mp_req_init(&e->c, &m, cases[i].cmd, false);
		if (cases[i].give == MEMPLUG_A_RANGE_START)
			mp_put_u64(&m, MEMPLUG_A_RANGE_START, e->dev_start);
		else if (cases[i].give == MEMPLUG_A_RANGE_SIZE)
			mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, e->bs);
		else if (cases[i].give == MEMPLUG_A_RANGE_PROTECT)
			mp_put_u8(&m, MEMPLUG_A_RANGE_PROTECT, 1);

		MP_OK(mp_snap_take(&e->c, &before));
		rc = mp_transact_range(&e->c, &m, NULL, &ack);
		ASSERT_EQ(-EINVAL, rc)
		TH_LOG("command %u: %d, extack '%s'", cases[i].cmd, rc, ack.msg);
		ASSERT_TRUE(ack.has_miss_type)
		TH_LOG("command %u: no missing-attribute extack", cases[i].cmd);
		ASSERT_EQ(cases[i].missing, ack.miss_type);
		ASSERT_FALSE(ack.has_miss_nest);
		if (!ack.has_msg)
			TH_LOG("command %u: missing attribute %u reported without a message",
			       cases[i].cmd, cases[i].missing);
		MP_UNCHANGED(&e->c, &before);
		mp_snap_free(&before);
	}
}

/* Strict validation: unknown, unexpected and malformed attributes. */
TEST_F(refuse, strict_attribute_validation)
{
	struct mp_env *e = &self->e;
	char longname[MEMPLUG_NAME_LEN + 1];
	const struct nlattr *a;
	struct mp_msg m;

	MP_NEED_DEVICE();
#define ADD_START()                                                    \
	do {                                                           \
		mp_req_init(&e->c, &m, MEMPLUG_CMD_RANGE_ADD, false);  \
		mp_put_u64(&m, MEMPLUG_A_RANGE_START, e->dev_start);   \
		mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, e->bs);           \
	} while (0)

	/* An attribute type beyond the set. */
	ADD_START();
	a = mp_put_u32(&m, MEMPLUG_A_RANGE_MAX + 1, 1);
	refused(_metadata, e, &m, EINVAL, "Unknown attribute type", a);

	/* An attribute of the set that RANGE_ADD does not take. */
	ADD_START();
	a = mp_put_u32(&m, MEMPLUG_A_RANGE_ID, 1);
	refused(_metadata, e, &m, EINVAL, "Unsupported attribute", a);
	ADD_START();
	a = mp_put_flag(&m, MEMPLUG_A_RANGE_COMMIT);
	refused(_metadata, e, &m, EINVAL, "Unsupported attribute", a);

	/* START as a u32. */
	mp_req_init(&e->c, &m, MEMPLUG_CMD_RANGE_ADD, false);
	a = mp_put_u32(&m, MEMPLUG_A_RANGE_START, (uint32_t)e->dev_start);
	mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, e->bs);
	refused(_metadata, e, &m, EINVAL, "invalid attribute length", a);

	/* A label one character too long. */
	memset(longname, 'x', MEMPLUG_NAME_LEN);
	longname[MEMPLUG_NAME_LEN] = '\0';
	ADD_START();
	a = mp_put_str(&m, MEMPLUG_A_RANGE_NAME, longname);
	refused(_metadata, e, &m, EINVAL, "Attribute failed policy validation",
		a);

	/* Enumerations and booleans out of range. */
	ADD_START();
	a = mp_put_u32(&m, MEMPLUG_A_RANGE_ZONE_POLICY, MEMPLUG_ZONE_POLICY_MAX + 1);
	refused(_metadata, e, &m, ERANGE, "integer out of range", a);
	ADD_START();
	a = mp_put_u32(&m, MEMPLUG_A_RANGE_ZONE_POLICY, 0);
	refused(_metadata, e, &m, ERANGE, "integer out of range", a);
	ADD_START();
	a = mp_put_u8(&m, MEMPLUG_A_RANGE_PROTECT, 2);
	refused(_metadata, e, &m, ERANGE, "integer out of range", a);

	/* The same rules for the other commands and for dumps. */
	mp_req_init(&e->c, &m, MEMPLUG_CMD_RANGE_DEL, false);
	mp_put_u32(&m, MEMPLUG_A_RANGE_ID, 1);
	a = mp_put_u64(&m, MEMPLUG_A_RANGE_START, e->dev_start);
	refused(_metadata, e, &m, EINVAL, "Unsupported attribute", a);
	mp_req_init(&e->c, &m, MEMPLUG_CMD_BLOCK_GET, true);
	a = mp_put_str(&m, MEMPLUG_A_BLOCK_ZONE, "Movable");
	refused(_metadata, e, &m, EINVAL, "Unsupported attribute", a);
#undef ADD_START
}

/*
 * STATUS_GET takes no attributes, so any attribute is unknown to it and
 * strict validation must refuse it like for every other command.
 */
TEST_F(refuse, status_get_strict)
{
	struct mp_env *e = &self->e;
	struct mp_status st;
	struct mp_ack ack;
	struct mp_msg m;
	int rc;

	mp_req_init(&e->c, &m, MEMPLUG_CMD_STATUS_GET, false);
	mp_put_u32(&m, MEMPLUG_A_STATUS_RANGES, 1);
	rc = mp_transact_status(&e->c.sock, &m, &st, &ack);
	ASSERT_EQ(-EINVAL, rc)
	TH_LOG("STATUS_GET with an attribute: %d (%s), extack '%s'", rc,
	       rc ? strerror(-rc) : "accepted", ack.msg);
	ASSERT_TRUE(ack.has_msg);
}

/* Header fields the generic netlink core checks for strict families. */
TEST_F(refuse, strict_header_validation)
{
	struct mp_env *e = &self->e;
	struct genlmsghdr *g;
	struct mp_msg m;

	MP_NEED_DEVICE();
	mp_req_init(&e->c, &m, MEMPLUG_CMD_RANGE_ADD, false);
	mp_put_u64(&m, MEMPLUG_A_RANGE_START, e->dev_start);
	mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, e->bs);
	g = (struct genlmsghdr *)(m.buf + NLMSG_HDRLEN);
	g->reserved = 1;
	refused(_metadata, e, &m, EINVAL, "genlmsghdr.reserved field is not 0",
		NULL);

	mp_req_init(&e->c, &m, MEMPLUG_CMD_RANGE_ADD, false);
	mp_put_u64(&m, MEMPLUG_A_RANGE_START, e->dev_start);
	mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, e->bs);
	m.nlh.nlmsg_flags |= NLM_F_EXCL;
	refused(_metadata, e, &m, EINVAL,
		"ambiguous or reserved bits set in nlmsg_flags", NULL);

	/* A command the family does not have. */
	mp_req_init(&e->c, &m, MEMPLUG_CMD_MAX + 1, false);
	refused(_metadata, e, &m, EOPNOTSUPP, NULL, NULL);
	mp_req_init(&e->c, &m, MEMPLUG_CMD_EVENT_NTF, false);
	refused(_metadata, e, &m, EOPNOTSUPP, NULL, NULL);
}

#define INJECT "/sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_OFFLINE/error"

/*
 * An unplug the kernel cannot complete (a memory notifier vetoes offlining
 * with EBUSY) is refused and leaves the range plugged and online, with the
 * failing block reported.
 */
TEST_F_TIMEOUT(refuse, unplug_refused_when_offlining_fails, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	const char *modprobe[] = { NULL, "memory-notifier-error-inject", NULL };
	struct mp_status s0, s1;
	struct mp_snap before;
	struct mp_range r, g;
	struct mp_ack ack;
	struct mp_run run;
	char path[256];
	int rc;

	MP_NEED_DEVICE();
	if (!mp_path_exists(INJECT)) {
		modprobe[0] = mp_which("modprobe", path, sizeof(path));
		if (modprobe[0])
			mp_run(&run, 30, modprobe);
	}
	if (!mp_path_exists(INJECT))
		SKIP(return, "memory-notifier-error-inject is not available");

	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), NULL, &r, &ack),
		 ack);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	MP_OK(mp_block_set(e->dev_block + 1, "online_movable"));
	MP_NL_OK(mp_status_get(&e->c, &s0, &ack), ack);

	MP_OK(mp_write_str(INJECT, "-16"));
	MP_OK(mp_snap_take(&e->c, &before));
	rc = mp_range_del(&e->c, r.id, NULL, &ack);
	MP_OK(mp_write_str(INJECT, "0"));
	MP_REFUSED(rc, ack, EBUSY, MSG_UNPLUG_BUSY);
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);
	MP_BLOCK_STATE(e->dev_block, "online");
	MP_BLOCK_STATE(e->dev_block + 1, "online");

	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGED, g.state);
	ASSERT_EQ(2, g.blocks_online);
	ASSERT_TRUE(g.has_fail_block);
	ASSERT_EQ(e->dev_block, g.fail_block);
	ASSERT_TRUE(g.has_fail_errno);
	ASSERT_EQ(-EBUSY, g.fail_errno);
	MP_NL_OK(mp_status_get(&e->c, &s1, &ack), ack);
	ASSERT_EQ(s0.unplug_failures + 1, s1.unplug_failures);
	ASSERT_EQ(s0.unplugs, s1.unplugs);

	/* Without the veto it goes. */
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	MP_BLOCK_GONE(e->dev_block);
}

TEST_HARNESS_MAIN
