// SPDX-License-Identifier: GPL-2.0
/*
 * policy_test: what a range's policies refuse, as an administrator sees it
 * (the errno of a sysfs write, block states, MemTotal) and as the event
 * stream explains it (VETO_ERRNO and VETO_REASON):
 *   - protection: offlining a protected range through sysfs fails with
 *     EPERM and changes nothing, while unplugging it (memplugctl, RANGE_DEL)
 *     works; RANGE_SET switches protection on and off;
 *   - zone policy: with the kernel's auto-online policy on, memplugctl's
 *     "plug --online movable" ends all-Movable because the kernel's own
 *     auto-online into a kernel zone is vetoed; onlining into the wrong
 *     zone through sysfs fails with EPERM; RANGE_SET changes the policy;
 *     over raw netlink, ZONE_POLICY alone and DEFER_ONLINE each veto the
 *     auto-online during RANGE_ADD, with the reason in the event.
 */
#include <unistd.h>

#include "memplug_test.h"
#include "mp_event.h"

#define EV_MAX 256
/* Events are queued before the step that caused them returns. */
#define EV_QUIET_MS 250

#define REASON_PROTECT \
	"range is protected against offlining; unprotect it or unplug it with memplug"
#define REASON_MOVABLE \
	"zone policy movable: refusing to online into a kernel zone"
#define REASON_KERNEL "zone policy kernel: refusing to online into ZONE_MOVABLE"
#define REASON_DEFER \
	"onlining deferred to user space: the kernel's auto-online of this range is vetoed"

#define AUTO_ONLINE MP_SYSFS_MEMORY "/auto_online_blocks"

FIXTURE(policy) {
	struct mp_env e;
	struct mp_monitor mon;
	struct mp_event *ev;
	int n;
	char start[32];
};

FIXTURE_SETUP(policy)
{
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	self->mon.fd = -1;
	self->ev = calloc(EV_MAX, sizeof(*self->ev));
	ASSERT_NE(NULL, self->ev);
	snprintf(self->start, sizeof(self->start), "0x%" PRIx64,
		 self->e.dev_start);
}

FIXTURE_TEARDOWN(policy)
{
	/* mp_prepare() switches it off too; do not leave it for others. */
	mp_write_str(AUTO_ONLINE, "offline");
	mp_monitor_close(&self->mon);
	free(self->ev);
	mp_env_teardown(&self->e);
}

static void listen_now(struct __test_metadata *_metadata,
		       FIXTURE_DATA(policy) *self)
{
	mp_monitor_close(&self->mon);
	MP_OK(mp_monitor_open(&self->mon, &self->e.c.fam, 0, false));
}

/* Read everything the listener got so far into self->ev, and log it. */
static void drain(struct __test_metadata *_metadata, FIXTURE_DATA(policy) *self)
{
	char line[512];
	int enobufs, i;

	MP_OK(mp_monitor_drain(&self->mon, self->ev, EV_MAX, &self->n,
			       &enobufs, EV_QUIET_MS));
	ASSERT_EQ(0, enobufs);
	ASSERT_LE(self->n, EV_MAX);
	for (i = 0; i < self->n; i++) {
		mp_event_format(&self->ev[i], line, sizeof(line));
		TH_LOG("event: %s", line);
		if (i) {
			ASSERT_EQ(self->ev[i - 1].seq + 1, self->ev[i].seq);
		}
	}
}

static void no_event(struct __test_metadata *_metadata,
				 uint32_t action, unsigned int blk)
{
	EXPECT_TRUE(false)
	TH_LOG("no %s event of memory%u", MP_ENUM_STR(event_action, action),
	       blk);
}

/*
 * Among the drained events from index @from: memplug vetoed @action of
 * block @blk of range @id with -EPERM and @reason, and the step was
 * cancelled right after. Returns the index of the veto.
 */
static int vetoed(struct __test_metadata *_metadata, FIXTURE_DATA(policy) *self,
		  int from, uint32_t action, unsigned int blk, uint32_t id,
		  const char *reason)
{
	uint32_t cancel = action == MEMPLUG_EVENT_GOING_ONLINE ?
			  MEMPLUG_EVENT_CANCEL_ONLINE :
			  MEMPLUG_EVENT_CANCEL_OFFLINE;
	const struct mp_event *ev;
	int at;

	at = mp_event_find(self->ev, self->n, from, action, blk);
	if (at < 0) {
		no_event(_metadata, action, blk);
		return -1;
	}
	ev = &self->ev[at];
	EXPECT_TRUE(ev->has_range_id);
	EXPECT_EQ(id, ev->range_id);
	EXPECT_TRUE(ev->has_veto_errno);
	EXPECT_EQ(-EPERM, ev->veto_errno);
	EXPECT_TRUE(ev->has_veto_reason);
	EXPECT_STREQ(reason, ev->veto_reason);
	EXPECT_LT(at + 1, self->n);
	if (at + 1 < self->n) {
		EXPECT_EQ(cancel, self->ev[at + 1].action);
		EXPECT_EQ(blk, self->ev[at + 1].block);
		EXPECT_FALSE(self->ev[at + 1].has_veto_errno);
	}
	return at;
}

/* The sysfs write @how to block @blk fails with EPERM. */
#define WRITE_REFUSED(blk, how)                                               \
	do {                                                                  \
		int __rc = mp_block_set((blk), (how));                        \
		ASSERT_EQ(-EPERM, __rc)                                       \
		TH_LOG("writing %s to memory%u: %s", (how),                   \
		       (unsigned int)(blk), __rc ? strerror(-__rc) : "worked"); \
	} while (0)

/* The zone of online block @blk must (not) be Movable. */
#define ZONE_IS_MOVABLE(blk, yes)                                             \
	do {                                                                  \
		char __z[64];                                                 \
		MP_OK(mp_block_zones((blk), __z, sizeof(__z)));               \
		if (yes) {                                                    \
			ASSERT_STREQ("Movable", __z);                         \
		} else {                                                      \
			ASSERT_STRNE("Movable", __z);                         \
		}                                                             \
	} while (0)

static void run_ctl(struct __test_metadata *_metadata, struct mp_run *run,
		    const char *const argv[])
{
	char cmd[512];
	size_t len = 0;
	int i;

	MP_OK(mp_run(run, 180, argv));
	for (i = 1; argv[i] && len < sizeof(cmd); i++)
		len += snprintf(cmd + len, sizeof(cmd) - len, " %s", argv[i]);
	TH_LOG("memplugctl%s -> %d%s%s", cmd, run->status,
	       run->err[0] ? ", stderr: " : "", run->err);
	ASSERT_FALSE(run->timed_out);
}

/* Run memplugctl with the given arguments into @run. */
#define CTL(run, ...)                                                         \
	do {                                                                  \
		const char *__argv[] = { mp_ctl_path(), __VA_ARGS__, NULL };  \
		run_ctl(_metadata, (run), __argv);                            \
	} while (0)

#define NEED_CTL(ctl)                                                         \
	ASSERT_EQ(0, access((ctl), X_OK))                                     \
	TH_LOG("controller %s: %s", (ctl), strerror(errno))

/*
 * A range plugged with PROTECT: sysfs cannot offline it (EPERM, nothing
 * changes, the event says why), memplugctl unplug removes it.
 */
TEST_F_TIMEOUT(policy, protected_range_refuses_offline, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_add_opts o = { .protect = true };
	struct mp_run *run = malloc(sizeof(*run));
	const char *ctl = mp_ctl_path();
	unsigned int b0 = e->dev_block, b1 = b0 + 1;
	struct mp_status st0, st1;
	struct mp_snap before;
	struct mp_range r, g;
	struct mp_ack ack;
	char id[16], *io0, *io;
	long long mt0;
	int at;

	MP_NEED_DEVICE();
	NEED_CTL(ctl);
	ASSERT_NE(NULL, run);
	mt0 = mp_memtotal_kb();
	io0 = mp_iomem();
	ASSERT_NE(NULL, io0);
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), &o, &r, &ack),
		 ack);
	ASSERT_EQ(1, r.protect);
	MP_OK(mp_block_set(b0, "online_movable"));
	MP_OK(mp_block_set(b1, "online_movable"));
	listen_now(_metadata, self);
	MP_NL_OK(mp_status_get(&e->c, &st0, &ack), ack);

	MP_OK(mp_snap_take(&e->c, &before));
	WRITE_REFUSED(b0, "offline");
	WRITE_REFUSED(b1, "offline");
	MP_UNCHANGED(&e->c, &before);
	mp_snap_free(&before);
	MP_BLOCK_STATE(b0, "online");
	MP_BLOCK_STATE(b1, "online");
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(2, g.blocks_online);
	MP_NL_OK(mp_status_get(&e->c, &st1, &ack), ack);
	ASSERT_EQ(st0.vetoes + 2, st1.vetoes);

	drain(_metadata, self);
	ASSERT_EQ(4, self->n);
	at = vetoed(_metadata, self, 0, MEMPLUG_EVENT_GOING_OFFLINE, b0, r.id,
		    REASON_PROTECT);
	ASSERT_EQ(0, at);
	at = vetoed(_metadata, self, 2, MEMPLUG_EVENT_GOING_OFFLINE, b1, r.id,
		    REASON_PROTECT);
	ASSERT_EQ(2, at);

	/* memplug's own unplug is not stopped by the protection. */
	snprintf(id, sizeof(id), "%u", r.id);
	CTL(run, "unplug", id);
	ASSERT_EQ(0, run->status);
	MP_BLOCK_GONE(b0);
	MP_BLOCK_GONE(b1);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	io = mp_iomem();
	ASSERT_NE(NULL, io);
	ASSERT_STREQ(io0, io);
	free(io);
	free(io0);
	drain(_metadata, self);
	ASSERT_EQ(5, self->n);
	ASSERT_EQ(MEMPLUG_EVENT_GOING_OFFLINE, self->ev[0].action);
	ASSERT_FALSE(self->ev[0].has_veto_errno);
	ASSERT_EQ(MEMPLUG_EVENT_UNPLUG, self->ev[4].action);
	free(run);
}

/* RANGE_SET switches protection on and off for a plugged, online range. */
TEST_F_TIMEOUT(policy, protect_via_range_set, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	unsigned int b0 = e->dev_block;
	struct mp_range r, s;
	struct mp_ack ack;
	long long mt0;

	MP_NEED_DEVICE();
	mt0 = mp_memtotal_kb();
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, e->bs, NULL, &r, &ack), ack);
	ASSERT_EQ(0, r.protect);
	MP_OK(mp_block_set(b0, "online_movable"));

	MP_NL_OK(mp_range_set(&e->c, r.id, 1, 0, &s, &ack), ack);
	ASSERT_EQ(1, s.protect);
	listen_now(_metadata, self);
	WRITE_REFUSED(b0, "offline");
	MP_BLOCK_STATE(b0, "online");
	ASSERT_EQ(mt0 + MP_KB(e->bs), mp_memtotal_kb());
	drain(_metadata, self);
	ASSERT_EQ(2, self->n);
	vetoed(_metadata, self, 0, MEMPLUG_EVENT_GOING_OFFLINE, b0, r.id,
	       REASON_PROTECT);

	MP_NL_OK(mp_range_set(&e->c, r.id, 0, 0, &s, &ack), ack);
	ASSERT_EQ(0, s.protect);
	MP_OK(mp_block_set(b0, "offline"));
	MP_BLOCK_STATE(b0, "offline");
	ASSERT_EQ(mt0, mp_memtotal_kb());
	drain(_metadata, self);
	ASSERT_EQ(2, self->n);
	ASSERT_EQ(MEMPLUG_EVENT_GOING_OFFLINE, self->ev[0].action);
	ASSERT_FALSE(self->ev[0].has_veto_errno);
	ASSERT_EQ(MEMPLUG_EVENT_OFFLINE, self->ev[1].action);
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
}

/*
 * auto_online_blocks=online: "memplugctl plug --online movable" ends with
 * every block in Movable, the kernel's auto-online into a kernel zone
 * having been vetoed. Then, offlined through sysfs, a block cannot be
 * onlined into a kernel zone until RANGE_SET allows it.
 */
TEST_F_TIMEOUT(policy, ctl_movable_with_auto_online, MP_TIMEOUT)
{
	struct mp_env *e = &self->e;
	struct mp_run *run = malloc(sizeof(*run));
	const char *ctl = mp_ctl_path();
	unsigned int b0 = e->dev_block, b1 = b0 + 1, i;
	struct mp_range g, s;
	struct mp_ack ack;
	long long mt0, id;
	char *j, ids[16];
	int plug, at;

	MP_NEED_DEVICE();
	NEED_CTL(ctl);
	ASSERT_NE(NULL, run);
	mt0 = mp_memtotal_kb();
	MP_OK(mp_write_str(AUTO_ONLINE, "online"));
	listen_now(_metadata, self);
	CTL(run, "plug", "--start", self->start, "--size", "256M", "--online",
	    "movable", "--json");
	ASSERT_EQ(0, run->status);
	j = malloc(MP_RUN_OUT);
	ASSERT_NE(NULL, j);
	mp_json_compact(run->out, j, MP_RUN_OUT);
	ASSERT_TRUE(mp_json_int(j, "id", &id)) TH_LOG("no id in %s", j);
	free(j);
	for (i = 0; i < 2; i++) {
		MP_BLOCK_STATE(b0 + i, "online");
		ZONE_IS_MOVABLE(b0 + i, true);
	}
	ASSERT_EQ(mt0 + MP_KB(MP_MIB(256)), mp_memtotal_kb());
	MP_NL_OK(mp_range_get(&e->c, id, &g, &ack), ack);
	ASSERT_EQ(MEMPLUG_ZONE_POLICY_MOVABLE, g.zone_policy);

	/*
	 * During the add the kernel tried to online the first block into its
	 * default (kernel) zone and memplug said no; the kernel's auto-online
	 * stops at the first block that fails. Then memplugctl onlined both
	 * into Movable.
	 */
	drain(_metadata, self);
	plug = mp_event_find(self->ev, self->n, 0, MEMPLUG_EVENT_PLUG, -1);
	ASSERT_EQ(2, plug);
	/*
	 * By the zone policy, or by DEFER_ONLINE if memplugctl asked for it
	 * (the range says which).
	 */
	at = vetoed(_metadata, self, 0, MEMPLUG_EVENT_GOING_ONLINE, b0, id,
		    g.defer_online ? REASON_DEFER : REASON_MOVABLE);
	ASSERT_EQ(0, at);
	TH_LOG("memplugctl %s DEFER_ONLINE", g.defer_online ? "sets" : "does not set");
	ASSERT_TRUE(self->ev[at].has_zone);
	ASSERT_STRNE("Movable", self->ev[at].zone);
	for (i = 0; i < 2; i++) {
		at = mp_event_find(self->ev, self->n, plug,
				   MEMPLUG_EVENT_ONLINE, b0 + i);
		ASSERT_GT(at, plug);
		ASSERT_STREQ("Movable", self->ev[at].zone);
	}
	ASSERT_GT(mp_event_find(self->ev, self->n, 0, MEMPLUG_EVENT_ONLINE, -1),
		  plug);
	for (i = plug + 1; i < (unsigned int)self->n; i++)
		ASSERT_FALSE(self->ev[i].has_veto_errno);

	/* Unprotected: sysfs may offline it; the zone policy still holds. */
	MP_OK(mp_block_set(b0, "offline"));
	MP_BLOCK_STATE(b0, "offline");
	WRITE_REFUSED(b0, "online_kernel");
	MP_BLOCK_STATE(b0, "offline");
	ASSERT_EQ(mt0 + MP_KB(e->bs), mp_memtotal_kb());
	drain(_metadata, self);
	at = vetoed(_metadata, self, 0, MEMPLUG_EVENT_GOING_ONLINE, b0, id,
		    REASON_MOVABLE);
	ASSERT_GE(at, 0);
	ASSERT_STRNE("Movable", self->ev[at].zone);

	/* RANGE_SET to kernel: now online_kernel works, Movable does not. */
	MP_NL_OK(mp_range_set(&e->c, id, -1, MEMPLUG_ZONE_POLICY_KERNEL, &s,
			      &ack), ack);
	ASSERT_EQ(MEMPLUG_ZONE_POLICY_KERNEL, s.zone_policy);
	MP_OK(mp_block_set(b0, "online_kernel"));
	MP_BLOCK_STATE(b0, "online");
	ZONE_IS_MOVABLE(b0, false);
	MP_OK(mp_block_set(b1, "offline"));
	WRITE_REFUSED(b1, "online_movable");
	MP_BLOCK_STATE(b1, "offline");
	drain(_metadata, self);
	vetoed(_metadata, self, 0, MEMPLUG_EVENT_GOING_ONLINE, b1, id,
	       REASON_KERNEL);

	/* And back to any: both work. */
	MP_NL_OK(mp_range_set(&e->c, id, -1, MEMPLUG_ZONE_POLICY_ANY, &s, &ack),
		 ack);
	ASSERT_EQ(MEMPLUG_ZONE_POLICY_ANY, s.zone_policy);
	MP_OK(mp_block_set(b1, "online_movable"));
	ZONE_IS_MOVABLE(b1, true);
	ASSERT_EQ(mt0 + MP_KB(MP_MIB(256)), mp_memtotal_kb());

	snprintf(ids, sizeof(ids), "%lld", id);
	CTL(run, "unplug", ids);
	ASSERT_EQ(0, run->status);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	MP_BLOCK_GONE(b0);
	free(run);
}

/*
 * Raw RANGE_ADD with the kernel's auto-online policy @auto_online: the
 * range's @zone_policy or @defer_online vetoes the auto-online during the
 * add (of the first block: the kernel gives up on the rest then), the event says why (@reason), the blocks stay offline and
 * uncounted, and user space onlines them with @online.
 */
static void auto_online_vetoed(struct __test_metadata *_metadata,
			       FIXTURE_DATA(policy) *self,
			       const char *auto_online, uint32_t zone_policy,
			       bool defer_online, const char *reason,
			       const char *online)
{
	struct mp_env *e = &self->e;
	struct mp_add_opts o = {
		.zone_policy = zone_policy,
		.defer_online = defer_online,
	};
	unsigned int b0 = e->dev_block, i;
	struct mp_range r, g;
	struct mp_ack ack;
	long long mt0;
	int plug, at;

	mt0 = mp_memtotal_kb();
	MP_OK(mp_write_str(AUTO_ONLINE, auto_online));
	listen_now(_metadata, self);
	MP_NL_OK(mp_range_add(&e->c, e->dev_start, MP_MIB(256), &o, &r, &ack),
		 ack);
	ASSERT_EQ(0, r.blocks_online);
	ASSERT_EQ(defer_online, r.defer_online);
	ASSERT_EQ(mt0, mp_memtotal_kb());
	for (i = 0; i < 2; i++)
		MP_BLOCK_STATE(b0 + i, "offline");

	/*
	 * The kernel tried the first block, was vetoed and gave up on the
	 * rest (its auto-online stops at the first failure); then the plug.
	 */
	drain(_metadata, self);
	plug = mp_event_find(self->ev, self->n, 0, MEMPLUG_EVENT_PLUG, -1);
	ASSERT_EQ(2, plug) TH_LOG("one vetoed online, then the plug");
	ASSERT_EQ(3, self->n);
	at = vetoed(_metadata, self, 0, MEMPLUG_EVENT_GOING_ONLINE, b0, r.id,
		    reason);
	ASSERT_EQ(0, at);
	ASSERT_TRUE(self->ev[at].has_zone);
	TH_LOG("auto-online tried memory%u in %s", b0, self->ev[at].zone);
	if (zone_policy == MEMPLUG_ZONE_POLICY_MOVABLE) {
		ASSERT_STRNE("Movable", self->ev[at].zone);
	} else if (zone_policy == MEMPLUG_ZONE_POLICY_KERNEL) {
		ASSERT_STREQ("Movable", self->ev[at].zone);
	}

	/* Once added, user space onlines as the policy allows. */
	for (i = 0; i < 2; i++) {
		MP_OK(mp_block_set(b0 + i, online));
		MP_BLOCK_STATE(b0 + i, "online");
	}
	ASSERT_EQ(mt0 + MP_KB(MP_MIB(256)), mp_memtotal_kb());
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(2, g.blocks_online);
	drain(_metadata, self);
	ASSERT_EQ(4, self->n);
	for (i = 0; i < 4; i++)
		ASSERT_FALSE(self->ev[i].has_veto_errno);
	MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
	ASSERT_EQ(mt0, mp_memtotal_kb());
}

/* ZONE_POLICY movable, without DEFER_ONLINE: no kernel zone at add. */
TEST_F_TIMEOUT(policy, auto_online_vetoed_movable_policy, MP_TIMEOUT)
{
	MP_NEED_DEVICE();
	auto_online_vetoed(_metadata, self, "online",
			   MEMPLUG_ZONE_POLICY_MOVABLE, false, REASON_MOVABLE,
			   "online_movable");
}

/* ZONE_POLICY kernel: the auto-online into Movable is vetoed. */
TEST_F_TIMEOUT(policy, auto_online_vetoed_kernel_policy, MP_TIMEOUT)
{
	MP_NEED_DEVICE();
	auto_online_vetoed(_metadata, self, "online_movable",
			   MEMPLUG_ZONE_POLICY_KERNEL, false, REASON_KERNEL,
			   "online_kernel");
}

/* DEFER_ONLINE with policy any: every auto-online is vetoed. */
TEST_F_TIMEOUT(policy, auto_online_vetoed_defer_online, MP_TIMEOUT)
{
	MP_NEED_DEVICE();
	auto_online_vetoed(_metadata, self, "online", 0, true, REASON_DEFER,
			   "online");
}

TEST_HARNESS_MAIN
