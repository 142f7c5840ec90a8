// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_test: memplug beside a real virtio-mem device and Debian's
 * virtio_mem driver (profile "virtio": a QEMU virtio-mem-pci device with a
 * requested size of 512 MiB). virtio-mem needs the kernel's one online
 * page callback slot for its memory, and memplug holds it only while one
 * of its ranges needs it (--verify, --exclude):
 *
 *   1. memplug holds the slot for a --verify range when virtio_mem loads:
 *      the driver's probe fails (the kernel gives the slot to one driver)
 *      and its memory stays out. Unplugging the range gives the slot back.
 *      The virtio core does not probe a device again after a failed probe
 *      (it stays marked failed), so the operator removes its PCI function
 *      and rescans the bus: the new device is probed, and its memory comes
 *      in.
 *   2. memplug loaded first, idle, then virtio_mem: virtio-mem's memory
 *      comes online (MemTotal grows by the requested size), and memplug
 *      plugs plain ranges beside it; --verify and --exclude are refused
 *      with the reason, and status says why.
 *   3. virtio_mem first, memplug loaded after it: the same.
 *
 * virtio_mem cannot be unloaded while its memory is plugged, so the three
 * run in this order, in one test.
 */
#include <dirent.h>
#include <unistd.h>

#include "memplug_test.h"

#define VIRTIO_MEM_ID 24 /* VIRTIO_ID_MEM */
#define REQUESTED MP_MIB(512)
#define DRIVER "/sys/bus/virtio/drivers/virtio_mem"
#define MSG_NO_CB \
	"memplug: verify and exclusion need the online page callback, which another driver holds"

FIXTURE(virtio) {
	struct mp_env e;
	char dev[256];
};

/* The virtio device whose device id is virtio-mem's, into @dev. */
static int find_virtio_mem(char *dev, size_t len)
{
	DIR *d = opendir("/sys/bus/virtio/devices");
	struct dirent *de;
	int rc = -ENOENT;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char path[512], id[32];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/virtio/devices/%s/device",
			 de->d_name);
		if (mp_read_str(path, id, sizeof(id)) ||
		    strtoul(id, NULL, 0) != VIRTIO_MEM_ID)
			continue;
		snprintf(dev, len, "%s", de->d_name);
		rc = 0;
		break;
	}
	closedir(d);
	return rc;
}

FIXTURE_SETUP(virtio)
{
	int64_t deadline = mp_time_ms() + 10000;

	ASSERT_EQ(0, mp_env_setup(&self->e)) TH_LOG("setup: %s", mp_errstr());
	/* The PCI transport (a module on some kernels) finds the device. */
	MP_OK(mp_modprobe("virtio_pci", NULL));
	while (find_virtio_mem(self->dev, sizeof(self->dev)) &&
	       mp_time_ms() < deadline)
		mp_sleep_ms(100);
	ASSERT_EQ(0, find_virtio_mem(self->dev, sizeof(self->dev)))
	TH_LOG("no virtio-mem device: profile \"virtio\" boots with one");
}

FIXTURE_TEARDOWN(virtio)
{
	mp_write_str(MP_SYSFS_MEMORY "/auto_online_blocks", "offline");
	mp_env_teardown(&self->e);
}

static bool driver_bound(const char *dev)
{
	char path[512];

	snprintf(path, sizeof(path), DRIVER "/%s", dev);
	return mp_path_exists(path);
}

/*
 * Remove the PCI function of virtio device @dev and rescan the bus, so that
 * the device comes back new and is probed again.
 */
static int pci_rescan(struct __test_metadata *_metadata, const char *dev)
{
	char link[512], target[512], remove[600], *slash;
	int64_t deadline = mp_time_ms() + 10000;
	char now[256];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/virtio/devices/%s", dev);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	/* .../devices/pci0000:00/0000:00:02.0/virtio0 */
	slash = strrchr(target, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	snprintf(remove, sizeof(remove), "/sys/bus/virtio/devices/%s/remove",
		 target);
	if (mp_write_str(remove, "1"))
		return -EIO;
	if (mp_write_str("/sys/bus/pci/rescan", "1"))
		return -EIO;
	while (find_virtio_mem(now, sizeof(now)) && mp_time_ms() < deadline)
		mp_sleep_ms(100);
	TH_LOG("virtio-mem device %s is back as %s", dev, now);
	return 0;
}

/* Wait up to 60 s for MemTotal to reach @want kB. */
static long long wait_memtotal(long long want)
{
	int64_t deadline = mp_time_ms() + 60000;
	long long mt;

	while ((mt = mp_memtotal_kb()) < want && mp_time_ms() < deadline)
		mp_sleep_ms(100);
	return mt;
}

static void status_cb(struct __test_metadata *_metadata, struct mp_ctx *c,
		      uint32_t want)
{
	struct mp_status st;
	struct mp_ack ack;

	MP_NL_OK(mp_status_get(c, &st, &ack), ack);
	ASSERT_EQ(want, st.online_cb);
	ASSERT_EQ(want == MEMPLUG_ONLINE_CB_UNAVAILABLE, st.has_online_cb_reason);
}

/* Plain plugs work beside virtio-mem; verify and exclusion are refused. */
static void beside(struct __test_metadata *_metadata, struct mp_env *e)
{
	const struct mp_excl x = { e->dev_start + 0x10000, 0x1000 };
	struct mp_add_opts plain = { .defer_online = true };
	struct mp_add_opts verify = { .verify = true };
	struct mp_add_opts excl = { .nr_excl = 1, .excl = &x };
	long long mt0 = mp_memtotal_kb();
	struct mp_snap before;
	struct mp_range r;
	struct mp_ack ack;
	int rc;

	/* The kernel auto-onlines for virtio-mem; memplug defers to us. */
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), &plain, &r,
			      &ack), ack);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	MP_OK(mp_block_set(e->dev_block + 1, "online_movable"));
	ASSERT_EQ(mt0 + MP_KB(MP_MIB(256)), mp_memtotal_kb());
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_EQ(mt0, mp_memtotal_kb());

	MP_OK(mp_snap_take(&e->c, &before));
	rc = mp_range_add(&e->c, e->dev_start, MP_MIB(256), &verify, NULL, &ack);
	MP_REFUSED(rc, ack, EOPNOTSUPP, MSG_NO_CB);
	rc = mp_range_add(&e->c, e->dev_start, MP_MIB(256), &excl, NULL, &ack);
	MP_REFUSED(rc, ack, EOPNOTSUPP, MSG_NO_CB);
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);
	status_cb(_metadata, &e->c, MEMPLUG_ONLINE_CB_UNAVAILABLE);
}

TEST_F_TIMEOUT(virtio, three_load_orders, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_add_opts verify = { .verify = true };
	struct mp_range v;
	struct mp_ack ack;
	long long mt0, mt;

	MP_NEED_DEVICE();
	ASSERT_FALSE(mp_module_loaded("virtio_mem"))
	TH_LOG("virtio_mem is loaded already");
	/* virtio-mem leaves onlining to the kernel's policy. */
	MP_OK(mp_write_str(MP_SYSFS_MEMORY "/auto_online_blocks",
			   "online_movable"));
	mt0 = mp_memtotal_kb();

	/* 1. memplug holds the slot: virtio-mem cannot have it. */
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->bs, &verify, &v, &ack),
		 ack);
	status_cb(_metadata, &e->c, MEMPLUG_ONLINE_CB_MEMPLUG);
	MP_OK(mp_modprobe("virtio_mem", NULL));
	mp_sleep_ms(2000);
	ASSERT_FALSE(driver_bound(self->dev))
	TH_LOG("virtio_mem bound to %s while memplug holds the slot",
	       self->dev);
	MP_NL_OK(mp_range_del(&e->c, v.id, NULL, &ack), ack);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	status_cb(_metadata, &e->c, MEMPLUG_ONLINE_CB_IDLE);

	/* 2. Given back, the slot is the driver's: probe the device afresh. */
	MP_OK(pci_rescan(_metadata, self->dev));
	ASSERT_EQ(0, find_virtio_mem(self->dev, sizeof(self->dev)));
	ASSERT_TRUE(driver_bound(self->dev)) TH_LOG("%s unbound", self->dev);
	mt = wait_memtotal(mt0 + MP_KB(REQUESTED));
	ASSERT_EQ(mt0 + MP_KB(REQUESTED), mt)
	TH_LOG("virtio-mem's memory did not come online");
	beside(_metadata, e);

	/* 3. memplug loaded after virtio_mem: the same. */
	mp_close(&e->c);
	MP_OK(mp_rmmod("memplug"));
	MP_OK(mp_insmod(mp_ko_path(), mp_ko_params()));
	MP_OK(mp_open(&e->c));
	status_cb(_metadata, &e->c, MEMPLUG_ONLINE_CB_IDLE);
	beside(_metadata, e);
	ASSERT_EQ(mt0 + MP_KB(REQUESTED), mp_memtotal_kb());
}

TEST_HARNESS_MAIN
