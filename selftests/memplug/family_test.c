// SPDX-License-Identifier: GPL-2.0
/*
 * family_test: the generic netlink family "memplug" as nlctrl announces it,
 * and what STATUS_GET reports, checked against sysfs.
 */
#include <sys/socket.h>

#include "memplug_test.h"

FIXTURE(family) {
	struct mp_env e;
};

MP_FIXTURE_SETUP(family)
MP_FIXTURE_TEARDOWN(family)

/* nlctrl knows the family under its name, with version 1 and its group. */
TEST_F(family, resolved_by_name)
{
	struct mp_family f;
	struct mp_ack ack;

	MP_NL_OK(mp_family_get(&self->e.c.sock, MEMPLUG_FAMILY_NAME, &f, &ack),
		 ack);
	ASSERT_NE(0, f.id);
	ASSERT_EQ(MEMPLUG_FAMILY_VERSION, f.version);
	ASSERT_EQ(1, f.version);
	ASSERT_NE(0, mp_family_grp(&f, MEMPLUG_MCGRP_MONITOR))
	TH_LOG("no \"%s\" multicast group", MEMPLUG_MCGRP_MONITOR);
	ASSERT_EQ(1, f.n_grps);
}

/*
 * Every command of the spec is there, with the do/dump capability the spec
 * gives it, and no other. None carries GENL_ADMIN_PERM, which would let
 * CAP_NET_ADMIN through: the handlers demand CAP_SYS_ADMIN themselves
 * (priv_test). A notification (EVENT_NTF) is no command.
 */
TEST_F(family, commands_and_permissions)
{
	const uint32_t mask = GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP |
			      GENL_ADMIN_PERM;
	struct mp_family *f = &self->e.c.fam;
	int i, n_cmds = 0;

	for (i = 0; i < MP_PROTO_NR_OPS; i++) {
		const struct mp_proto_op *op = &mp_proto_ops[i];
		int64_t flags = mp_family_op_flags(f, op->cmd);

		if (op->event) {
			ASSERT_EQ(-1, flags)
			TH_LOG("notification %s is a command", op->name);
			continue;
		}
		n_cmds++;
		ASSERT_NE(-1, flags) TH_LOG("command %s missing", op->name);
		ASSERT_EQ((op->doit ? GENL_CMD_CAP_DO : 0) |
			  (op->dump ? GENL_CMD_CAP_DUMP : 0),
			  (uint32_t)flags & mask)
		TH_LOG("command %s: flags %#x", op->name, (uint32_t)flags);
	}
	/* EVENT_NTF is a notification only. */
	ASSERT_EQ(-1, mp_family_op_flags(f, MEMPLUG_CMD_EVENT_NTF));
	ASSERT_EQ(n_cmds, f->n_ops);
}

/* A privileged socket may join the monitor group. */
TEST_F(family, monitor_group_joinable_by_root)
{
	uint32_t grp = mp_family_grp(&self->e.c.fam, MEMPLUG_MCGRP_MONITOR);

	ASSERT_NE(0, grp);
	ASSERT_EQ(0, setsockopt(self->e.c.sock.fd, SOL_NETLINK,
				NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
	TH_LOG("joining group %u: %s", grp, strerror(errno));
}

/* STATUS_GET agrees with what sysfs says about the module and the memory. */
TEST_F(family, status_matches_sysfs)
{
	char version[64], ring[32];
	struct mp_status st;
	struct mp_ack ack;

	MP_NL_OK(mp_status_get(&self->e.c, &st, &ack), ack);

	MP_OK(mp_read_str("/sys/module/memplug/version", version,
			  sizeof(version)));
	ASSERT_STREQ(version, st.version);

	ASSERT_TRUE(st.has_block_size);
	ASSERT_EQ(mp_block_size(), st.block_size);
	ASSERT_EQ(self->e.bs, st.block_size);

	MP_OK(mp_read_str("/sys/module/memplug/parameters/event_ring_size",
			  ring, sizeof(ring)));
	ASSERT_EQ(strtoul(ring, NULL, 10), st.event_ring_size);

	/* Root sees the pluggable range, and it covers the device range. */
	ASSERT_TRUE(st.has_pluggable);
	ASSERT_LT(st.pluggable_start, st.pluggable_end);
	if (!self->e.no_device) {
		ASSERT_LE(st.pluggable_start, self->e.dev_start);
		ASSERT_GE(st.pluggable_end,
			  self->e.dev_start + self->e.dev_size - 1);
	}

	/*
	 * With nothing plugged memplug does not hold the online page
	 * callback; if its last attempt found another driver holding it, the
	 * reason is given.
	 */
	ASSERT_TRUE(st.has_online_cb);
	ASSERT_TRUE(st.has_online_cb_ranges);
	ASSERT_EQ(0, st.online_cb_ranges);
	if (st.online_cb == MEMPLUG_ONLINE_CB_UNAVAILABLE) {
		ASSERT_TRUE(st.has_online_cb_reason);
	} else {
		ASSERT_EQ(MEMPLUG_ONLINE_CB_IDLE, st.online_cb);
		ASSERT_FALSE(st.has_online_cb_reason);
	}

	/* After the cleanup: nothing plugged, no live objects. */
	ASSERT_TRUE(st.has_ranges);
	ASSERT_EQ(0, st.ranges);
	ASSERT_EQ(0, st.plugged_bytes);
	ASSERT_TRUE(st.has_objects);
	ASSERT_EQ(0, st.objects);
	ASSERT_EQ(mp_path_exists("/proc/vmcore"), st.kdump);
	ASSERT_GE(st.event_seq, st.event_oldest);
}

/* The counters follow a plug, a refused plug and an unplug. */
TEST_F_TIMEOUT(family, status_counters, MP_TIMEOUT)
{
	struct mp_status s0, s1, s2, s3;
	char comm[32], who[48];
	struct mp_range r;
	struct mp_ack ack;
	int rc;

	MP_NEED_DEVICE();
	MP_NL_OK(mp_status_get(&self->e.c, &s0, &ack), ack);

	MP_NL_OK(mp_range_add(&self->e.c, self->e.dev_start, MP_MIB(256), NULL,
			      &r, &ack), ack);
	/* The range names who plugged it: this process. */
	MP_OK(mp_read_str("/proc/self/comm", comm, sizeof(comm)));
	snprintf(who, sizeof(who), "%s[%d]", comm, getpid());
	ASSERT_STREQ(who, r.plugged_by);
	MP_NL_OK(mp_status_get(&self->e.c, &s1, &ack), ack);
	ASSERT_EQ(1, s1.ranges);
	ASSERT_EQ(MP_MIB(256), s1.plugged_bytes);
	ASSERT_EQ(s0.plugs + 1, s1.plugs);
	ASSERT_EQ(s0.plug_failures, s1.plug_failures);
	ASSERT_EQ(1, s1.objects);

	/* Physical address 0 is always near System RAM on x86. */
	rc = mp_range_add(&self->e.c, 0, self->e.bs, NULL, NULL, &ack);
	MP_REFUSED(rc, ack, EEXIST, "memplug: range overlaps System RAM");
	MP_NL_OK(mp_status_get(&self->e.c, &s2, &ack), ack);
	ASSERT_EQ(s1.plugs, s2.plugs);
	ASSERT_EQ(s1.plug_failures + 1, s2.plug_failures);
	ASSERT_EQ(1, s2.ranges);
	ASSERT_EQ(MP_MIB(256), s2.plugged_bytes);

	MP_NL_OK(mp_range_del(&self->e.c, r.id, NULL, &ack), ack);
	MP_NL_OK(mp_status_get(&self->e.c, &s3, &ack), ack);
	ASSERT_EQ(0, s3.ranges);
	ASSERT_EQ(0, s3.plugged_bytes);
	ASSERT_EQ(s2.unplugs + 1, s3.unplugs);
	ASSERT_EQ(s2.unplug_failures, s3.unplug_failures);
	ASSERT_EQ(0, s3.objects);
	/* The plug and the unplug were events. */
	ASSERT_GE(s3.event_seq, s0.event_seq + 2);
}

TEST_HARNESS_MAIN
