// SPDX-License-Identifier: GPL-2.0
/*
 * exclude_test: exclusion lists (RANGE_ADD EXCLUDE nests) as a user sees
 * their effect:
 *   - the excluded pages never reach the allocator: MemTotal grows by the
 *     range less exactly those pages, PAGES_EXCLUDED and PAGES_ONLINE say
 *     the same, /proc/kpageflags shows each of them PageOffline (and their
 *     neighbours not), and they stay so under memory use; overlapping
 *     exclusions are merged, one across a block boundary is split right;
 *   - a range with exclusions and live data on it (a tmpfs file) unplugs:
 *     the data moves, its content is intact, MemTotal and /proc/iomem are
 *     as before;
 *   - malformed lists are refused with their errno and text, pointing at
 *     the bad nest, and change nothing; 64 entries are accepted.
 */
#include <fcntl.h>
#include <unistd.h>

#include "memplug_test.h"

#define PAGE 4096ULL
#define KPF_BUDDY 10
#define KPF_OFFLINE 23

#define MSG_OUTSIDE "memplug: exclusion lies outside the range"
#define MSG_ALIGN "memplug: exclusion must be non-empty and page aligned"
#define MSG_MISSING "exclusion needs a start and a size"
#define MSG_TOO_MANY "memplug: too many exclusion ranges"

#define DATA_FILE "/tmp/memplug-exclude-test.data"

FIXTURE(exclude) {
	struct mp_env e;
};

FIXTURE_SETUP(exclude)
{
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	unlink(DATA_FILE);
	/* Exclusion needs memplug's online page callback. */
	mp_rmmod_if_loaded("memplug_test_slot");
}

FIXTURE_TEARDOWN(exclude)
{
	unlink(DATA_FILE);
	mp_env_teardown(&self->e);
}

static bool pfn_excluded(const struct mp_excl *x, int n, uint64_t pfn)
{
	int i;

	for (i = 0; i < n; i++)
		if (pfn >= x[i].start / PAGE &&
		    pfn < (x[i].start + x[i].size) / PAGE)
			return true;
	return false;
}

/*
 * Every excluded pfn is PageOffline and not free; the pages right around
 * each exclusion and a spread of others are not PageOffline.
 */
static void check_kpageflags(struct __test_metadata *_metadata,
			     const struct mp_range *r)
{
	uint64_t first = r->start / PAGE, end = (r->start + r->size) / PAGE;
	uint64_t pfn, flags;
	int i, offline = 0;

	for (i = 0; i < r->nr_excl; i++) {
		uint64_t s = r->excl[i].start / PAGE;
		uint64_t e = s + r->excl[i].size / PAGE;

		for (pfn = s; pfn < e; pfn++) {
			MP_OK(mp_kpageflags(pfn, &flags));
			ASSERT_TRUE(flags & (1ULL << KPF_OFFLINE))
			TH_LOG("excluded pfn %#" PRIx64 ": flags %#" PRIx64,
			       pfn, flags);
			ASSERT_FALSE(flags & (1ULL << KPF_BUDDY));
			offline++;
		}
		for (pfn = s - 1; pfn <= e; pfn += e - s + 1) {
			if (pfn < first || pfn >= end ||
			    pfn_excluded(r->excl, r->nr_excl, pfn))
				continue;
			MP_OK(mp_kpageflags(pfn, &flags));
			ASSERT_FALSE(flags & (1ULL << KPF_OFFLINE))
			TH_LOG("pfn %#" PRIx64 " next to an exclusion: flags %#" PRIx64,
			       pfn, flags);
		}
	}
	for (pfn = first; pfn < end; pfn += 509) {
		if (pfn_excluded(r->excl, r->nr_excl, pfn))
			continue;
		MP_OK(mp_kpageflags(pfn, &flags));
		ASSERT_FALSE(flags & (1ULL << KPF_OFFLINE))
		TH_LOG("pfn %#" PRIx64 ": flags %#" PRIx64, pfn, flags);
	}
	ASSERT_EQ((int64_t)r->pages_excluded, offline);
}

/* Use (and give back) @mib of anonymous memory, page by page. */
static void churn_memory(struct __test_metadata *_metadata, size_t mib)
{
	size_t len = mib << 20, i;
	char *p = malloc(len);

	ASSERT_NE(NULL, p);
	for (i = 0; i < len; i += PAGE)
		p[i] = (char)i;
	free(p);
}

/*
 * 256 MiB with 3 pages here, 5 there, two overlapping runs of 8 (merged
 * into 12) and 4 across the boundary of its two blocks: 24 pages kept out.
 */
TEST_F_TIMEOUT(exclude, accounting_exact, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	const uint64_t s = e->dev_start, bs = e->bs;
	const struct mp_excl x[] = {
		{ s + 0x10000, 3 * PAGE },
		{ s + bs + 0x200000, 5 * PAGE },
		{ s + 0x100000, 8 * PAGE },
		{ s + 0x100000 + 4 * PAGE, 8 * PAGE },
		{ s + bs - 2 * PAGE, 4 * PAGE },
	};
	const struct mp_excl merged[] = {
		{ s + 0x10000, 3 * PAGE },
		{ s + 0x100000, 12 * PAGE },
		{ s + bs - 2 * PAGE, 4 * PAGE },
		{ s + bs + 0x200000, 5 * PAGE },
	};
	const uint64_t excluded = 24, pages = MP_MIB(256) / PAGE;
	struct mp_add_opts o = {
		.zone_policy = MEMPLUG_ZONE_POLICY_MOVABLE,
		.nr_excl = ARRAY_SIZE(x),
		.excl = x,
	};
	struct mp_range r, g;
	struct mp_ack ack;
	long long mt0;
	char *io0, *io;
	unsigned int i;

	MP_NEED_DEVICE();
	mt0 = mp_memtotal_kb();
	io0 = mp_iomem();
	ASSERT_NE(NULL, io0);
	MP_NL_OK(mp_range_add(&e->c, s, MP_MIB(256), &o, &r, &ack), ack);
	ASSERT_EQ(ARRAY_SIZE(merged), r.nr_excl);
	for (i = 0; i < ARRAY_SIZE(merged); i++) {
		ASSERT_EQ(merged[i].start, r.excl[i].start) TH_LOG("entry %u", i);
		ASSERT_EQ(merged[i].size, r.excl[i].size) TH_LOG("entry %u", i);
	}
	/* Offline, nothing is accounted yet. */
	ASSERT_EQ(0, r.pages_excluded);
	ASSERT_EQ(0, r.pages_online);

	TH_LOG("MemTotal %+lld kB after the add", mp_memtotal_kb() - mt0);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	TH_LOG("MemTotal %+lld kB after onlining memory%u",
	       mp_memtotal_kb() - mt0, e->dev_block);
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	/* Block 0 holds 3 + 12 + 2 of them. */
	ASSERT_EQ(17, g.pages_excluded);
	ASSERT_EQ(bs / PAGE - 17, g.pages_online);
	ASSERT_EQ(mt0 + (long long)(bs / PAGE - 17) * 4, mp_memtotal_kb());

	MP_OK(mp_block_set(e->dev_block + 1, "online_movable"));
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(excluded, g.pages_excluded);
	ASSERT_EQ(pages - excluded, g.pages_online);
	ASSERT_EQ(0, g.pages_bad);
	ASSERT_EQ(mt0 + (long long)(pages - excluded) * 4, mp_memtotal_kb())
	TH_LOG("MemTotal must grow by 256 MiB less %" PRIu64 " pages", excluded);
	check_kpageflags(_metadata, &g);

	/* They stay out while the allocator is busy. */
	churn_memory(_metadata, 384);
	check_kpageflags(_metadata, &g);
	ASSERT_EQ(mt0 + (long long)(pages - excluded) * 4, mp_memtotal_kb());

	/* Offline and online one block again: the same accounting. */
	MP_OK(mp_block_set(e->dev_block + 1, "offline"));
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(17, g.pages_excluded);
	ASSERT_EQ(mt0 + (long long)(bs / PAGE - 17) * 4, mp_memtotal_kb())
	TH_LOG("offlining memory%u (7 pages excluded) left MemTotal off by %lld kB",
	       e->dev_block + 1,
	       mp_memtotal_kb() - mt0 - (long long)(bs / PAGE - 17) * 4);
	MP_OK(mp_block_set(e->dev_block + 1, "online_movable"));
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(excluded, g.pages_excluded);
	ASSERT_EQ(mt0 + (long long)(pages - excluded) * 4, mp_memtotal_kb());
	check_kpageflags(_metadata, &g);

	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_EQ(mt0, mp_memtotal_kb())
	TH_LOG("MemTotal after unplug is off by %lld kB",
	       mp_memtotal_kb() - mt0);
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	ASSERT_STREQ(io0, io);
	free(io);
	free(io0);
}

/* Deterministic content: a 64-bit xorshift of the word's index. */
static uint64_t data_word(uint64_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ULL + 1;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

static int write_data(const char *path, size_t len)
{
	uint64_t buf[8192], w = 0;
	size_t done = 0;
	int fd, i;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (done < len) {
		for (i = 0; i < 8192; i++)
			buf[i] = data_word(w++);
		if (write(fd, buf, sizeof(buf)) != sizeof(buf)) {
			close(fd);
			return -EIO;
		}
		done += sizeof(buf);
	}
	close(fd);
	return 0;
}

/* 0 if @path holds what write_data() wrote, else the first bad offset + 1. */
static long long check_data(const char *path, size_t len)
{
	uint64_t buf[8192], w = 0;
	size_t done = 0;
	int fd, i;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (done < len) {
		if (read(fd, buf, sizeof(buf)) != sizeof(buf)) {
			close(fd);
			return done + 1;
		}
		for (i = 0; i < 8192; i++, w++)
			if (buf[i] != data_word(w)) {
				close(fd);
				return w * 8 + 1;
			}
		done += sizeof(buf);
	}
	close(fd);
	return 0;
}

/*
 * Exclusions and live data: a tmpfs file of half the range lands in it
 * (ZONE_MOVABLE is tried first and holds only this range), and unplug
 * migrates it away intact.
 */
TEST_F_TIMEOUT(exclude, unplug_with_live_data, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	const uint64_t s = e->dev_start, bs = e->bs;
	const struct mp_excl x[] = {
		{ s + 0x300000, 7 * PAGE },
		{ s + bs + 0x10000, 9 * PAGE },
	};
	struct mp_add_opts o = {
		.zone_policy = MEMPLUG_ZONE_POLICY_MOVABLE,
		.nr_excl = ARRAY_SIZE(x),
		.excl = x,
	};
	const size_t len = MP_MIB(128);
	long long mt0, free0, free1, bad;
	struct mp_range r, g;
	struct mp_ack ack;
	char *io0, *io;

	MP_NEED_DEVICE();
	mt0 = mp_memtotal_kb();
	io0 = mp_iomem();
	ASSERT_NE(NULL, io0);
	MP_NL_OK(mp_range_add(&e->c, s, MP_MIB(256), &o, &r, &ack), ack);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	MP_OK(mp_block_set(e->dev_block + 1, "online_movable"));
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(16, g.pages_excluded);
	ASSERT_EQ(mt0 + (long long)(MP_MIB(256) / PAGE - 16) * 4,
		  mp_memtotal_kb());

	free0 = mp_zone_free_pages("Movable");
	ASSERT_GT(free0, 0) TH_LOG("%s", mp_errstr());
	MP_OK(write_data(DATA_FILE, len));
	free1 = mp_zone_free_pages("Movable");
	TH_LOG("Movable free pages %lld -> %lld with a %zu MiB file", free0,
	       free1, len >> 20);
	/* Most of the file is in the range. */
	ASSERT_GE(free0 - free1, (long long)(len / PAGE) / 2);

	MP_NL_OK(mp_range_del(&e->c, r.id, &g, &ack), ack);
	TH_LOG("unplug took %" PRIu64 " ms", g.remove_ns / 1000000);
	MP_BLOCK_GONE(e->dev_block);
	MP_BLOCK_GONE(e->dev_block + 1);
	bad = check_data(DATA_FILE, len);
	ASSERT_EQ(0, bad) TH_LOG("file content differs at byte %lld", bad - 1);
	ASSERT_EQ(mt0, mp_memtotal_kb())
	TH_LOG("MemTotal after unplug is off by %lld kB",
	       mp_memtotal_kb() - mt0);
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	ASSERT_STREQ(io0, io);
	free(io);
	free(io0);
}

/*
 * RANGE_ADD of 256 MiB at the device start with the given exclusion nests
 * appended by @fill; it must be refused with @err and @text, blaming the
 * nest @fill returns (NULL: no attribute blamed), and change nothing.
 */
typedef const struct nlattr *(*excl_fill)(struct mp_msg *m, uint64_t s);

static void excl_refused(struct __test_metadata *_metadata, struct mp_env *e,
			 excl_fill fill, int err, const char *text)
{
	const struct nlattr *bad;
	struct mp_snap before;
	struct mp_ack ack;
	struct mp_msg m;
	int rc;

	mp_req_init(&e->c, &m, MEMPLUG_CMD_RANGE_ADD, false);
	ASSERT_NE(NULL, mp_put_u64(&m, MEMPLUG_A_RANGE_START, e->dev_start));
	ASSERT_NE(NULL, mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, MP_MIB(256)));
	bad = fill(&m, e->dev_start);
	MP_OK(mp_snap_take(&e->c, &before));
	rc = mp_transact_range(&e->c, &m, NULL, &ack);
	MP_REFUSED(rc, ack, err, text);
	if (bad) {
		ASSERT_TRUE(ack.has_offs) TH_LOG("no offending attribute");
		ASSERT_EQ(mp_msg_offset(&m, bad), ack.offs);
	} else {
		ASSERT_FALSE(ack.has_offs);
	}
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);
}

/* One EXCLUDE nest; a negative @start or @size leaves that attribute out. */
static const struct nlattr *nest(struct mp_msg *m, long long start,
				 long long size)
{
	struct nlattr *n = mp_nest_start(m, MEMPLUG_A_RANGE_EXCLUDE);

	if (!n)
		return NULL;
	if (start >= 0)
		mp_put_u64(m, MEMPLUG_A_EXCLUDE_START, start);
	if (size >= 0)
		mp_put_u64(m, MEMPLUG_A_EXCLUDE_SIZE, size);
	mp_nest_end(m, n);
	return n;
}

static const struct nlattr *before_range(struct mp_msg *m, uint64_t s)
{
	return nest(m, s - PAGE, PAGE);
}

static const struct nlattr *over_the_end(struct mp_msg *m, uint64_t s)
{
	return nest(m, s + MP_MIB(256) - PAGE, 2 * PAGE);
}

static const struct nlattr *after_range(struct mp_msg *m, uint64_t s)
{
	return nest(m, s + MP_MIB(256), PAGE);
}

static const struct nlattr *huge_size(struct mp_msg *m, uint64_t s)
{
	return nest(m, s + PAGE, 0x7ffffffffffff000LL);
}

static const struct nlattr *start_unaligned(struct mp_msg *m, uint64_t s)
{
	return nest(m, s + 100, PAGE);
}

static const struct nlattr *size_unaligned(struct mp_msg *m, uint64_t s)
{
	return nest(m, s + PAGE, PAGE - 1);
}

static const struct nlattr *size_zero(struct mp_msg *m, uint64_t s)
{
	return nest(m, s + PAGE, 0);
}

static const struct nlattr *no_start(struct mp_msg *m, uint64_t s)
{
	return nest(m, -1, PAGE);
}

static const struct nlattr *no_size(struct mp_msg *m, uint64_t s)
{
	return nest(m, s + PAGE, -1);
}

static const struct nlattr *empty_nest(struct mp_msg *m, uint64_t s)
{
	return nest(m, -1, -1);
}

/* A good entry first: the kernel must blame the second. */
static const struct nlattr *second_bad(struct mp_msg *m, uint64_t s)
{
	nest(m, s, PAGE);
	return nest(m, s + MP_MIB(256), PAGE);
}

static const struct nlattr *too_many(struct mp_msg *m, uint64_t s)
{
	int i;

	for (i = 0; i <= MEMPLUG_MAX_EXCLUDES; i++)
		nest(m, s + (uint64_t)i * 2 * PAGE, PAGE);
	return NULL;
}

TEST_F(exclude, outside_the_range)
{
	MP_NEED_DEVICE();
	excl_refused(_metadata, &self->e, before_range, ERANGE, MSG_OUTSIDE);
	excl_refused(_metadata, &self->e, over_the_end, ERANGE, MSG_OUTSIDE);
	excl_refused(_metadata, &self->e, after_range, ERANGE, MSG_OUTSIDE);
	excl_refused(_metadata, &self->e, huge_size, ERANGE, MSG_OUTSIDE);
	excl_refused(_metadata, &self->e, second_bad, ERANGE, MSG_OUTSIDE);
}

TEST_F(exclude, unaligned_or_empty)
{
	MP_NEED_DEVICE();
	excl_refused(_metadata, &self->e, start_unaligned, EINVAL, MSG_ALIGN);
	excl_refused(_metadata, &self->e, size_unaligned, EINVAL, MSG_ALIGN);
	excl_refused(_metadata, &self->e, size_zero, EINVAL, MSG_ALIGN);
}

TEST_F(exclude, start_or_size_missing)
{
	MP_NEED_DEVICE();
	excl_refused(_metadata, &self->e, no_start, EINVAL, MSG_MISSING);
	excl_refused(_metadata, &self->e, no_size, EINVAL, MSG_MISSING);
	excl_refused(_metadata, &self->e, empty_nest, EINVAL, MSG_MISSING);
}

TEST_F(exclude, more_than_64)
{
	MP_NEED_DEVICE();
	excl_refused(_metadata, &self->e, too_many, E2BIG, MSG_TOO_MANY);
}

/* 64 entries, the most allowed, are taken and reported back as given. */
TEST_F_TIMEOUT(exclude, exactly_64, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_excl x[MEMPLUG_MAX_EXCLUDES];
	struct mp_add_opts o = { .nr_excl = MEMPLUG_MAX_EXCLUDES, .excl = x };
	struct mp_range r;
	struct mp_ack ack;
	int i;

	MP_NEED_DEVICE();
	/* Given in reverse: the kernel sorts them. */
	for (i = 0; i < MEMPLUG_MAX_EXCLUDES; i++) {
		x[i].start = e->dev_start + MP_MIB(4) * (MEMPLUG_MAX_EXCLUDES - 1 - i);
		x[i].size = PAGE;
	}
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), &o, &r, &ack),
		 ack);
	ASSERT_EQ(MEMPLUG_MAX_EXCLUDES, r.nr_excl);
	for (i = 0; i < MEMPLUG_MAX_EXCLUDES; i++) {
		ASSERT_EQ(e->dev_start + MP_MIB(4) * i, r.excl[i].start);
		ASSERT_EQ(PAGE, r.excl[i].size);
	}
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
}

TEST_HARNESS_MAIN
