// SPDX-License-Identifier: GPL-2.0
/*
 * monitor_test: memplugctl monitor as an administrator runs it next to the
 * controllers that change memory, checked record by record against the
 * module's event ring (EVENT_GET) and the documented exit codes:
 *
 *   - monitor --json --count N while other memplugctl processes plug,
 *     online and unplug a range: exactly N NDJSON records, consecutive seq,
 *     the actions of the cycle with the range id, exit 0; under the
 *     kernel's auto-online policy offline and online;
 *   - --range ID prints that range's events only;
 *   - --since SEQ replays what the ring holds, then follows (--timeout:
 *     exit 124);
 *   - --timeout with nothing happening: exit 124, nothing printed; without
 *     CAP_NET_ADMIN: exit 4;
 *   - a monitor whose socket overflowed (stopped during a burst, its
 *     receive buffer held to 8 KiB through net.core.rmem_max, as memplugctl
 *     has no option for it) reads the lost events back from the ring: every
 *     seq printed, exit 0;
 *   - when the ring (event_ring_size=16) overran as well: an overrun record
 *     naming the lost seqs, printed whatever --range says, and exit 1
 *     however the monitor ends (SIGTERM, --count, --timeout).
 *
 * The monitors run in the background with stdout and stderr in files; a
 * monitor is known to listen once it waits in ppoll() (/proc/PID/syscall),
 * which it reaches only after joining the group and learning where the
 * event sequence stands.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "memplug_test.h"
#include "mp_event.h"
#include "ctl.h"

#define AUTO_ONLINE MP_SYSFS_MEMORY "/auto_online_blocks"
#define RMEM_MAX "/proc/sys/net/core/rmem_max"
/* net.core.rmem_max while a monitor sizes its buffer: 8 KiB of events. */
#define RMEM_TINY "4096"
#define MON_MAX 4
#define REC_MAX 512
#define READY_MS 30000
#define EXIT_MS 60000
/* --timeout of monitors that should end by --count: a hang ends as 124. */
#define SAFETY_S "120"
#define LOST_FMT "memplugctl: monitor: %" PRIu64 " event(s) lost in %d overrun(s); see the overrun records\n"

/* A memplugctl monitor in the background. */
struct mon {
	pid_t pid;
	char out[64];
	char err[64];
};

/* One line of monitor --json. */
struct rec {
	char line[2048]; /* compacted */
	bool overrun;
	long long seq; /* -1: null */
	char action[32];
	long long range; /* -1: null */
	long long block; /* -1: null */
	long long lost_from;
	long long lost_to;
};

/* Every key of an event record, always present. */
static const char *const rec_keys[] = {
	"seq", "time_ns", "realtime_ns", "action", "start", "size",
	"start_pfn", "nr_pages", "block", "node", "zone", "range",
	"status_change_nid", "status_change_nid_normal", "veto",
	"lost_from", "lost_to",
};

FIXTURE(monitor) {
	struct mp_env e;
	const char *ctl;
	struct mp_run *run;
	struct mon mon[MON_MAX];
	int nmon;
	char rmem_max[32]; /* to put back; empty if untouched */
	struct mp_event *ring;
	struct rec *rec;
};

FIXTURE_SETUP(monitor)
{
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	rc = mp_memplug_restore(&self->e.c);
	ASSERT_EQ(0, rc) TH_LOG("loading memplug as by default: %s",
				mp_errstr());
	self->ctl = mp_ctl_path();
	self->run = malloc(sizeof(*self->run));
	self->ring = calloc(REC_MAX, sizeof(*self->ring));
	self->rec = calloc(REC_MAX, sizeof(*self->rec));
	ASSERT_NE(NULL, self->run);
	ASSERT_NE(NULL, self->ring);
	ASSERT_NE(NULL, self->rec);
}

FIXTURE_TEARDOWN(monitor)
{
	int i, status;

	for (i = 0; i < self->nmon; i++) {
		struct mon *m = &self->mon[i];

		if (m->pid > 0) {
			kill(m->pid, SIGKILL);
			mp_wait_pid(m->pid, EXIT_MS, &status);
		}
		unlink(m->out);
		unlink(m->err);
	}
	if (self->rmem_max[0])
		mp_write_str(RMEM_MAX, self->rmem_max);
	mp_write_str(AUTO_ONLINE, "offline");
	free(self->run);
	free(self->ring);
	free(self->rec);
	mp_env_teardown(&self->e);
	mp_memplug_restore(&self->e.c);
	mp_close(&self->e.c);
}

/* Start memplugctl with @args (NULL terminated), output into files. */
static struct mon *mon_start(struct __test_metadata *_metadata,
			     FIXTURE_DATA(monitor) *self,
			     const char *const args[])
{
	const char *argv[16] = { self->ctl };
	struct mon *m;
	char cmd[256];
	size_t len = 0;
	int i;

	ASSERT_LT(self->nmon, MON_MAX);
	m = &self->mon[self->nmon++];
	for (i = 0; args[i] && i < 14; i++) {
		argv[i + 1] = args[i];
		len += snprintf(cmd + len, sizeof(cmd) - len, " %s", args[i]);
	}
	argv[i + 1] = NULL;
	snprintf(m->out, sizeof(m->out), "/tmp/monitor_test.%d.%d.out",
		 (int)getpid(), self->nmon);
	snprintf(m->err, sizeof(m->err), "/tmp/monitor_test.%d.%d.err",
		 (int)getpid(), self->nmon);
	fflush(stdout);
	fflush(stderr);
	m->pid = fork();
	ASSERT_GE(m->pid, 0);
	if (!m->pid) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(m->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open(m->err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (in < 0 || out < 0 || err < 0)
			_exit(126);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	TH_LOG("started memplugctl%s as %d", cmd, (int)m->pid);
	return m;
}

/* Wait until @m waits for events in ppoll(): it has joined and started. */
static void mon_ready(struct __test_metadata *_metadata, struct mon *m)
{
	int64_t deadline = mp_time_ms() + READY_MS;
	char path[64], buf[256];
	char state;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)m->pid);
	for (;;) {
		state = mp_proc_state(m->pid);
		ASSERT_TRUE(state != 'Z' && state != '?')
		TH_LOG("monitor %d ended before it listened", (int)m->pid);
		if (!mp_read_str(path, buf, sizeof(buf)) &&
		    atol(buf) == SYS_ppoll && strcmp(buf, "running"))
			return;
		ASSERT_LT(mp_time_ms(), deadline)
		TH_LOG("monitor %d never waited for events (%s)", (int)m->pid,
		       buf);
		mp_sleep_ms(20);
	}
}

/* Wait for @m to end; its exit status (128 + signal if killed). */
static int mon_end(struct __test_metadata *_metadata, struct mon *m)
{
	int rc, status = -1;

	rc = mp_wait_pid(m->pid, EXIT_MS, &status);
	ASSERT_EQ(0, rc) TH_LOG("monitor %d still runs after %d s", (int)m->pid,
				EXIT_MS / 1000);
	m->pid = 0;
	return status;
}

/* What @m wrote to @path so far (malloc'd, never NULL). */
static char *mon_file(struct __test_metadata *_metadata, const char *path)
{
	char *s = mp_read_file(path);

	if (!s)
		s = strdup("");
	ASSERT_NE(NULL, s);
	return s;
}

/* Parse the NDJSON lines of @text into self->rec; the number of them. */
static int parse_recs(struct __test_metadata *_metadata,
		      FIXTURE_DATA(monitor) *self, const char *text)
{
	const char *p = text;
	int n = 0;
	size_t i;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char raw[2048];
		struct rec *r;

		ASSERT_NE(NULL, nl) TH_LOG("unterminated line '%s'", p);
		ASSERT_LT(len, sizeof(raw)) TH_LOG("line too long");
		ASSERT_LT(n, REC_MAX);
		memcpy(raw, p, len);
		raw[len] = '\0';
		p = nl + 1;
		r = &self->rec[n++];
		memset(r, 0, sizeof(*r));
		mp_json_compact(raw, r->line, sizeof(r->line));
		ASSERT_EQ('{', r->line[0]) TH_LOG("not JSON: '%s'", raw);
		for (i = 0; i < ARRAY_SIZE(rec_keys); i++) {
			char key[64];

			snprintf(key, sizeof(key), "\"%s\":", rec_keys[i]);
			ASSERT_EQ(1, mp_json_count(r->line, key))
			TH_LOG("key %s not once in %s", key, r->line);
		}
		ASSERT_EQ(1, json_str(r->line, "action", r->action,
				      sizeof(r->action)))
		TH_LOG("%s", r->line);
		r->overrun = !strcmp(r->action, "overrun");
		if (!mp_json_int(r->line, "seq", &r->seq))
			r->seq = -1;
		if (!mp_json_int(r->line, "range", &r->range))
			r->range = -1;
		if (!mp_json_int(r->line, "block", &r->block))
			r->block = -1;
		if (!mp_json_int(r->line, "lost_from", &r->lost_from))
			r->lost_from = -1;
		if (!mp_json_int(r->line, "lost_to", &r->lost_to))
			r->lost_to = -1;
	}
	return n;
}

/*
 * The records of @m's stdout; while it runs (@running) only its complete
 * lines.
 */
static int mon_recs(struct __test_metadata *_metadata,
		    FIXTURE_DATA(monitor) *self, struct mon *m, bool running)
{
	char *out = mon_file(_metadata, m->out), *end;
	int n;

	end = strrchr(out, '\n');
	if (running)
		*(end ? end + 1 : out) = '\0';
	n = parse_recs(_metadata, self, out);
	free(out);
	return n;
}

static uint64_t next_seq(struct __test_metadata *_metadata, struct mp_ctx *c)
{
	struct mp_status st;
	struct mp_ack ack;

	MP_NL_OK(mp_status_get(c, &st, &ack), ack);
	return st.event_seq;
}

/* The ring from @first on into self->ring; how many. */
static int ring_from(struct __test_metadata *_metadata,
		     FIXTURE_DATA(monitor) *self, uint64_t first)
{
	struct mp_ack ack;
	int n;

	MP_NL_OK(mp_event_dump(&self->e.c, first, self->ring, REC_MAX, &n, &ack),
		 ack);
	return n;
}

static const char *errno_name(int err)
{
	switch (err) {
	case EPERM:
		return "EPERM";
	case EBUSY:
		return "EBUSY";
	case EINVAL:
		return "EINVAL";
	default:
		return NULL;
	}
}

/* Whether record @r shows event @ev field by field; if not, @why says. */
static bool rec_is(const struct rec *r, const struct mp_event *ev, char *why,
		   size_t len)
{
	char want[384];

	if (r->overrun || r->seq < 0 || (uint64_t)r->seq != ev->seq) {
		snprintf(why, len, "seq %lld, the kernel's %" PRIu64, r->seq,
			 ev->seq);
		return false;
	}
	if (strcmp(r->action, MP_ENUM_STR(event_action, ev->action))) {
		snprintf(why, len, "action %s, the kernel's %s", r->action,
			 MP_ENUM_STR(event_action, ev->action));
		return false;
	}
	if (r->range != (ev->has_range_id ? (long long)ev->range_id : -1) ||
	    r->block != ev->block) {
		snprintf(why, len, "range %lld block %lld", r->range, r->block);
		return false;
	}
	snprintf(want, sizeof(want), "\"start\":\"0x%" PRIx64 "\"", ev->start);
	if (!strstr(r->line, want) ||
	    mp_json_count_num(r->line, "size", ev->size) != 1 ||
	    mp_json_count_num(r->line, "start_pfn", ev->start_pfn) != 1 ||
	    mp_json_count_num(r->line, "nr_pages", ev->nr_pages) != 1 ||
	    mp_json_count_num(r->line, "time_ns", ev->time_ns) != 1 ||
	    mp_json_count_num(r->line, "realtime_ns", ev->realtime_ns) != 1) {
		snprintf(why, len, "address, size or time differ");
		return false;
	}
	if (ev->has_zone)
		snprintf(want, sizeof(want), "\"zone\":\"%s\"", ev->zone);
	else
		snprintf(want, sizeof(want), "\"zone\":null");
	if (!strstr(r->line, want)) {
		snprintf(why, len, "no %s", want);
		return false;
	}
	if (!ev->has_veto_errno && !ev->has_veto_reason) {
		snprintf(want, sizeof(want), "\"veto\":null");
	} else if (ev->has_veto_reason && errno_name(-ev->veto_errno)) {
		snprintf(want, sizeof(want),
			 "\"veto\":{\"errno\":\"%s\",\"reason\":\"%s\"}",
			 errno_name(-ev->veto_errno), ev->veto_reason);
	} else {
		snprintf(want, sizeof(want), "\"veto\":{");
	}
	if (!strstr(r->line, want)) {
		snprintf(why, len, "no %s", want);
		return false;
	}
	if (!json_null(r->line, "lost_from") || !json_null(r->line, "lost_to")) {
		snprintf(why, len, "lost_from/lost_to not null");
		return false;
	}
	return true;
}

#define REC_IS(r, ev)                                                         \
	do {                                                                  \
		char __why[512];                                              \
		ASSERT_TRUE(rec_is((r), (ev), __why, sizeof(__why)))          \
		TH_LOG("%s: %s", __why, (r)->line);                           \
	} while (0)

/* What monitor @m wrote to stderr is exactly @want. */
static void mon_err_is(struct __test_metadata *_metadata, struct mon *m,
		       const char *want)
{
	char *err = mon_file(_metadata, m->err);

	ASSERT_STREQ(want, err);
	free(err);
}

/*
 * The @n records monitor @m printed are the ring's events from @first on,
 * consecutive and field by field, and it printed nothing to stderr.
 */
static void recs_are_ring(struct __test_metadata *_metadata,
			  FIXTURE_DATA(monitor) *self, struct mon *m, int n,
			  uint64_t first)
{
	int i;

	for (i = 0; i < n; i++) {
		ASSERT_EQ((long long)(first + i), self->rec[i].seq);
		REC_IS(&self->rec[i], &self->ring[i]);
	}
	mon_err_is(_metadata, m, "");
}

/* An overrun record: everything null but action, lost_from, lost_to. */
static void check_overrun(struct __test_metadata *_metadata,
			  const struct rec *r)
{
	size_t i;

	ASSERT_TRUE(r->overrun) TH_LOG("%s", r->line);
	ASSERT_GT(r->lost_from, 0) TH_LOG("%s", r->line);
	ASSERT_GE(r->lost_to, r->lost_from) TH_LOG("%s", r->line);
	for (i = 0; i < ARRAY_SIZE(rec_keys); i++) {
		const char *k = rec_keys[i];

		if (strcmp(k, "action") && strcmp(k, "lost_from") &&
		    strcmp(k, "lost_to")) {
			ASSERT_TRUE(json_null(r->line, k))
			TH_LOG("%s not null in %s", k, r->line);
		}
	}
}

/* memplugctl with @args, as the other process; its JSON "id". */
static long long ctl_id(struct __test_metadata *_metadata,
			FIXTURE_DATA(monitor) *self, const char *const args[])
{
	const char *argv[16] = { self->ctl };
	struct mp_run *run = self->run;
	long long id;
	char *j;
	int i;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	MP_OK(mp_run(run, CTL_TIMEOUT, argv));
	log_run(_metadata, argv, run);
	EXIT_IS(run, 0);
	j = json_of(run);
	ASSERT_NE(NULL, j);
	ASSERT_TRUE(mp_json_int(j, "id", &id)) TH_LOG("no id in %s", j);
	free(j);
	return id;
}

/* Plug @nblk blocks at block @at of the device, offline, zone movable. */
static long long plug_offline(struct __test_metadata *_metadata,
			      FIXTURE_DATA(monitor) *self, unsigned int at,
			      unsigned int nblk)
{
	char start[32], size[32];
	const char *args[] = { "plug", "--start", start, "--size", size,
			       "--online", "none", "--zone", "movable",
			       "--json", NULL };

	snprintf(start, sizeof(start), "0x%" PRIx64,
		 self->e.dev_start + at * self->e.bs);
	snprintf(size, sizeof(size), "%" PRIu64, nblk * self->e.bs);
	return ctl_id(_metadata, self, args);
}

/* memplugctl @cmd ID [@opt...], exit 0. */
static void ctl_on(struct __test_metadata *_metadata,
		   FIXTURE_DATA(monitor) *self, const char *cmd, long long id)
{
	char ids[32];
	const char *args[] = { cmd, ids, "--json", NULL };

	snprintf(ids, sizeof(ids), "%lld", id);
	ctl_id(_metadata, self, args);
}

/* Messages the kernel dropped for the netlink sockets of process @pid. */
static long long netlink_drops(struct __test_metadata *_metadata, pid_t pid)
{
	unsigned long inodes[16];
	char path[64], link[64], *nl, *line, *save;
	long long drops = 0;
	struct dirent *d;
	int n = 0, i;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	ASSERT_NE(NULL, dir) TH_LOG("%s: %s", path, strerror(errno));
	while ((d = readdir(dir)) && n < 16) {
		char fd[320];
		ssize_t len;

		snprintf(fd, sizeof(fd), "%s/%s", path, d->d_name);
		len = readlink(fd, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (sscanf(link, "socket:[%lu]", &inodes[n]) == 1)
			n++;
	}
	closedir(dir);
	nl = mp_read_file("/proc/net/netlink");
	ASSERT_NE(NULL, nl);
	/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
	for (line = strtok_r(nl, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long ino;
		unsigned int dr;

		if (sscanf(line, "%*s %*d %*u %*x %*d %*d %*d %*d %u %lu", &dr,
			   &ino) != 2)
			continue;
		for (i = 0; i < n; i++)
			if (inodes[i] == ino)
				drops += dr;
	}
	free(nl);
	return drops;
}

/*
 * Set net.core.rmem_max so that the monitors started next get the
 * smallest receive buffer; put back by rmem_restore().
 */
static void rmem_tiny(struct __test_metadata *_metadata,
		      FIXTURE_DATA(monitor) *self)
{
	MP_OK(mp_read_str(RMEM_MAX, self->rmem_max, sizeof(self->rmem_max)));
	MP_OK(mp_write_str(RMEM_MAX, RMEM_TINY));
}

static void rmem_restore(FIXTURE_DATA(monitor) *self)
{
	if (self->rmem_max[0])
		mp_write_str(RMEM_MAX, self->rmem_max);
	self->rmem_max[0] = '\0';
}

/*
 * Wait until @m's stdout has a record with seq @seq, or with @seq 0 an
 * overrun record.
 */
static void mon_wait_rec(struct __test_metadata *_metadata,
			 FIXTURE_DATA(monitor) *self, struct mon *m,
			 uint64_t seq)
{
	int64_t deadline = mp_time_ms() + EXIT_MS;
	int n, i;

	for (;;) {
		n = mon_recs(_metadata, self, m, true);
		for (i = 0; i < n; i++)
			if (seq ? self->rec[i].seq == (long long)seq :
				  self->rec[i].overrun)
				return;
		ASSERT_LT(mp_time_ms(), deadline)
		TH_LOG("monitor %d never printed %s %" PRIu64 " (%d records)",
		       (int)m->pid, seq ? "seq" : "an overrun", seq, n);
		mp_sleep_ms(50);
	}
}

/*
 * Two monitors, --count of the plug's events (1, or 3 with the kernel's
 * vetoed auto-online) and --count of the whole cycle, while memplugctl
 * plugs 2 blocks offline, onlines and unplugs them, with the kernel's
 * auto-online policy @auto_online: each prints exactly its count of
 * records, the kernel's events in order, and exits 0, though more events
 * follow for the first.
 */
static void count_cycle(struct __test_metadata *_metadata,
			FIXTURE_DATA(monitor) *self, const char *auto_online)
{
	/* The kernel tries its auto-online on the first block only. */
	const int nplug = strcmp(auto_online, "offline") ? 3 : 1;
	const int nall = nplug + 4 + 5;
	unsigned int b0 = self->e.dev_block;
	char cplug[16], call[16];
	const char *a1[] = { "monitor", "--json", "--count", cplug,
			     "--timeout", SAFETY_S, NULL };
	const char *a2[] = { "monitor", "--json", "--count", call,
			     "--timeout", SAFETY_S, NULL };
	struct mon *m1, *m2;
	uint64_t first;
	long long id;
	int n, i, k;

	MP_OK(mp_write_str(AUTO_ONLINE, auto_online));
	snprintf(cplug, sizeof(cplug), "%d", nplug);
	snprintf(call, sizeof(call), "%d", nall);
	first = next_seq(_metadata, &self->e.c);
	m1 = mon_start(_metadata, self, a1);
	m2 = mon_start(_metadata, self, a2);
	mon_ready(_metadata, m1);
	mon_ready(_metadata, m2);

	id = plug_offline(_metadata, self, 0, 2);
	ctl_on(_metadata, self, "online", id);
	ctl_on(_metadata, self, "unplug", id);
	MP_BLOCK_GONE(b0);

	ASSERT_EQ(0, mon_end(_metadata, m1));
	ASSERT_EQ(0, mon_end(_metadata, m2));
	ASSERT_EQ(first + nall, next_seq(_metadata, &self->e.c))
	TH_LOG("the cycle was not %d events", nall);
	ASSERT_EQ(nall, ring_from(_metadata, self, first));

	/* The kernel's account: the steps of the cycle, all of range id. */
	k = 0;
	if (nplug == 3) {
		ASSERT_EQ(MEMPLUG_EVENT_GOING_ONLINE, self->ring[0].action);
		ASSERT_EQ(-EPERM, self->ring[0].veto_errno);
		ASSERT_EQ(MEMPLUG_EVENT_CANCEL_ONLINE, self->ring[1].action);
		k = 2;
	}
	ASSERT_EQ(MEMPLUG_EVENT_PLUG, self->ring[k++].action);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(MEMPLUG_EVENT_GOING_ONLINE, self->ring[k].action);
		ASSERT_EQ(b0 + i, self->ring[k++].block);
		ASSERT_EQ(MEMPLUG_EVENT_ONLINE, self->ring[k].action);
		ASSERT_EQ(b0 + i, self->ring[k++].block);
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(MEMPLUG_EVENT_GOING_OFFLINE, self->ring[k].action);
		ASSERT_EQ(b0 + i, self->ring[k++].block);
		ASSERT_EQ(MEMPLUG_EVENT_OFFLINE, self->ring[k].action);
		ASSERT_EQ(b0 + i, self->ring[k++].block);
	}
	ASSERT_EQ(MEMPLUG_EVENT_UNPLUG, self->ring[k++].action);
	ASSERT_EQ(nall, k);
	for (i = 0; i < nall; i++) {
		ASSERT_TRUE(self->ring[i].has_range_id);
		ASSERT_EQ(id, self->ring[i].range_id);
	}

	/* What each monitor printed: exactly its count, the same events. */
	n = mon_recs(_metadata, self, m1, false);
	ASSERT_EQ(nplug, n);
	for (i = 0; i < n; i++)
		REC_IS(&self->rec[i], &self->ring[i]);
	mon_err_is(_metadata, m1, "");

	n = mon_recs(_metadata, self, m2, false);
	ASSERT_EQ(nall, n);
	recs_are_ring(_metadata, self, m2, n, first);
}

TEST_F_TIMEOUT(monitor, count_while_plugging, MP_TIMEOUT)
{
	MP_NEED_DEVICE();
	NEED_CTL();
	count_cycle(_metadata, self, "offline");
}

/* The same with the kernel auto-onlining (Debian's 6.12 default). */
TEST_F_TIMEOUT(monitor, count_while_plugging_auto_online, MP_TIMEOUT)
{
	MP_NEED_DEVICE();
	NEED_CTL();
	count_cycle(_metadata, self, "online");
}

/*
 * --range X --count 4 while range Y is onlined, then X, then Y offlined:
 * X's four events and nothing of Y's, exit 0.
 */
TEST_F_TIMEOUT(monitor, range_filter, MP_TIMEOUT)
{
	char ids[16];
	const char *args[] = { "monitor", "--json", "--range", ids, "--count",
			       "4", "--timeout", SAFETY_S, NULL };
	long long x, y;
	uint64_t first;
	struct mon *m;
	int n, i;

	MP_NEED_DEVICE();
	NEED_CTL();
	x = plug_offline(_metadata, self, 0, 2);
	y = plug_offline(_metadata, self, 2, 2);
	snprintf(ids, sizeof(ids), "%lld", x);
	first = next_seq(_metadata, &self->e.c);
	m = mon_start(_metadata, self, args);
	mon_ready(_metadata, m);

	ctl_on(_metadata, self, "online", y);
	ctl_on(_metadata, self, "online", x);
	ctl_on(_metadata, self, "offline", y);
	ASSERT_EQ(0, mon_end(_metadata, m));

	ASSERT_EQ(12, ring_from(_metadata, self, first));
	for (i = 0; i < 12; i++) {
		ASSERT_EQ(i >= 4 && i < 8 ? x : y, self->ring[i].range_id)
		TH_LOG("seq %" PRIu64, self->ring[i].seq);
	}
	n = mon_recs(_metadata, self, m, false);
	ASSERT_EQ(4, n);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(x, self->rec[i].range);
		REC_IS(&self->rec[i], &self->ring[4 + i]);
	}
	mon_err_is(_metadata, m, "");
}

/*
 * --since SEQ prints what the ring holds from SEQ on at once: with --count
 * of them it ends (exit 0) without waiting; with --timeout it goes on
 * listening and ends with 124; the text form shows the same events.
 */
TEST_F_TIMEOUT(monitor, since_replays_ring, MP_TIMEOUT)
{
	struct mp_run *run = self->run;
	char since[32], since2[32];
	const char *line;
	uint64_t first;
	int64_t t0, took;
	long long id;
	int n, i;

	MP_NEED_DEVICE();
	NEED_CTL();
	first = next_seq(_metadata, &self->e.c);
	id = plug_offline(_metadata, self, 0, 2);
	ctl_on(_metadata, self, "online", id);
	ASSERT_EQ(5, ring_from(_metadata, self, first));
	snprintf(since, sizeof(since), "%" PRIu64, first);
	snprintf(since2, sizeof(since2), "%" PRIu64, first + 2);

	CTL(run, "monitor", "--json", "--since", since, "--count", "5",
	    "--timeout", SAFETY_S);
	EXIT_IS(run, 0);
	ASSERT_STREQ("", run->err);
	n = parse_recs(_metadata, self, run->out);
	ASSERT_EQ(5, n);
	for (i = 0; i < n; i++)
		REC_IS(&self->rec[i], &self->ring[i]);

	t0 = mp_time_ms();
	CTL(run, "monitor", "--json", "--since", since2, "--timeout", "1");
	took = mp_time_ms() - t0;
	EXIT_IS(run, 124);
	ASSERT_STREQ("", run->err);
	ASSERT_GE(took, 1000);
	n = parse_recs(_metadata, self, run->out);
	ASSERT_EQ(3, n);
	for (i = 0; i < n; i++)
		REC_IS(&self->rec[i], &self->ring[2 + i]);

	/* Text: "<UTC time> <seq> <action> range <id> block <block> ..." */
	CTL(run, "monitor", "--since", since, "--count", "5", "--timeout",
	    SAFETY_S);
	EXIT_IS(run, 0);
	for (i = 0, line = run->out; i < 5; i++) {
		const struct mp_event *ev = &self->ring[i];
		const char *nl = strchr(line, '\n');
		char want[128], got[512];

		ASSERT_NE(NULL, nl) TH_LOG("%d lines in '%s'", i, run->out);
		snprintf(got, sizeof(got), "%.*s", (int)(nl - line), line);
		snprintf(want, sizeof(want), " %" PRIu64 " %s range %lld block %u ",
			 ev->seq, MP_ENUM_STR(event_action, ev->action), id,
			 ev->block);
		ASSERT_NE(NULL, strstr(got, want))
		TH_LOG("no '%s' in '%s'", want, got);
		line = nl + 1;
	}
	ASSERT_STREQ("", line);
}

/*
 * Nothing happens: --timeout 1 ends with 124 after a second and prints
 * nothing. Without CAP_NET_ADMIN the monitor cannot join: exit 4.
 */
TEST_F_TIMEOUT(monitor, timeout_when_quiet, MP_TIMEOUT)
{
	struct mp_run *run = self->run;
	uint64_t first;
	int64_t t0, took;

	NEED_CTL();
	first = next_seq(_metadata, &self->e.c);
	t0 = mp_time_ms();
	CTL(run, "monitor", "--timeout", "1");
	took = mp_time_ms() - t0;
	EXIT_IS(run, 124);
	ASSERT_STREQ("", run->out);
	ASSERT_STREQ("", run->err);
	ASSERT_GE(took, 1000);
	ASSERT_LT(took, 10000);
	CTL(run, "monitor", "--json", "--count", "1", "--timeout", "0.5");
	EXIT_IS(run, 124);
	ASSERT_STREQ("", run->out);
	ASSERT_EQ(first, next_seq(_metadata, &self->e.c))
	TH_LOG("something happened meanwhile");

	CTL_NOBODY(run, "monitor", "--timeout", "1");
	EXIT_IS(run, 4);
	STDERR_HAS(run, "(EPERM)");
	ASSERT_STREQ("", run->out);
}

/*
 * A monitor with the smallest receive buffer, stopped while 40 events
 * happen: the kernel drops most of them for its socket, and once it runs
 * again it reads them back from the ring. All 40, in order, exit 0.
 */
TEST_F_TIMEOUT(monitor, socket_overflow_recovered, MP_TIMEOUT)
{
	const char *args[] = { "monitor", "--json", "--count", "40",
			       "--timeout", SAFETY_S, NULL };
	unsigned int b0 = self->e.dev_block;
	long long drops;
	uint64_t first;
	struct mon *m;
	int n;

	MP_NEED_DEVICE();
	NEED_CTL();
	plug_offline(_metadata, self, 0, 1);
	first = next_seq(_metadata, &self->e.c);
	rmem_tiny(_metadata, self);
	m = mon_start(_metadata, self, args);
	mon_ready(_metadata, m);
	rmem_restore(self);

	ASSERT_EQ(0, kill(m->pid, SIGSTOP));
	MP_OK(mp_veto_burst(b0, 20));
	drops = netlink_drops(_metadata, m->pid);
	TH_LOG("the kernel dropped %lld events for the stopped monitor", drops);
	ASSERT_GT(drops, 0) TH_LOG("no overflow: the test proves nothing");
	ASSERT_EQ(0, kill(m->pid, SIGCONT));
	ASSERT_EQ(0, mon_end(_metadata, m));

	ASSERT_EQ(40, ring_from(_metadata, self, first));
	n = mon_recs(_metadata, self, m, false);
	ASSERT_EQ(40, n);
	recs_are_ring(_metadata, self, m, n, first);
}

/*
 * Check the @n records of a monitor that followed from seq @first: one
 * overrun record from the first seq it missed to @oldest - 1, the
 * ring's oldest being @oldest (self->ring holds the ring from there);
 * every other seq up to @end printed once, in order, as the ring has it.
 * @filtered: a monitor whose --range matches no event, which prints the
 * overrun only. Returns the number of events lost.
 */
static uint64_t check_one_overrun(struct __test_metadata *_metadata,
				  FIXTURE_DATA(monitor) *self, int n,
				  uint64_t first, uint64_t oldest, uint64_t end,
				  bool filtered)
{
	uint64_t want = first, lost = 0;
	int i, overruns = 0;

	for (i = 0; i < n; i++) {
		const struct rec *r = &self->rec[i];

		if (r->overrun) {
			check_overrun(_metadata, r);
			ASSERT_GE(r->lost_from, (long long)want)
			TH_LOG("%s", r->line);
			if (!filtered) {
				ASSERT_EQ((long long)want, r->lost_from)
				TH_LOG("%s", r->line);
			}
			ASSERT_EQ((long long)(oldest - 1), r->lost_to)
			TH_LOG("the ring holds %" PRIu64 " on: %s", oldest,
			       r->line);
			lost += r->lost_to - r->lost_from + 1;
			want = r->lost_to + 1;
			overruns++;
			continue;
		}
		ASSERT_FALSE(filtered) TH_LOG("filtered out, yet: %s", r->line);
		ASSERT_EQ((long long)want, r->seq) TH_LOG("%s", r->line);
		if (want >= oldest)
			REC_IS(r, &self->ring[want - oldest]);
		want++;
	}
	ASSERT_EQ(1, overruns);
	if (!filtered) {
		ASSERT_EQ(end + 1, want);
	}
	return lost;
}

/* Lines of @s. */
static int count_lines(const char *s)
{
	int n = 0;

	for (; (s = strchr(s, '\n')); s++)
		n++;
	return n;
}

/*
 * With a ring of 16: two stopped monitors, one of them filtering on a
 * range that has no events, miss 60 events of a burst, and the ring no
 * longer has most of them. Each prints one overrun record from the first
 * event it missed to the one before the ring's oldest (the filtered one
 * nothing else), and SIGTERM ends them with 1 and the count of lost
 * events. --since from before the ring reports the same, ending with
 * --count or --timeout, exit 1 either way.
 */
TEST_F_TIMEOUT(monitor, ring_overrun_reported, MP_TIMEOUT)
{
	char other[32], since[32], want[256];
	const char *a1[] = { "monitor", "--json", NULL };
	const char *a2[] = { "monitor", "--json", "--range", other, NULL };
	unsigned int b0 = self->e.dev_block;
	struct mp_run *run = self->run;
	uint64_t first, last, lost;
	struct mon *m1, *m2;
	long long id;
	int n;

	MP_NEED_DEVICE();
	NEED_CTL();
	MP_OK(mp_memplug_reload(&self->e.c, "event_ring_size=16"));
	id = plug_offline(_metadata, self, 0, 1);
	snprintf(other, sizeof(other), "%lld", id + 1000);
	first = next_seq(_metadata, &self->e.c);
	rmem_tiny(_metadata, self);
	m1 = mon_start(_metadata, self, a1);
	m2 = mon_start(_metadata, self, a2);
	mon_ready(_metadata, m1);
	mon_ready(_metadata, m2);
	rmem_restore(self);

	ASSERT_EQ(0, kill(m1->pid, SIGSTOP));
	ASSERT_EQ(0, kill(m2->pid, SIGSTOP));
	MP_OK(mp_veto_burst(b0, 30));
	last = next_seq(_metadata, &self->e.c) - 1;
	ASSERT_EQ(first + 59, last);
	ASSERT_GT(netlink_drops(_metadata, m1->pid), 0);
	ASSERT_GT(netlink_drops(_metadata, m2->pid), 0);
	ASSERT_EQ(16, ring_from(_metadata, self, first));
	ASSERT_EQ(last - 15, self->ring[0].seq);
	ASSERT_EQ(0, kill(m1->pid, SIGCONT));
	ASSERT_EQ(0, kill(m2->pid, SIGCONT));

	/* Once each has caught up and listens again, SIGTERM. */
	mon_wait_rec(_metadata, self, m1, last);
	mon_ready(_metadata, m1);
	ASSERT_EQ(0, kill(m1->pid, SIGTERM));
	ASSERT_EQ(1, mon_end(_metadata, m1));
	n = mon_recs(_metadata, self, m1, false);
	lost = check_one_overrun(_metadata, self, n, first, last - 15, last,
				 false);
	TH_LOG("monitor: %d records, %" PRIu64 " events lost", n, lost);
	snprintf(want, sizeof(want), LOST_FMT, lost, 1);
	mon_err_is(_metadata, m1, want);

	mon_wait_rec(_metadata, self, m2, 0);
	mon_ready(_metadata, m2);
	ASSERT_EQ(0, kill(m2->pid, SIGTERM));
	ASSERT_EQ(1, mon_end(_metadata, m2));
	n = mon_recs(_metadata, self, m2, false);
	lost = check_one_overrun(_metadata, self, n, first, last - 15, last,
				 true);
	snprintf(want, sizeof(want), LOST_FMT, lost, 1);
	mon_err_is(_metadata, m2, want);

	/* From before the ring: the overrun first, then what it holds. */
	snprintf(since, sizeof(since), "%" PRIu64, first);
	CTL(run, "monitor", "--json", "--since", since, "--count", "3",
	    "--timeout", SAFETY_S);
	EXIT_IS(run, 1);
	n = parse_recs(_metadata, self, run->out);
	ASSERT_EQ(4, n);
	ASSERT_EQ((long long)first, self->rec[0].lost_from);
	check_one_overrun(_metadata, self, n, first, last - 15, last - 13,
			  false);
	snprintf(want, sizeof(want), LOST_FMT, last - 16 - first + 1, 1);
	ASSERT_STREQ(want, run->err);

	CTL(run, "monitor", "--since", since, "--timeout", "1");
	EXIT_IS(run, 1);
	snprintf(want, sizeof(want), " OVERRUN: events %" PRIu64 " to %" PRIu64
		 " (%" PRIu64 ") are lost", first, last - 16, last - 16 - first + 1);
	ASSERT_NE(NULL, strstr(run->out, want))
	TH_LOG("no '%s' in '%s'", want, run->out);
	ASSERT_EQ(17, count_lines(run->out)) TH_LOG("%s", run->out);
	snprintf(want, sizeof(want), LOST_FMT, last - 16 - first + 1, 1);
	ASSERT_STREQ(want, run->err);
}

TEST_HARNESS_MAIN
