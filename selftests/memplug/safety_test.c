// SPDX-License-Identifier: GPL-2.0
/*
 * safety_test: hibernation is refused while a range is plugged.
 *
 * The image would carry device memory into a kernel that may not have the
 * device. memplug's PM notifier refuses it (EBUSY from /sys/power/state)
 * before any task is frozen, and the range stays as it was. (Without a
 * plugged range the test does not try: the VM would really hibernate.)
 */
#include <fcntl.h>
#include <unistd.h>

#include "memplug_test.h"

FIXTURE(safety) {
	struct mp_env e;
};

FIXTURE_SETUP(safety)
{
	ASSERT_EQ(0, mp_env_setup(&self->e)) TH_LOG("setup: %s", mp_errstr());
}

MP_FIXTURE_TEARDOWN(safety)

/* Write @what to /sys/power/state; return 0 or -errno. */
static int power_state(const char *what)
{
	int fd = open("/sys/power/state", O_WRONLY), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, what, strlen(what)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

TEST_F_TIMEOUT(safety, hibernation_refused_while_plugged, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	char states[64];
	struct mp_range r, g;
	struct mp_ack ack;

	MP_NEED_DEVICE();
	MP_OK(mp_read_str("/sys/power/state", states, sizeof(states)));
	if (!strstr(states, "disk"))
		SKIP(return, "this kernel cannot hibernate (%s)", states);

	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), NULL, &r, &ack),
		 ack);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	ASSERT_EQ(-EBUSY, power_state("disk"));
	/* Nothing moved: the range and its online block are as they were. */
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGED, g.state);
	ASSERT_EQ(1, g.blocks_online);
	MP_BLOCK_STATE(e->dev_block, "online");
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
}

TEST_HARNESS_MAIN
