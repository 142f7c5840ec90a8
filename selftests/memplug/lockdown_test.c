// SPDX-License-Identifier: GPL-2.0
/*
 * lockdown_test: FORCE turns physical addresses into RAM as a write to
 * /dev/mem would, so it is refused while the kernel is locked down, like
 * /dev/mem. Lockdown only ever tightens until the next boot, so this runs
 * in a boot of its own (profile "lockdown"): forced plugs work before, and
 * after `echo integrity > /sys/kernel/security/lockdown` they are refused
 * (raw and through memplugctl, exit 4) while plain plugs still work.
 */
#include <sys/mount.h>

#include "memplug_test.h"
#include "ctl.h"

#define LOCKDOWN "/sys/kernel/security/lockdown"
#define MSG_LOCKED \
	"memplug: force is refused while the kernel is locked down, as /dev/mem is"

FIXTURE(lockdown) {
	struct mp_env e;
	const char *ctl;
	struct mp_run *run;
};

FIXTURE_SETUP(lockdown)
{
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	self->ctl = mp_ctl_path();
	self->run = malloc(sizeof(*self->run));
	ASSERT_NE(NULL, self->run);
	if (!mp_path_exists(LOCKDOWN))
		mount("securityfs", "/sys/kernel/security", "securityfs", 0,
		      NULL);
}

FIXTURE_TEARDOWN(lockdown)
{
	free(self->run);
	mp_env_teardown(&self->e);
}

/* Plug and unplug memory nothing describes, forced, never onlined. */
static int forced_plug(struct mp_env *e, uint64_t hole, struct mp_ack *ack)
{
	struct mp_add_opts forced = { .force = true, .defer_online = true };
	struct mp_range r;
	int rc;

	rc = mp_range_add(&e->c, hole, e->bs, &forced, &r, ack);
	if (rc)
		return rc;
	return mp_range_del(&e->c, r.id, NULL, ack);
}

TEST_F_TIMEOUT(lockdown, force_refused_when_locked_down, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	uint64_t hole = mp_iomem_hole(e->dev_start + e->dev_size, e->bs, e->bs);
	struct mp_run *run = self->run;
	char state[128], start[32], size[32];
	struct mp_snap before;
	struct mp_range r;
	struct mp_ack ack;
	long long mt0;
	int rc;

	MP_NEED_DEVICE();
	NEED_CTL();
	ASSERT_NE(0, hole);
	MP_OK(mp_read_str(LOCKDOWN, state, sizeof(state)));
	ASSERT_NE(NULL, strstr(state, "[none]"))
	TH_LOG("the kernel is locked down already: %s", state);

	MP_NL_OK(forced_plug(e, hole, &ack), ack);

	MP_OK(mp_write_str(LOCKDOWN, "integrity"));
	MP_OK(mp_read_str(LOCKDOWN, state, sizeof(state)));
	ASSERT_NE(NULL, strstr(state, "[integrity]")) TH_LOG("%s", state);

	MP_OK(mp_snap_take(&e->c, &before));
	rc = forced_plug(e, hole, &ack);
	MP_REFUSED(rc, ack, EPERM, MSG_LOCKED);
	snprintf(start, sizeof(start), "0x%" PRIx64, hole);
	snprintf(size, sizeof(size), "%" PRIu64, e->bs);
	CTL(run, "plug", "--start", start, "--size", size, "--force",
	    "--online", "none");
	EXIT_IS(run, 4);
	STDERR_HAS(run, MSG_LOCKED);
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);

	/* Memory the firmware describes still plugs, onlines and unplugs. */
	mt0 = mp_memtotal_kb();
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->bs, NULL, &r, &ack), ack);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	ASSERT_EQ(mt0 + MP_KB(e->bs), mp_memtotal_kb());
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_EQ(mt0, mp_memtotal_kb());
}

TEST_HARNESS_MAIN
