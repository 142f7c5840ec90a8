// SPDX-License-Identifier: GPL-2.0
/*
 * mpbench: timing helper for the memplug benchmark guest.
 *
 *   mpbench now
 *	Print CLOCK_MONOTONIC in nanoseconds.
 *   mpbench time FILE CMD [ARG...]
 *	Run CMD with stdin, stdout and stderr inherited; write
 *	"<elapsed_ns> <exit status> <user_us> <sys_us>" to FILE, where the
 *	time runs from just before fork() to just after wait4(), so it
 *	includes starting the program, and user/sys are CMD's CPU times from
 *	wait4() (tick-sampled on most kernels: coarse, useful as medians).
 *	Exit with CMD's status (128+N for a signal).
 *   mpbench state STATE FIRST COUNT [asc|desc|hole]
 *	Write STATE ("online_movable", "offline", ...) to
 *	/sys/devices/system/memory/memoryN/state for N = FIRST..FIRST+COUNT-1,
 *	timing each write(2). The order is ascending (default), descending,
 *	or "hole": ascending but the second block last, so that the blocks
 *	done so far are never one contiguous run (the kernel rescans a
 *	zone's span after each block until it finds a hole). Print one line per block,
 *	"block=N ns=T", then "total_ns=T". Stop at the first failure
 *	(exit 1, with the errno on stderr).
 *   mpbench nl COUNT
 *	Resolve the generic netlink family "memplug" (CTRL_CMD_GETFAMILY)
 *	and send COUNT MEMPLUG_CMD_STATUS_GET requests with NLM_F_ACK, each
 *	read until its ACK, on one raw socket: the cost of a netlink round
 *	trip without any library. Print "resolve_ns=T", then "status_ns=T"
 *	per request.
 *   mpbench demote BYTES CGROUP NODE
 *	Fork a task that joins the memory cgroup CGROUP (a cgroup v2
 *	directory), fills BYTES of anonymous memory (small pages) where it
 *	runs and sums it; then ask the cgroup to reclaim BYTES
 *	(memory.reclaim) and time that write(2). Print one JSON line:
 *	bytes, reclaim_ns, demoted (the growth of /proc/vmstat's pgdemote_*
 *	counters), on_node (the task's pages on NODE afterwards, from
 *	move_pages(2)) and intact (every word as written). The pressure is
 *	fixed: the same BYTES asked of the same cgroup.
 *   mpbench stamp
 *	Copy stdin to stdout line by line, each line prefixed with the
 *	CLOCK_MONOTONIC time (ns) at which it was read and a space. Reads
 *	unbuffered, so the stamp is taken as soon as the writer's line
 *	arrives.
 *
 * The guest's busybox date has no sub-second clock and a shell cannot
 * time a single write(2); this small program does both.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/genetlink.h>
#include <linux/memplug.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: mpbench now\n"
		"       mpbench time FILE CMD [ARG...]\n"
		"       mpbench state STATE FIRST COUNT [asc|desc|hole]\n"
		"       mpbench nl COUNT\n"
		"       mpbench demote BYTES CGROUP NODE\n"
		"       mpbench stamp\n");
	return 2;
}

static int cmd_time(int argc, char **argv)
{
	struct rusage ru;
	uint64_t t0, t1;
	int status, rc;
	pid_t pid;
	FILE *f;

	if (argc < 2)
		return usage();
	f = fopen(argv[0], "w");
	if (!f) {
		fprintf(stderr, "mpbench: %s: %s\n", argv[0], strerror(errno));
		return 125;
	}
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "mpbench: fork: %s\n", strerror(errno));
		return 125;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "mpbench: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "mpbench: wait4: %s\n", strerror(errno));
			return 125;
		}
	}
	t1 = now_ns();
	if (WIFEXITED(status))
		rc = WEXITSTATUS(status);
	else
		rc = 128 + WTERMSIG(status);
	fprintf(f, "%" PRIu64 " %d %ld %ld\n", t1 - t0, rc,
		(long)ru.ru_utime.tv_sec * 1000000 + (long)ru.ru_utime.tv_usec,
		(long)ru.ru_stime.tv_sec * 1000000 + (long)ru.ru_stime.tv_usec);
	if (fclose(f)) {
		fprintf(stderr, "mpbench: %s: %s\n", argv[0], strerror(errno));
		return 125;
	}
	return rc;
}

static int cmd_state(int argc, char **argv)
{
	unsigned long first, count, i;
	uint64_t total = 0, t0, t1;
	char path[96];
	size_t len;
	ssize_t n;
	int fd;

	const char *order = argc == 4 ? argv[3] : "asc";
	unsigned long k;

	if (argc != 3 && argc != 4)
		return usage();
	if (strcmp(order, "asc") && strcmp(order, "desc") && strcmp(order, "hole"))
		return usage();
	first = strtoul(argv[1], NULL, 10);
	count = strtoul(argv[2], NULL, 10);
	len = strlen(argv[0]);
	for (k = 0; k < count; k++) {
		if (!strcmp(order, "desc"))
			i = first + count - 1 - k;
		else if (!strcmp(order, "hole") && count > 2)
			i = k == 0 ? first : k == count - 1 ? first + 1 : first + k + 1;
		else
			i = first + k;
		snprintf(path, sizeof(path),
			 "/sys/devices/system/memory/memory%lu/state", i);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "mpbench: %s: %s\n", path, strerror(errno));
			return 1;
		}
		t0 = now_ns();
		n = write(fd, argv[0], len);
		t1 = now_ns();
		if (n != (ssize_t)len) {
			fprintf(stderr, "mpbench: writing %s to %s: %s\n", argv[0],
				path, n < 0 ? strerror(errno) : "short write");
			close(fd);
			return 1;
		}
		close(fd);
		total += t1 - t0;
		printf("block=%lu ns=%" PRIu64 "\n", i, t1 - t0);
	}
	printf("total_ns=%" PRIu64 "\n", total);
	return 0;
}

static int cmd_stamp(void)
{
	char buf[65536];
	size_t have = 0;
	char *nl;
	ssize_t n;

	for (;;) {
		n = read(STDIN_FILENO, buf + have, sizeof(buf) - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		uint64_t t = now_ns();

		have += n;
		buf[have] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			printf("%" PRIu64 " %s\n", t, buf);
			have -= nl + 1 - buf;
			memmove(buf, nl + 1, have);
			buf[have] = '\0';
		}
		if (have == sizeof(buf) - 1)
			have = 0; /* a line longer than the buffer: drop it */
		fflush(stdout);
	}
	if (have)
		printf("%" PRIu64 " %.*s\n", now_ns(), (int)have, buf);
	return 0;
}

/* One request and everything up to its ACK; returns the family id found
 * in a CTRL_CMD_NEWFAMILY reply, 0 if none, -1 on error. */
static int nl_exchange(int fd, uint16_t type, uint8_t cmd, const char *name)
{
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct {
		struct nlmsghdr nh;
		struct genlmsghdr gh;
		char attrs[64];
	} req;
	static uint32_t seq;
	int family = 0;
	ssize_t n;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	req.nh.nlmsg_type = type;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = ++seq;
	req.gh.cmd = cmd;
	req.gh.version = MEMPLUG_FAMILY_VERSION;
	if (name) {
		struct nlattr *a = (struct nlattr *)req.attrs;

		a->nla_type = CTRL_ATTR_FAMILY_NAME;
		a->nla_len = NLA_HDRLEN + strlen(name) + 1;
		memcpy((char *)a + NLA_HDRLEN, name, strlen(name) + 1);
		req.nh.nlmsg_len += NLA_ALIGN(a->nla_len);
	}
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return -1;
	for (;;) {
		struct nlmsghdr *nh;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -1;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				if (e->error) {
					errno = -e->error;
					return -1;
				}
				return family;
			}
			if (name) {
				struct genlmsghdr *gh = NLMSG_DATA(nh);
				struct nlattr *a = (struct nlattr *)((char *)gh + GENL_HDRLEN);
				int len = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

				while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
				       a->nla_len <= len) {
					if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
						family = *(uint16_t *)((char *)a + NLA_HDRLEN);
					len -= NLA_ALIGN(a->nla_len);
					a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
				}
			}
		}
	}
}

static int cmd_nl(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	unsigned long count, i;
	uint64_t t0, t1;
	int fd, family;

	if (argc != 1)
		return usage();
	count = strtoul(argv[0], NULL, 10);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "mpbench: netlink socket: %s\n", strerror(errno));
		return 1;
	}
	t0 = now_ns();
	family = nl_exchange(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, MEMPLUG_FAMILY_NAME);
	t1 = now_ns();
	if (family <= 0) {
		fprintf(stderr, "mpbench: resolving %s: %s\n", MEMPLUG_FAMILY_NAME,
			family < 0 ? strerror(errno) : "no family id");
		return 1;
	}
	printf("resolve_ns=%" PRIu64 "\n", t1 - t0);
	for (i = 0; i < count; i++) {
		t0 = now_ns();
		if (nl_exchange(fd, family, MEMPLUG_CMD_STATUS_GET, NULL) < 0) {
			fprintf(stderr, "mpbench: STATUS_GET: %s\n", strerror(errno));
			return 1;
		}
		t1 = now_ns();
		printf("status_ns=%" PRIu64 "\n", t1 - t0);
	}
	close(fd);
	return 0;
}

/* The sum of /proc/vmstat's pgdemote_* counters. */
static long long pgdemote(void)
{
	char name[64];
	long long v, sum = 0;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &v) == 2)
		if (!strncmp(name, "pgdemote_", 9))
			sum += v;
	fclose(f);
	return sum;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static uint64_t demote_word(size_t i)
{
	return (i + 1) * 0x9e3779b97f4a7c15ULL;
}

/* The task of cmd_demote(): fill, report, wait, count, check. */
static int demotee(size_t len, int node, int up, int down)
{
	size_t words = len / 8, pages = len / 4096, i, on = 0;
	uint64_t *mem;
	void **addr;
	int *status;
	bool intact = true;
	char go;

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	addr = calloc(pages, sizeof(*addr));
	status = calloc(pages, sizeof(*status));
	if (mem == MAP_FAILED || !addr || !status)
		return 1;
	madvise(mem, len, MADV_NOHUGEPAGE);
	for (i = 0; i < words; i++)
		mem[i] = demote_word(i);
	if (write(up, "r", 1) != 1 || read(down, &go, 1) != 1)
		return 1;
	for (i = 0; i < pages; i++)
		addr[i] = (char *)mem + i * 4096;
	if (syscall(SYS_move_pages, 0, pages, addr, NULL, status, 0))
		return 1;
	for (i = 0; i < pages; i++)
		on += status[i] == node;
	for (i = 0; i < words; i++)
		intact &= mem[i] == demote_word(i);
	dprintf(up, "%zu %d\n", on, intact);
	return 0;
}

static int cmd_demote(int argc, char **argv)
{
	int up[2], down[2], node, status;
	long long before, after;
	char path[512], buf[64];
	uint64_t t0, t1;
	size_t len, on;
	int intact;
	ssize_t n;
	pid_t pid;

	if (argc != 3)
		return usage();
	len = strtoull(argv[0], NULL, 0) & ~4095ULL;
	node = atoi(argv[2]);
	if (!len || pipe(up) || pipe(down))
		return usage();
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", argv[1]);
		snprintf(buf, sizeof(buf), "%d", getpid());
		_exit(write_file(path, buf) ? 1 : demotee(len, node, up[1], down[0]));
	}
	if (read(up[0], buf, 1) != 1) {
		fprintf(stderr, "mpbench: the task failed to fill its memory\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/memory.reclaim", argv[1]);
	snprintf(buf, sizeof(buf), "%zu", len);
	before = pgdemote();
	t0 = now_ns();
	/* EAGAIN when not all of it could be reclaimed: still measured. */
	write_file(path, buf);
	t1 = now_ns();
	after = pgdemote();
	if (write(down[1], "g", 1) != 1)
		return 1;
	n = read(up[0], buf, sizeof(buf) - 1);
	waitpid(pid, &status, 0);
	if (n <= 0 || status)
		return 1;
	buf[n] = 0;
	if (sscanf(buf, "%zu %d", &on, &intact) != 2)
		return 1;
	printf("{\"bytes\":%zu,\"reclaim_ns\":%" PRIu64
	       ",\"demoted\":%lld,\"on_node\":%zu,\"intact\":%s}\n",
	       len, t1 - t0, after - before, on, intact ? "true" : "false");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "now") && argc == 2) {
		printf("%" PRIu64 "\n", now_ns());
		return 0;
	}
	if (!strcmp(argv[1], "time"))
		return cmd_time(argc - 2, argv + 2);
	if (!strcmp(argv[1], "state"))
		return cmd_state(argc - 2, argv + 2);
	if (!strcmp(argv[1], "nl"))
		return cmd_nl(argc - 2, argv + 2);
	if (!strcmp(argv[1], "demote"))
		return cmd_demote(argc - 2, argv + 2);
	if (!strcmp(argv[1], "stamp") && argc == 2)
		return cmd_stamp();
	return usage();
}
