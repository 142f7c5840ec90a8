// SPDX-License-Identifier: GPL-2.0
/*
 * automovable_test: with the kernel's auto-movable online policy, "plug
 * --online online" leaves the zone to the kernel's ratio logic.
 *
 * Runs in the "automovable" VM profile
 * (memory_hotplug.online_policy=auto-movable). Every range is one static
 * memory group, so the kernel decides per range: with the default ratio
 * (301%: up to about three times the kernel memory may be movable) a range
 * goes to ZONE_MOVABLE; with auto_movable_ratio=0 no movable memory is
 * allowed and the next range goes to a kernel zone. memplugctl checks and
 * reports the zone the kernel chose and both ranges unplug.
 */
#include "memplug_test.h"
#include "ctl.h"

#define RATIO "/sys/module/memory_hotplug/parameters/auto_movable_ratio"

FIXTURE(automovable) {
	struct mp_env e;
	const char *ctl;
	char ratio[16];
};

FIXTURE_SETUP(automovable)
{
	char policy[32];

	ASSERT_EQ(0, mp_env_setup(&self->e)) TH_LOG("setup: %s", mp_errstr());
	self->ctl = mp_ctl_path();
	ASSERT_EQ(0, mp_read_str("/sys/module/memory_hotplug/parameters/online_policy",
				 policy, sizeof(policy)));
	ASSERT_STREQ("auto-movable", policy);
	ASSERT_EQ(0, mp_read_str(RATIO, self->ratio, sizeof(self->ratio)));
}

FIXTURE_TEARDOWN(automovable)
{
	mp_write_str(RATIO, self->ratio);
	mp_env_teardown(&self->e);
}

/* Plug 256 MiB at @start with --online online; return its id. */
static long long plug_online(struct __test_metadata *_metadata,
			     FIXTURE_DATA(automovable) *self, uint64_t start)
{
	struct mp_run run;
	char start_arg[32];
	long long id = -1;
	char *json;

	snprintf(start_arg, sizeof(start_arg), "0x%" PRIx64, start);
	CTL(&run, "plug", "--start", start_arg, "--size", "256M", "--online",
	    "online", "--json");
	EXIT_IS(&run, 0);
	json = json_of(&run);
	if (json)
		mp_json_int(json, "id", &id);
	free(json);
	return id;
}

static void zones_are(struct __test_metadata *_metadata, struct mp_env *e,
		      long long id, bool movable)
{
	struct mp_block b[4];
	struct mp_ack ack;
	int n, i;

	MP_NL_OK(mp_block_dump(&e->c, id, b, 4, &n, &ack), ack);
	ASSERT_EQ(2, n);
	for (i = 0; i < n; i++) {
		char sysfs[64];

		ASSERT_EQ(MEMPLUG_BLOCK_STATE_ONLINE, b[i].state);
		MP_OK(mp_block_zones(b[i].id, sysfs, sizeof(sysfs)));
		ASSERT_STREQ(b[i].zone, sysfs);
		if (movable) {
			ASSERT_STREQ("Movable", b[i].zone);
		} else {
			ASSERT_STRNE("Movable", b[i].zone);
		}
	}
}

TEST_F_TIMEOUT(automovable, zones_follow_the_ratio, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	long long movable_id, kernel_id;
	struct mp_run run;
	char buf[24];

	MP_NEED_DEVICE();
	NEED_CTL();
	movable_id = plug_online(_metadata, self, e->dev_start);
	ASSERT_LT(0, movable_id);
	zones_are(_metadata, e, movable_id, true);

	MP_OK(mp_write_str(RATIO, "0"));
	kernel_id = plug_online(_metadata, self, e->dev_start + MP_MIB(256));
	ASSERT_LT(0, kernel_id);
	zones_are(_metadata, e, kernel_id, false);

	snprintf(buf, sizeof(buf), "%lld", kernel_id);
	CTL(&run, "unplug", buf);
	EXIT_IS(&run, 0);
	snprintf(buf, sizeof(buf), "%lld", movable_id);
	CTL(&run, "unplug", buf);
	EXIT_IS(&run, 0);
}

TEST_HARNESS_MAIN
