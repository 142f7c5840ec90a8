// SPDX-License-Identifier: GPL-2.0
/*
 * kdump_test: a kdump kernel plugs nothing.
 *
 * Runs in the "kdump" VM profile, which boots with an elfcorehdr= address:
 * that is what makes a kernel a kdump kernel (is_kdump_kernel()). The
 * address points into the device range, where the kernel finds no core
 * header and carries on. Status reports the kdump kernel, and every plug,
 * through netlink and through memplugctl, is refused with the reason and
 * changes nothing.
 */
#include "memplug_test.h"
#include "ctl.h"

FIXTURE(kdump) {
	struct mp_env e;
	const char *ctl;
	char start[32];
};

FIXTURE_SETUP(kdump)
{
	ASSERT_EQ(0, mp_env_setup(&self->e)) TH_LOG("setup: %s", mp_errstr());
	self->ctl = mp_ctl_path();
	snprintf(self->start, sizeof(self->start), "0x%" PRIx64,
		 self->e.dev_start);
}

MP_FIXTURE_TEARDOWN(kdump)

TEST_F_TIMEOUT(kdump, plug_is_refused, MP_TIMEOUT)
{
	struct mp_snap before, after;
	struct mp_status st;
	struct mp_range r;
	struct mp_ack ack;
	struct mp_run run;
	char why[256];
	int rc;

	NEED_CTL();
	MP_NL_OK(mp_status_get(&self->e.c, &st, &ack), ack);
	ASSERT_TRUE(st.kdump);
	MP_OK(mp_snap_take(&self->e.c, &before));
	rc = mp_range_add(&self->e.c, self->e.dev_start, MP_MIB(256), NULL, &r,
			  &ack);
	MP_REFUSED(rc, ack, EOPNOTSUPP,
		   "memplug: refusing to hotplug memory in a kdump kernel");
	CTL(&run, "plug", "--start", self->start, "--size", "256M");
	EXIT_IS(&run, 1);
	STDERR_HAS(&run, "kdump kernel");
	CTL(&run, "status", "--json");
	EXIT_IS(&run, 0);
	ASSERT_NE(NULL, strstr(run.out, "\"kdump\":true"))
	TH_LOG("%s", run.out);
	MP_OK(mp_snap_take(&self->e.c, &after));
	ASSERT_EQ(0, mp_snap_diff(&before, &after, false, why, sizeof(why)))
	TH_LOG("%s", why);
	mp_snap_free(&before);
	mp_snap_free(&after);
}

TEST_HARNESS_MAIN
