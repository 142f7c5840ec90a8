// SPDX-License-Identifier: GPL-2.0
/*
 * node_test: a NUMA node that gets its first memory, and loses its last,
 * is an event (node-online, node-offline) on every kernel, whether the
 * kernel reports it in the memory notifier (up to 6.16) or in a node
 * notifier of its own (6.17 on).
 *
 * Runs in the "node" VM profile: node 0 has the CPUs and all the memory,
 * node 1 has neither (possible through the hotplug area QEMU describes for
 * it), like a CXL node before its memory is plugged. The device range is
 * plugged onto node 1, onlined, offlined and unplugged.
 */
#include "memplug_test.h"
#include "mp_event.h"

#define HAS_MEMORY "/sys/devices/system/node/has_memory"

FIXTURE(node) {
	struct mp_env e;
	struct mp_monitor mon;
};

FIXTURE_SETUP(node)
{
	ASSERT_EQ(0, mp_env_setup(&self->e)) TH_LOG("setup: %s", mp_errstr());
	MP_OK(mp_monitor_open(&self->mon, &self->e.c.fam, 0, false));
}

FIXTURE_TEARDOWN(node)
{
	mp_monitor_close(&self->mon);
	mp_env_teardown(&self->e);
}

/* The next event with @action, up to 10 s away; the ones before into @n. */
static int next_event(struct mp_monitor *mon, uint32_t action,
		      struct mp_event *ev)
{
	int rc;

	do {
		rc = mp_monitor_recv(mon, ev, 10000);
	} while (!rc && ev->action != action);
	return rc;
}

TEST_F_TIMEOUT(node, first_and_last_memory_of_a_node, MP_TIMEOUT)
{
	struct mp_add_opts o = { .has_node = true, .node = 1 };
	struct mp_env *e = &self->e;
	struct mp_event ev;
	struct mp_range r;
	struct mp_ack ack;
	char nodes[64];

	MP_NEED_DEVICE();
	MP_OK(mp_read_str(HAS_MEMORY, nodes, sizeof(nodes)));
	ASSERT_STREQ("0", nodes) TH_LOG("node 1 has memory at boot: profile \"node\"");

	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->bs, &o, &r, &ack), ack);
	ASSERT_EQ(1, r.node);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	MP_OK(next_event(&self->mon, MEMPLUG_EVENT_NODE_ONLINE, &ev));
	ASSERT_TRUE(ev.has_node);
	ASSERT_EQ(1, ev.node);
	/* Right before the online step of the memory that did it. */
	MP_OK(mp_monitor_recv(&self->mon, &ev, 10000));
	ASSERT_EQ(MEMPLUG_EVENT_ONLINE, ev.action)
	TH_LOG("after node-online came %s",
	       MP_ENUM_STR(event_action, ev.action));
	ASSERT_EQ(e->dev_block, ev.block);
	MP_OK(mp_read_str(HAS_MEMORY, nodes, sizeof(nodes)));
	ASSERT_STREQ("0-1", nodes);

	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	MP_OK(next_event(&self->mon, MEMPLUG_EVENT_NODE_OFFLINE, &ev));
	ASSERT_EQ(1, ev.node);
	MP_OK(mp_monitor_recv(&self->mon, &ev, 10000));
	ASSERT_EQ(MEMPLUG_EVENT_OFFLINE, ev.action)
	TH_LOG("after node-offline came %s",
	       MP_ENUM_STR(event_action, ev.action));
	MP_OK(mp_read_str(HAS_MEMORY, nodes, sizeof(nodes)));
	ASSERT_STREQ("0", nodes);
}

TEST_HARNESS_MAIN
