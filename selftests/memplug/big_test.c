// SPDX-License-Identifier: GPL-2.0
/*
 * big_test: memplug at scale.
 *
 * Runs in the "big" VM profile: 20 GiB of RAM of which 16 GiB, from 4 GiB
 * up, are device memory (memmap=16G!4G), leaving 4 GiB of System RAM.
 *
 * - One 16 GiB plug (128 blocks of 128 MiB) comes online whole in
 *   ZONE_MOVABLE and unplugs whole.
 * - Four controllers plug four disjoint ranges at the same time, and unplug
 *   them at the same time.
 * - Live data survives unplug: a tmpfs file filling most of a 2 GiB range
 *   is moved out of it when that range is unplugged, into another range,
 *   with little memory to spare, and reads back bit for bit.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "memplug_test.h"
#include "ctl.h"

#define BIG_TIMEOUT 1200
#define TMPFS "/tmp/big-test"

FIXTURE(big) {
	struct mp_env e;
	const char *ctl;
};

FIXTURE_SETUP(big)
{
	ASSERT_EQ(0, mp_env_setup(&self->e)) TH_LOG("setup: %s", mp_errstr());
	self->ctl = mp_ctl_path();
}

FIXTURE_TEARDOWN(big)
{
	umount2(TMPFS, MNT_DETACH);
	mp_env_teardown(&self->e);
}

/* memplugctl plug START SIZE --json; returns the id or -1. */
static long long plug(struct __test_metadata *_metadata,
		      FIXTURE_DATA(big) *self, uint64_t start, const char *size)
{
	struct mp_run run;
	char start_arg[32];
	long long id = -1;
	char *json;

	snprintf(start_arg, sizeof(start_arg), "0x%" PRIx64, start);
	CTL(&run, "plug", "--start", start_arg, "--size", size, "--json");
	EXIT_IS(&run, 0);
	json = json_of(&run);
	if (json)
		mp_json_int(json, "id", &id);
	free(json);
	return id;
}

static void unplug(struct __test_metadata *_metadata, FIXTURE_DATA(big) *self,
		   long long id)
{
	struct mp_run run;
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", id);
	CTL(&run, "unplug", buf, "--timeout", "600");
	EXIT_IS(&run, 0);
}

TEST_F_TIMEOUT(big, plug_16g_whole, BIG_TIMEOUT)
{
	struct mp_env *e = &self->e;
	long long mt0 = mp_memtotal_kb(), id;
	struct mp_range r;
	struct mp_ack ack;
	unsigned int i;

	MP_NEED_DEVICE();
	NEED_CTL();
	ASSERT_LE(MP_GIB(16), e->dev_size);
	id = plug(_metadata, self, e->dev_start, "16G");
	ASSERT_LT(0, id);
	MP_NL_OK(mp_range_get(&e->c, id, &r, &ack), ack);
	ASSERT_EQ(128, r.blocks);
	ASSERT_EQ(128, r.blocks_online);
	ASSERT_EQ(mt0 + MP_KB(MP_GIB(16)), mp_memtotal_kb());
	for (i = 0; i < 128; i += 31) {
		char zone[32];

		MP_BLOCK_STATE(e->dev_block + i, "online");
		MP_OK(mp_block_zones(e->dev_block + i, zone, sizeof(zone)));
		ASSERT_STREQ("Movable", zone);
	}
	TH_LOG("16 GiB: add %.2f s, online %.2f s in the kernel",
	       r.add_ns / 1e9, r.online_ns / 1e9);
	unplug(_metadata, self, id);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	MP_BLOCK_GONE(e->dev_block);
	MP_BLOCK_GONE(e->dev_block + 127);
}

/* Run memplugctl @argv in a child; return its pid. */
static pid_t spawn(const char *const argv[])
{
	pid_t pid = fork();

	if (!pid) {
		int fd = open("/dev/null", O_RDWR);

		dup2(fd, 0);
		dup2(fd, 1);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

TEST_F_TIMEOUT(big, four_controllers_at_once, BIG_TIMEOUT)
{
	struct mp_env *e = &self->e;
	long long mt0 = mp_memtotal_kb();
	struct mp_range r[8];
	char starts[4][32];
	struct mp_ack ack;
	pid_t pid[4];
	int i, n, status;

	MP_NEED_DEVICE();
	NEED_CTL();
	for (i = 0; i < 4; i++) {
		const char *argv[] = { self->ctl, "plug", "--start", starts[i],
				       "--size", "2G", NULL };

		snprintf(starts[i], sizeof(starts[i]), "0x%" PRIx64,
			 e->dev_start + MP_GIB(2) * i);
		pid[i] = spawn(argv);
		ASSERT_LT(0, pid[i]);
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("plug %d: status %#x", i, status);
	}
	MP_NL_OK(mp_range_dump(&e->c, r, 8, &n, &ack), ack);
	ASSERT_EQ(4, n);
	for (i = 0; i < n; i++)
		ASSERT_EQ(16, r[i].blocks_online);
	ASSERT_EQ(mt0 + MP_KB(MP_GIB(8)), mp_memtotal_kb());

	for (i = 0; i < 4; i++) {
		char id[24];
		const char *argv[] = { self->ctl, "unplug", id, NULL };

		snprintf(id, sizeof(id), "%u", r[i].id);
		pid[i] = spawn(argv);
		ASSERT_LT(0, pid[i]);
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("unplug %d: status %#x", i, status);
	}
	MP_NL_OK(mp_range_dump(&e->c, r, 8, &n, &ack), ack);
	ASSERT_EQ(0, n);
	ASSERT_EQ(mt0, mp_memtotal_kb());
}

/* A 64-bit FNV-1a over the file, read through a mapping. */
static int file_hash(const char *path, uint64_t *hash)
{
	struct stat st;
	const unsigned char *p;
	uint64_t h = 0xcbf29ce484222325ULL;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		return -errno;
	p = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -errno;
	for (off_t i = 0; i < st.st_size; i += 8) {
		h ^= *(const uint64_t *)(p + i);
		h *= 0x100000001b3ULL;
	}
	munmap((void *)p, st.st_size);
	*hash = h;
	return 0;
}

/* Fill @path with @bytes of patterned data through a mapping. */
static int file_fill(const char *path, uint64_t bytes)
{
	uint64_t *p, x = 0x9e3779b97f4a7c15ULL;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || ftruncate(fd, bytes))
		return -errno;
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -errno;
	for (uint64_t i = 0; i < bytes / 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = x;
	}
	munmap(p, bytes);
	return 0;
}

TEST_F_TIMEOUT(big, data_survives_unplug, BIG_TIMEOUT)
{
	struct mp_env *e = &self->e;
	const uint64_t fill = MP_MIB(1792);
	long long movable0, movable1, a, b;
	uint64_t h0, h1;

	MP_NEED_DEVICE();
	NEED_CTL();
	mkdir(TMPFS, 0700);
	ASSERT_EQ(0, mount("tmpfs", TMPFS, "tmpfs", 0, "size=3g"))
	TH_LOG("mount tmpfs: %s", strerror(errno));

	/* Alone in ZONE_MOVABLE, range A takes the file's pages. */
	a = plug(_metadata, self, e->dev_start, "2G");
	ASSERT_LT(0, a);
	movable0 = mp_zone_free_pages("Movable");
	MP_OK(file_fill(TMPFS "/data", fill));
	movable1 = mp_zone_free_pages("Movable");
	TH_LOG("the file took %lld MiB of range A's %d MiB",
	       (movable0 - movable1) * 4 / 1024, 2048);
	ASSERT_LE((long long)(fill / 4096) * 9 / 10, movable0 - movable1);
	MP_OK(file_hash(TMPFS "/data", &h0));

	/* Range B is where the data must go; there is little else free. */
	b = plug(_metadata, self, e->dev_start + MP_GIB(2), "2G");
	ASSERT_LT(0, b);
	unplug(_metadata, self, a);
	MP_OK(file_hash(TMPFS "/data", &h1));
	ASSERT_EQ(h0, h1) TH_LOG("the file changed while range A was unplugged");

	ASSERT_EQ(0, unlink(TMPFS "/data"));
	unplug(_metadata, self, b);
}

TEST_HARNESS_MAIN
