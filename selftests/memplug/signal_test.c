// SPDX-License-Identifier: GPL-2.0
/*
 * signal_test: the controller killed half way, and requests cut short by
 * signals. Whatever the moment, a range must end up completely plugged
 * and online, or completely gone; never half of it.
 *
 *   - memplugctl plug of 1 GiB, SIGKILLed after delays spread at random
 *     over the time a plug takes (RANGE_ADD with HOLD, onlining through
 *     sysfs, BLOCK_GET, COMMIT): a held range whose socket closes before
 *     COMMIT is rolled back by a kernel worker;
 *   - the same steps over raw netlink, the socket closed after each one;
 *   - memplugctl unplug SIGKILLed after random delays, and while its
 *     offlining spins on a page that a helper module holds; memplugctl
 *     unplug --timeout on that page;
 *   - memplugctl online ID SIGKILLed half way, if the controller has it.
 *
 * After each kill the test waits for the kernel's rollback, then RANGE_GET,
 * BLOCK_GET, memplugctl list --json, sysfs, /proc/iomem and MemTotal must
 * agree and show one of the two outcomes.
 *
 *   MEMPLUG_SIGNAL_KILLS=N  kills per scenario (default 6)
 *   MEMPLUG_SIGNAL_SEED=N   seed of the delays (default: the clock; printed)
 */
#include <dirent.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "memplug_test.h"
#include "mp_fault.h"
#include "mp_state.h"

#define CTL_TIMEOUT 180
#define SETTLE_MS 120000
#define DEFAULT_KILLS 6
#define SIZE_ARG "1G"
#define NO_ANSWER_S 10

/* What a kill left. */
enum outcome { GONE, COMPLETE };

FIXTURE(sig) {
	struct mp_env e;
	struct mp_snap boot;
	long long mt0;
	char start[32];
	uint64_t size;
	unsigned int nblk;
	uint64_t rnd;
	int kills;
	struct mp_run *run;
	char *json;
};

FIXTURE_SETUP(sig)
{
	const char *seed = getenv("MEMPLUG_SIGNAL_SEED");
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	self->mt0 = mp_memtotal_kb();
	ASSERT_GT(self->mt0, 0);
	MP_OK(mp_snap_take(&self->e.c, &self->boot));
	snprintf(self->start, sizeof(self->start), "0x%" PRIx64,
		 self->e.dev_start);
	self->size = MP_GIB(1);
	self->nblk = self->size / self->e.bs;
	self->kills = atoi(mp_env("MEMPLUG_SIGNAL_KILLS", "0"));
	if (self->kills <= 0)
		self->kills = DEFAULT_KILLS;
	self->rnd = seed ? strtoull(seed, NULL, 0) : (uint64_t)time(NULL);
	if (!self->rnd)
		self->rnd = 1;
	TH_LOG("seed %" PRIu64 ", %d kills per scenario; rerun with MEMPLUG_SIGNAL_SEED=%" PRIu64,
	       self->rnd, self->kills, self->rnd);
	self->run = malloc(sizeof(*self->run));
	self->json = malloc(MP_RUN_OUT);
	ASSERT_NE(NULL, self->run);
	ASSERT_NE(NULL, self->json);
}

FIXTURE_TEARDOWN(sig)
{
	mp_snap_free(&self->boot);
	free(self->run);
	free(self->json);
	mp_env_teardown(&self->e);
}

#define NEED_CTL()                                                            \
	do {                                                                  \
		MP_NEED_DEVICE();                                             \
		ASSERT_EQ(0, access(mp_ctl_path(), X_OK))                     \
		TH_LOG("controller %s: %s", mp_ctl_path(), strerror(errno));  \
	} while (0)

/* xorshift64*, so that a seed replays the same delays. */
static uint64_t rnd_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/* Kill @i of @n lands at random in the i-th n-th of [0, @span_ms]. */
static unsigned int delay_ms(uint64_t *s, int i, int n, int64_t span_ms)
{
	uint64_t slot = (uint64_t)span_ms * 1000 / n;

	return (unsigned int)((slot * i + rnd_next(s) % (slot + 1)) / 1000);
}

/* The range memplug has in the device area, if any: 0 or 1 of them. */
static int ranges_now(struct __test_metadata *_metadata, struct mp_env *e,
		      struct mp_range *r)
{
	int n;

	MP_OK(mp_ranges_in(&e->c, e->dev_start, e->dev_size, r, 1, &n));
	return n;
}

/*
 * After a kill: wait for the kernel to finish, then everything a user can
 * look at must show the range completely plugged and online, or gone.
 */
static enum outcome check_outcome(struct __test_metadata *_metadata,
				  FIXTURE_DATA(sig) *self, const char *what)
{
	struct mp_state_opts o = { .memtotal_base = self->mt0 };
	struct mp_env *e = &self->e;
	struct mp_range r;
	char why[512];
	unsigned int i;
	int n, rc;

	rc = mp_settle(&e->c, SETTLE_MS);
	ASSERT_EQ(0, rc) TH_LOG("%s: %s", what, mp_errstr());
	rc = mp_state_check(&e->c, e->dev_start, e->dev_size, &o, why,
			    sizeof(why));
	ASSERT_EQ(0, rc) TH_LOG("%s: memplug and the system disagree: %s", what,
				rc > 0 ? why : mp_errstr());
	MP_OK(mp_run_ctl(self->run, CTL_TIMEOUT, "list", "--json", NULL));
	ASSERT_EQ(0, self->run->status) TH_LOG("list: %s", self->run->err);
	mp_json_compact(self->run->out, self->json, MP_RUN_OUT);

	n = ranges_now(_metadata, e, &r);
	ASSERT_LE(n, 1);
	if (!n) {
		ASSERT_EQ(0, mp_json_count(self->json, "\"id\":"))
		TH_LOG("%s: memplugctl list shows %s", what, self->json);
		for (i = 0; i < self->nblk; i++)
			MP_BLOCK_GONE(e->dev_block + i);
		MP_SAME(&e->c, &self->boot, false);
		return GONE;
	}

	/* Plugged: all of it, online, movable, committed. */
	ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGED, r.state)
	TH_LOG("%s: range %u is %s", what, r.id,
	       MP_ENUM_STR(range_state, r.state));
	ASSERT_EQ(e->dev_start, r.start);
	ASSERT_EQ(self->size, r.size);
	ASSERT_EQ(self->nblk, r.blocks_online)
	TH_LOG("%s: half a range: %u of %u blocks online", what,
	       r.blocks_online, self->nblk);
	for (i = 0; i < self->nblk; i++) {
		char zone[64];

		MP_BLOCK_STATE(e->dev_block + i, "online");
		MP_OK(mp_block_zones(e->dev_block + i, zone, sizeof(zone)));
		ASSERT_STREQ("Movable", zone);
	}
	ASSERT_EQ(self->mt0 + MP_KB(self->size), mp_memtotal_kb());
	ASSERT_EQ(1, mp_json_count_num(self->json, "id", r.id))
	TH_LOG("%s: %s", what, self->json);
	ASSERT_EQ(1, mp_json_count(self->json, "\"id\":"));
	ASSERT_EQ(1, mp_json_count_num(self->json, "online_blocks", self->nblk));
	ASSERT_NE(NULL, strstr(self->json, "\"state\":\"online\""));
	return COMPLETE;
}

/* The state memplug reports for the device area right now, for the log. */
static void describe_now(struct mp_env *e, char *buf, size_t len)
{
	struct mp_range r;
	struct mp_ack ack;
	int n;

	if (mp_ranges_in(&e->c, e->dev_start, e->dev_size, &r, 1, &n) || !n) {
		snprintf(buf, len, "no range");
		return;
	}
	/* BLOCKS_ONLINE is only counted for a range that is not being added. */
	if (!mp_range_get(&e->c, r.id, &r, &ack))
		snprintf(buf, len, "range %u %s, %u/%u online", r.id,
			 MP_ENUM_STR(range_state, r.state), r.blocks_online,
			 r.blocks);
	else
		snprintf(buf, len, "range %u gone meanwhile", r.id);
}

static void unplug_raw(struct __test_metadata *_metadata, struct mp_env *e)
{
	struct mp_range r;
	struct mp_ack ack;

	if (ranges_now(_metadata, e, &r))
		MP_NL_OK(mp_range_del(&e->c, r.id, NULL, &ack), ack);
}

/* Plug the whole range through the controller; its id. */
static uint32_t ctl_plug(struct __test_metadata *_metadata,
			 FIXTURE_DATA(sig) *self, const char *online,
			 int64_t *ms)
{
	int64_t t0 = mp_time_ms();
	long long id;

	/* --zone movable: an online ID later onlines it movable too. */
	MP_OK(mp_run_ctl(self->run, CTL_TIMEOUT, "plug", "--start",
			 self->start, "--size", SIZE_ARG, "--online", online,
			 "--zone", "movable", "--json", NULL));
	if (ms)
		*ms = mp_time_ms() - t0;
	ASSERT_EQ(0, self->run->status) TH_LOG("plug: %s", self->run->err);
	mp_json_compact(self->run->out, self->json, MP_RUN_OUT);
	ASSERT_TRUE(mp_json_int(self->json, "id", &id)) TH_LOG("%s", self->json);
	return id;
}

/* Start memplugctl with @args (NULL terminated, at most 8), kill it later. */
static pid_t ctl_spawn(const char *const args[])
{
	const char *argv[10] = { mp_ctl_path() };
	int i;

	for (i = 0; args[i] && i < 8; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	return mp_spawn(argv, NULL);
}

/* When to kill: after a delay, or once the range and @blocks of it exist. */
struct kill_at {
	unsigned int ms;
	int blocks; /* < 0: by time only */
};

/* Whether the range is there with its first @blocks blocks online. */
static bool blocks_online(struct mp_env *e, int blocks)
{
	char st[32];
	int i;

	if (!mp_block_exists(e->dev_block))
		return false;
	for (i = 0; i < blocks; i++)
		if (mp_block_state(e->dev_block + i, st, sizeof(st)) ||
		    strcmp(st, "online"))
			return false;
	return true;
}

/*
 * Start memplugctl @args and SIGKILL it when @at says, if it still runs;
 * reap it. Its exit status (137 if the kill got it) and, in @desc, what
 * memplug reported the moment after the kill was sent.
 */
static int spawn_and_kill(struct __test_metadata *_metadata,
			  struct mp_env *e, const char *const args[],
			  const struct kill_at *at, char *desc, size_t len)
{
	int64_t deadline = mp_time_ms() + CTL_TIMEOUT * 1000;
	int status = -1;
	pid_t pid;

	snprintf(desc, len, "it had finished");
	pid = ctl_spawn(args);
	EXPECT_GT(pid, 0) TH_LOG("spawn: %s", mp_errstr());
	if (pid <= 0)
		return -1;
	if (at->blocks < 0)
		mp_sleep_ms(at->ms);
	else
		while (!blocks_online(e, at->blocks) &&
		       mp_time_ms() < deadline &&
		       mp_wait_pid(pid, 0, &status) == -ETIMEDOUT)
			mp_sleep_ms(1);
	if (status < 0) {
		kill(pid, SIGKILL);
		describe_now(e, desc, len);
		EXPECT_EQ(0, mp_wait_pid(pid, CTL_TIMEOUT * 1000, &status))
		TH_LOG("%s", mp_errstr());
	}
	return status;
}

/*
 * memplugctl plug killed at random moments, every other kill once the
 * range exists with a random number of its blocks online: every kill
 * leaves the whole range online or nothing. Kills that find the range
 * held prove the kernel's rollback; kills after COMMIT leave it plugged.
 */
TEST_F_TIMEOUT(sig, kill_plug, 1200)
{
	struct mp_env *e = &self->e;
	const char *args[] = { "plug", "--start", self->start, "--size",
			       SIZE_ARG, "--json", NULL };
	int i, gone = 0, complete = 0, finished = 0, held = 0;
	int64_t span;

	NEED_CTL();
	/* How long an uncut plug takes here: the span to kill in. */
	ctl_plug(_metadata, self, "movable", &span);
	ASSERT_EQ(COMPLETE, check_outcome(_metadata, self, "uncut plug"));
	unplug_raw(_metadata, e);
	TH_LOG("an uncut plug of %s takes %" PRId64 " ms", SIZE_ARG, span);

	for (i = 0; i < self->kills; i++) {
		struct kill_at at = { .blocks = -1 };
		char desc[128], what[160];
		enum outcome out;
		int status;

		if (i % 2) {
			at.blocks = rnd_next(&self->rnd) % (self->nblk + 1);
			snprintf(what, sizeof(what),
				 "plug killed with %d blocks online", at.blocks);
		} else {
			at.ms = delay_ms(&self->rnd, i / 2, (self->kills + 1) / 2,
					 span);
			snprintf(what, sizeof(what), "plug killed after %u ms",
				 at.ms);
		}
		status = spawn_and_kill(_metadata, e, args, &at, desc,
					sizeof(desc));
		out = check_outcome(_metadata, self, what);
		TH_LOG("%s: exit %d; at the kill: %s; outcome: %s", what,
		       status, desc, out == GONE ? "gone" : "plugged and online");
		/* A plug that said it worked must have worked. */
		if (status == 0) {
			ASSERT_EQ(COMPLETE, out);
			finished++;
		} else {
			ASSERT_EQ(128 + SIGKILL, status);
		}
		if (strstr(desc, "plugging"))
			held++;
		if (out == GONE) {
			gone++;
		} else {
			complete++;
			unplug_raw(_metadata, e);
		}
	}
	TH_LOG("%d kills: %d left nothing (%d caught the range held), %d left it plugged (%d had finished)",
	       self->kills, gone, held, complete, finished);
}

/*
 * The plug steps over raw netlink, the socket closed after each: the
 * kernel removes the held range, whatever state its blocks are in.
 */
TEST_F_TIMEOUT(sig, hold_then_close, 600)
{
	static const char *const step[] = {
		"after RANGE_ADD", "half online", "all online",
		"after BLOCK_GET", "after a foreign COMMIT",
	};
	struct mp_env *e = &self->e;
	unsigned int s, i;

	MP_NEED_DEVICE();
	for (s = 0; s < ARRAY_SIZE(step); s++) {
		struct mp_add_opts o = { .defer_online = true };
		struct mp_msg m;
		struct mp_block b[16];
		struct mp_range r, g;
		struct mp_ctx owner;
		struct mp_ack ack;
		int n, rc;

		MP_OK(mp_open(&owner));
		mp_req_init(&owner, &m, MEMPLUG_CMD_RANGE_ADD, false);
		mp_put_u64(&m, MEMPLUG_A_RANGE_START, e->dev_start);
		mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, self->size);
		mp_put_flag(&m, MEMPLUG_A_RANGE_HOLD);
		MP_OK(mp_add_opts_put(&m, &o));
		MP_NL_OK(mp_transact_range(&owner, &m, &r, &ack), ack);
		ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGING, r.state);

		for (i = 0; s >= 1 && i < self->nblk; i++) {
			if (s == 1 && i == self->nblk / 2)
				break;
			MP_OK(mp_block_set(e->dev_block + i, "online_movable"));
		}
		if (s >= 3) {
			MP_NL_OK(mp_block_dump(&owner, r.id, b, 16, &n, &ack),
				 ack);
			ASSERT_EQ(self->nblk, n);
		}
		if (s == 4) {
			/* Only the owner may commit. */
			mp_req_init(&e->c, &m, MEMPLUG_CMD_RANGE_SET, false);
			mp_put_u32(&m, MEMPLUG_A_RANGE_ID, r.id);
			mp_put_flag(&m, MEMPLUG_A_RANGE_COMMIT);
			rc = mp_transact_range(&e->c, &m, NULL, &ack);
			MP_REFUSED(rc, ack, EINVAL,
				   "memplug: range is not held by this socket");
		}
		MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
		ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGING, g.state);

		mp_close(&owner);
		ASSERT_EQ(GONE, check_outcome(_metadata, self, step[s]))
		TH_LOG("socket closed %s", step[s]);
	}
}

/* Plug the whole range raw, block @first online alone, then the rest. */
static uint32_t plug_pinned(struct __test_metadata *_metadata,
			    FIXTURE_DATA(sig) *self)
{
	struct mp_env *e = &self->e;
	unsigned int last = self->nblk - 1, i;
	struct mp_range r;
	struct mp_ack ack;

	MP_NL_OK(mp_range_add(&e->c, e->dev_start, self->size, NULL, &r, &ack),
		 ack);
	/*
	 * The last block alone in ZONE_MOVABLE first, so that the helper's
	 * movable allocations find a page there at once.
	 */
	MP_OK(mp_block_set(e->dev_block + last, "online_movable"));
	MP_OK(mp_pin(e->dev_start + last * e->bs, e->bs));
	for (i = 0; i < last; i++)
		MP_OK(mp_block_set(e->dev_block + i, "online_movable"));
	return r.id;
}

/*
 * memplugctl unplug killed while offlining spins on a held page: the
 * kernel re-onlines what it had offlined, the range stays plugged and
 * online and names the block and the error; without the page the unplug
 * works.
 */
TEST_F_TIMEOUT(sig, kill_unplug_pinned, 600)
{
	struct mp_env *e = &self->e;
	unsigned int last = self->nblk - 1;
	char id[16], at[128];
	const char *args[] = { "unplug", id, NULL };
	struct mp_range g;
	struct mp_ack ack;
	int status;
	pid_t pid;

	NEED_CTL();
	snprintf(id, sizeof(id), "%u", plug_pinned(_metadata, self));
	pid = ctl_spawn(args);
	ASSERT_GT(pid, 0);
	ASSERT_TRUE(mp_block_state_by(e->dev_block + last, "going-offline", 60000))
	TH_LOG("the unplug never reached the pinned block");
	mp_sleep_ms(200);
	ASSERT_NE('?', mp_proc_state(pid)) TH_LOG("the unplug is gone already");
	ASSERT_EQ(0, kill(pid, SIGKILL));
	MP_OK(mp_wait_pid(pid, 60000, &status));
	ASSERT_EQ(128 + SIGKILL, status);
	describe_now(e, at, sizeof(at));
	TH_LOG("unplug killed while spinning; after it: %s", at);

	ASSERT_EQ(COMPLETE, check_outcome(_metadata, self, "unplug killed"));
	MP_NL_OK(mp_range_get(&e->c, atoi(id), &g, &ack), ack);
	ASSERT_TRUE(g.has_fail_block);
	ASSERT_EQ(e->dev_block + last, g.fail_block);
	ASSERT_EQ(-EINTR, g.fail_errno);

	MP_OK(mp_rmmod("memplug_test_pin"));
	MP_OK(mp_run_ctl(self->run, CTL_TIMEOUT, "unplug", id, NULL));
	ASSERT_EQ(0, self->run->status) TH_LOG("%s", self->run->err);
	ASSERT_EQ(GONE, check_outcome(_metadata, self, "unplugged"));
}

/*
 * memplugctl unplug --timeout on a held page: busy (exit 5) within about
 * the timeout, the range plugged and online as before.
 */
TEST_F_TIMEOUT(sig, unplug_timeout_pinned, 600)
{
	char id[16];
	int64_t t0, took;

	NEED_CTL();
	snprintf(id, sizeof(id), "%u", plug_pinned(_metadata, self));
	t0 = mp_time_ms();
	MP_OK(mp_run_ctl(self->run, NO_ANSWER_S, "unplug", id, "--timeout",
			 "2", NULL));
	took = mp_time_ms() - t0;
	TH_LOG("unplug --timeout 2: exit %d after %" PRId64 " ms%s, stderr '%s'",
	       self->run->status, took,
	       self->run->timed_out ? " (killed, no answer)" : "",
	       self->run->err);
	ASSERT_FALSE(self->run->timed_out) TH_LOG("memplugctl never returned");
	ASSERT_EQ(5, self->run->status);
	ASSERT_NE(NULL, strstr(self->run->err, "timed out after 2s"))
	TH_LOG("stderr does not say the unplug timed out");
	ASSERT_LT(took, 15000);
	ASSERT_EQ(COMPLETE, check_outcome(_metadata, self, "unplug timed out"));

	MP_OK(mp_rmmod("memplug_test_pin"));
	MP_OK(mp_run_ctl(self->run, CTL_TIMEOUT, "unplug", id, NULL));
	ASSERT_EQ(0, self->run->status) TH_LOG("%s", self->run->err);
	ASSERT_EQ(GONE, check_outcome(_metadata, self, "unplugged"));
}

/*
 * memplugctl unplug killed at random moments: the range stays plugged and
 * online (the kernel re-onlines what it had offlined), or is gone.
 */
TEST_F_TIMEOUT(sig, kill_unplug, 1200)
{
	struct mp_env *e = &self->e;
	int i, gone = 0, complete = 0;
	char id[16];
	const char *args[] = { "unplug", id, NULL };
	int64_t span, t0;

	NEED_CTL();
	snprintf(id, sizeof(id), "%u", ctl_plug(_metadata, self, "movable", NULL));
	t0 = mp_time_ms();
	MP_OK(mp_run_ctl(self->run, CTL_TIMEOUT, "unplug", id, NULL));
	span = mp_time_ms() - t0;
	ASSERT_EQ(0, self->run->status) TH_LOG("%s", self->run->err);
	TH_LOG("an uncut unplug of %s takes %" PRId64 " ms", SIZE_ARG, span);

	for (i = 0; i < self->kills; i++) {
		struct kill_at at = {
			.ms = delay_ms(&self->rnd, i, self->kills, span),
			.blocks = -1,
		};
		char desc[128], what[160];
		enum outcome out;
		int status;

		snprintf(id, sizeof(id), "%u",
			 ctl_plug(_metadata, self, "movable", NULL));
		status = spawn_and_kill(_metadata, e, args, &at, desc,
					sizeof(desc));
		snprintf(what, sizeof(what), "unplug killed after %u ms", at.ms);
		out = check_outcome(_metadata, self, what);
		TH_LOG("%s: exit %d; at the kill: %s; outcome: %s", what,
		       status, desc, out == GONE ? "gone" : "plugged and online");
		if (status == 0) {
			ASSERT_EQ(GONE, out);
		} else {
			ASSERT_EQ(128 + SIGKILL, status);
		}
		if (out == GONE) {
			gone++;
		} else {
			complete++;
			unplug_raw(_metadata, e);
		}
	}
	TH_LOG("%d kills: %d left it plugged and online, %d left nothing",
	       self->kills, complete, gone);
}

/* Whether the controller's --help lists a command @cmd. */
static bool ctl_has(FIXTURE_DATA(sig) *self, const char *cmd)
{
	char line[64];

	snprintf(line, sizeof(line), "\n  %s ", cmd);
	return !mp_run_ctl(self->run, CTL_TIMEOUT, "--help", NULL) &&
	       self->run->status == 0 && strstr(self->run->out, line);
}

/* Wait up to @ms for every memplugctl process to be gone. */
static bool ctl_all_gone(int ms)
{
	int64_t deadline = mp_time_ms() + ms;

	for (;;) {
		DIR *d = opendir("/proc");
		struct dirent *de;
		bool found = false;

		if (!d)
			return false;
		while (!found && (de = readdir(d))) {
			char path[sizeof(de->d_name) + 16], comm[32] = "";
			FILE *f;

			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
			f = fopen(path, "r");
			if (!f)
				continue;
			found = fgets(comm, sizeof(comm), f) &&
				!strcmp(comm, "memplugctl\n");
			fclose(f);
		}
		closedir(d);
		if (!found)
			return true;
		if (mp_time_ms() >= deadline)
			return false;
		mp_sleep_ms(20);
	}
}

/*
 * memplugctl online ID killed with SIGKILL at random moments, and once a
 * random number of blocks is online. The command is all or nothing even
 * so: its writes run in a child that a kill of memplugctl does not reach,
 * so once every memplugctl process is gone the range is plugged with all
 * of its blocks online, or with none (killed before it began), what
 * memplug reports agrees with sysfs block by block, and running the
 * command again completes it.
 */
TEST_F_TIMEOUT(sig, kill_online, 1200)
{
	struct mp_state_opts so = { .memtotal_base = self->mt0 };
	struct mp_env *e = &self->e;
	char id[16], why[512];
	const char *args[] = { "online", id, NULL };
	int i, rc;
	int64_t span, t0;

	NEED_CTL();
	if (!ctl_has(self, "online"))
		SKIP(return, "memplugctl has no 'online' command");
	snprintf(id, sizeof(id), "%u", ctl_plug(_metadata, self, "none", NULL));
	t0 = mp_time_ms();
	MP_OK(mp_run_ctl(self->run, CTL_TIMEOUT, "online", id, NULL));
	span = mp_time_ms() - t0;
	ASSERT_EQ(0, self->run->status) TH_LOG("%s", self->run->err);
	ASSERT_EQ(COMPLETE, check_outcome(_metadata, self, "uncut online"));
	unplug_raw(_metadata, e);
	TH_LOG("an uncut online of %s takes %" PRId64 " ms", SIZE_ARG, span);

	for (i = 0; i < self->kills; i++) {
		struct kill_at at = { .blocks = -1 };
		struct mp_range r;
		char desc[128], what[64];
		int status;

		if (i % 2) {
			/* At least one block, or it would be caught at once. */
			at.blocks = 1 + rnd_next(&self->rnd) % self->nblk;
			snprintf(what, sizeof(what), "with %d blocks online",
				 at.blocks);
		} else {
			at.ms = delay_ms(&self->rnd, i / 2,
					 (self->kills + 1) / 2, span);
			snprintf(what, sizeof(what), "after %u ms", at.ms);
		}
		snprintf(id, sizeof(id), "%u",
			 ctl_plug(_metadata, self, "none", NULL));
		status = spawn_and_kill(_metadata, e, args, &at, desc,
					sizeof(desc));
		ASSERT_TRUE(ctl_all_gone(CTL_TIMEOUT * 1000))
		TH_LOG("online killed %s: memplugctl still runs", what);
		MP_OK(mp_settle(&e->c, SETTLE_MS));
		rc = mp_state_check(&e->c, e->dev_start, e->dev_size, &so, why,
				    sizeof(why));
		ASSERT_EQ(0, rc) TH_LOG("online killed %s: %s", what,
					rc > 0 ? why : mp_errstr());
		ASSERT_EQ(1, ranges_now(_metadata, e, &r));
		ASSERT_EQ(MEMPLUG_RANGE_STATE_PLUGGED, r.state);
		TH_LOG("online killed %s: exit %d, %u/%u blocks online", what,
		       status, r.blocks_online, r.blocks);
		if (status == 0) {
			ASSERT_EQ(r.blocks, r.blocks_online);
		}
		ASSERT_TRUE(r.blocks_online == 0 || r.blocks_online == r.blocks)
		TH_LOG("online killed %s left %u of %u blocks online", what,
		       r.blocks_online, r.blocks);
		/* Whatever it left, running it again completes it. */
		MP_OK(mp_run_ctl(self->run, CTL_TIMEOUT, "online", id, NULL));
		ASSERT_EQ(0, self->run->status) TH_LOG("%s", self->run->err);
		ASSERT_EQ(COMPLETE, check_outcome(_metadata, self, "online again"));
		unplug_raw(_metadata, e);
	}
}

/* Add the device range's first @blocks blocks with HOLD over @owner. */
static void add_held(struct __test_metadata *_metadata, struct mp_env *e,
		     struct mp_ctx *owner, unsigned int blocks,
		     struct mp_range *r)
{
	struct mp_add_opts o = { .defer_online = true };
	struct mp_msg m;
	struct mp_ack ack;

	MP_OK(mp_open(owner));
	mp_req_init(owner, &m, MEMPLUG_CMD_RANGE_ADD, false);
	mp_put_u64(&m, MEMPLUG_A_RANGE_START, e->dev_start);
	mp_put_u64(&m, MEMPLUG_A_RANGE_SIZE, blocks * e->bs);
	mp_put_flag(&m, MEMPLUG_A_RANGE_HOLD);
	MP_OK(mp_add_opts_put(&m, &o));
	MP_NL_OK(mp_transact_range(owner, &m, r, &ack), ack);
}

/*
 * The owner of a held range goes away and the kernel's rollback fails
 * (offlining vetoed). The range must not pass for a committed one: it
 * stays UNPLUGGING, with the failure and the attempts reported, while
 * memplug retries; an unplug meanwhile fails the same way and leaves it
 * so; it goes by itself once the fault is gone.
 */
TEST_F_TIMEOUT(sig, rollback_fails, 600)
{
	struct mp_env *e = &self->e;
	struct mp_range r, g;
	struct mp_ctx owner;
	struct mp_ack ack;
	int64_t deadline;
	int n;

	MP_NEED_DEVICE();
	if (mp_inject_load(1))
		SKIP(return, "memory-notifier-error-inject: %s", mp_errstr());
	add_held(_metadata, e, &owner, 4, &r);
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	MP_OK(mp_block_set(e->dev_block + 1, "online_movable"));
	MP_OK(mp_inject_set("MEM_GOING_OFFLINE", EBUSY));
	mp_close(&owner);

	/* The rollback runs and fails, more than once. */
	deadline = mp_time_ms() + 10000;
	do {
		mp_sleep_ms(100);
		MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
		ASSERT_EQ(MEMPLUG_RANGE_STATE_UNPLUGGING, g.state)
		TH_LOG("range %u is %s during its rollback", g.id,
		       MP_ENUM_STR(range_state, g.state));
	} while (mp_time_ms() < deadline);
	TH_LOG("rollback vetoed: range %u %s, %u/%u blocks online, FAIL_BLOCK %d, FAIL_ERRNO %d",
	       g.id, MP_ENUM_STR(range_state, g.state), g.blocks_online,
	       g.blocks,
	       g.has_fail_block ? (int)g.fail_block : -1, g.fail_errno);
	ASSERT_EQ(-EBUSY, g.fail_errno);
	ASSERT_TRUE(g.has_fail_block);
	ASSERT_EQ(e->dev_block, g.fail_block);
	ASSERT_LE(2, g.rollback_attempts);
	ASSERT_EQ(4, g.blocks_present);
	/* An unplug takes it over between attempts, or finds one running. */
	n = mp_range_del(&e->c, r.id, NULL, &ack);
	ASSERT_EQ(-EBUSY, n) TH_LOG("unplug during the rollback: %d, '%s'", n,
				    ack.msg);
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_UNPLUGGING, g.state);

	mp_inject_unload();
	MP_OK(mp_settle(&e->c, SETTLE_MS));
	MP_OK(mp_ranges_in(&e->c, e->dev_start, e->dev_size, NULL, 0, &n));
	ASSERT_EQ(0, n) TH_LOG("the rollback never finished");
	ASSERT_EQ(GONE, check_outcome(_metadata, self, "after the rollback"));
}

/*
 * The owner of a held range goes away while a page in it is held: every
 * attempt at offlining it fails until the page is let go. Meanwhile the
 * range is busy, and a plug of another range still goes through: memplug
 * cuts each attempt short instead of spinning with the memory hotplug
 * lock taken. Once the page is free everything completes and nothing is
 * left.
 */
TEST_F_TIMEOUT(sig, rollback_spins_on_held_page, 600)
{
	struct mp_env *e = &self->e;
	uint64_t other = e->dev_start + MP_MIB(512);
	char st = '?';
	struct mp_range r, g;
	struct mp_ctx owner;
	struct mp_ack ack;
	int rc, status;
	pid_t pid;

	MP_NEED_DEVICE();
	add_held(_metadata, e, &owner, 2, &r);
	MP_OK(mp_block_set(e->dev_block + 1, "online_movable"));
	MP_OK(mp_pin(e->dev_start + e->bs, e->bs));
	MP_OK(mp_block_set(e->dev_block, "online_movable"));
	mp_close(&owner);

	ASSERT_TRUE(mp_block_state_by(e->dev_block + 1, "going-offline", 30000))
	TH_LOG("the rollback never reached the held page");
	mp_sleep_ms(1000);
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_UNPLUGGING, g.state);

	/* Another plug meanwhile, in a child. */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct mp_ctx c;

		if (mp_open(&c))
			_exit(2);
		_exit(mp_range_add(&c, other, MP_MIB(256), NULL, NULL, NULL) ?
			      1 : 0);
	}
	rc = mp_wait_pid(pid, 30000, &status);
	if (rc == -ETIMEDOUT) {
		st = mp_proc_state(pid);
		kill(pid, SIGKILL);
		mp_wait_pid(pid, 60000, &status);
	}
	ASSERT_EQ(0, rc) TH_LOG("a plug of another range waited 30 s (state %c) behind the rollback",
				st);
	ASSERT_EQ(0, status);
	MP_NL_OK(mp_range_get(&e->c, r.id, &g, &ack), ack);
	ASSERT_EQ(MEMPLUG_RANGE_STATE_UNPLUGGING, g.state);

	/* The page let go: the rollback completes. */
	MP_OK(mp_rmmod("memplug_test_pin"));
	MP_OK(mp_settle(&e->c, SETTLE_MS));
	rc = mp_range_get(&e->c, r.id, NULL, &ack);
	ASSERT_EQ(-ENOENT, rc) TH_LOG("the held range is still there");
	MP_OK(mp_unplug_all(&e->c) < 0 ? -EIO : 0);
	ASSERT_EQ(GONE, check_outcome(_metadata, self, "after the rollback"));
}

TEST_HARNESS_MAIN
