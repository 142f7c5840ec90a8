// SPDX-License-Identifier: GPL-2.0
/*
 * mp_sys: observations, modules, processes and privileges for the memplug
 * selftests.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mp_sys.h"

const char *mp_env(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

const char *mp_ko_path(void)
{
	return mp_env("MEMPLUG_KO", "/memplug/modules/memplug.ko");
}

const char *mp_ko_params(void)
{
	return mp_env("MEMPLUG_KO_PARAMS", "");
}

const char *mp_test_modules(void)
{
	return mp_env("MEMPLUG_TEST_MODULES", "/memplug/modules");
}

const char *mp_ctl_path(void)
{
	return mp_env("MEMPLUGCTL", "/usr/bin/memplugctl");
}

char *mp_read_file(const char *path)
{
	size_t cap = 4096, len = 0;
	char *buf, *nbuf;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		mp_seterr("open %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(cap);
	if (!buf)
		goto out_close;
	for (;;) {
		if (len + 1 >= cap) {
			cap *= 2;
			nbuf = realloc(buf, cap);
			if (!nbuf)
				goto out_free;
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			mp_seterr("read %s: %s", path, strerror(errno));
			goto out_free;
		}
		if (!n)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	return buf;

out_free:
	free(buf);
out_close:
	close(fd);
	return NULL;
}

int mp_read_str(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		mp_seterr("open %s: %s", path, strerror(errno));
		return rc;
	}
	n = read(fd, buf, len - 1);
	rc = n < 0 ? -errno : 0;
	if (n < 0)
		mp_seterr("read %s: %s", path, strerror(errno));
	close(fd);
	if (rc)
		return rc;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int mp_write_str(const char *path, const char *s)
{
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		mp_seterr("open %s: %s", path, strerror(errno));
		return rc;
	}
	n = write(fd, s, strlen(s));
	if (n < 0) {
		rc = -errno;
		mp_seterr("write '%s' to %s: %s", s, path, strerror(errno));
	} else if ((size_t)n != strlen(s)) {
		rc = -EIO;
		mp_seterr("short write to %s", path);
	}
	close(fd);
	return rc;
}

bool mp_path_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

long long mp_memtotal_kb(void)
{
	char *buf = mp_read_file("/proc/meminfo"), *p;
	long long kb = -1;

	if (!buf)
		return -1;
	p = strstr(buf, "MemTotal:");
	if (p)
		kb = strtoll(p + strlen("MemTotal:"), NULL, 10);
	else
		mp_seterr("no MemTotal in /proc/meminfo");
	free(buf);
	return kb;
}

long long mp_vmstat(const char *name)
{
	char *text = mp_read_file("/proc/vmstat"), *line, *save;
	size_t len = strlen(name);
	long long v = -1;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, name, len) && line[len] == ' ') {
			v = strtoll(line + len + 1, NULL, 10);
			break;
		}
	free(text);
	return v;
}

char *mp_iomem(void)
{
	return mp_read_file("/proc/iomem");
}

bool mp_iomem_has_line(const char *iomem, const char *line)
{
	size_t len = strlen(line);
	const char *p = iomem;

	while ((p = strstr(p, line))) {
		if ((p == iomem || p[-1] == '\n') &&
		    (p[len] == '\n' || p[len] == '\0'))
			return true;
		p++;
	}
	return false;
}

int mp_iomem_count(const char *iomem, const char *needle)
{
	const char *p = iomem;
	int n = 0;

	while ((p = strstr(p, needle))) {
		n++;
		p += strlen(needle);
	}
	return n;
}

uint64_t mp_iomem_hole(uint64_t from, uint64_t size, uint64_t bs)
{
	char *iomem = mp_iomem(), *line, *save;
	uint64_t at = (from + bs - 1) / bs * bs;

	if (!iomem)
		return 0;
	for (line = strtok_r(iomem, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long s, e;

		if (line[0] == ' ' || sscanf(line, "%llx-%llx", &s, &e) != 2 ||
		    e < at)
			continue;
		if (s > at + size - 1)
			break;
		at = (e + 1 + bs - 1) / bs * bs;
	}
	free(iomem);
	return at;
}

uint64_t mp_block_size(void)
{
	char buf[64];

	if (mp_read_str(MP_SYSFS_MEMORY "/block_size_bytes", buf, sizeof(buf)))
		return 0;
	return strtoull(buf, NULL, 16);
}

bool mp_block_exists(unsigned int blk)
{
	char path[128];

	snprintf(path, sizeof(path), MP_SYSFS_MEMORY "/memory%u", blk);
	return mp_path_exists(path);
}

static int mp_block_attr(unsigned int blk, const char *attr, char *buf,
			 size_t len)
{
	char path[128];

	if (!mp_block_exists(blk)) {
		mp_seterr("memory block %u does not exist", blk);
		return -ENOENT;
	}
	snprintf(path, sizeof(path), MP_SYSFS_MEMORY "/memory%u/%s", blk, attr);
	return mp_read_str(path, buf, len);
}

int mp_block_state(unsigned int blk, char *buf, size_t len)
{
	return mp_block_attr(blk, "state", buf, len);
}

int mp_block_zones(unsigned int blk, char *buf, size_t len)
{
	return mp_block_attr(blk, "valid_zones", buf, len);
}

int mp_block_set(unsigned int blk, const char *how)
{
	char path[128];

	snprintf(path, sizeof(path), MP_SYSFS_MEMORY "/memory%u/state", blk);
	return mp_write_str(path, how);
}

int mp_veto_burst(unsigned int blk, int writes)
{
	int i, rc;

	for (i = 0; i < writes; i++) {
		rc = mp_block_set(blk, "online_kernel");
		if (rc != -EPERM) {
			mp_seterr("write %d of online_kernel to memory%u: %s", i,
				  blk, rc ? strerror(-rc) : "accepted");
			return -EIO;
		}
	}
	return 0;
}

static int mp_cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

char *mp_blocks_list(void)
{
	unsigned int ids[4096];
	size_t n = 0, i, cap, len = 0;
	struct dirent *de;
	char *out;
	DIR *d;

	d = opendir(MP_SYSFS_MEMORY);
	if (!d) {
		mp_seterr("opendir %s: %s", MP_SYSFS_MEMORY, strerror(errno));
		return NULL;
	}
	while ((de = readdir(d)) && n < MP_ARRAY_SIZE(ids)) {
		unsigned int id;
		char end;

		if (sscanf(de->d_name, "memory%u%c", &id, &end) == 1)
			ids[n++] = id;
	}
	closedir(d);
	qsort(ids, n, sizeof(ids[0]), mp_cmp_uint);

	cap = 64 * (n + 1);
	out = malloc(cap);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		char state[32];

		if (mp_block_state(ids[i], state, sizeof(state)))
			snprintf(state, sizeof(state), "?");
		len += snprintf(out + len, cap - len, "memory%u=%s\n", ids[i],
				state);
	}
	return out;
}

bool mp_module_loaded(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return mp_path_exists(path);
}

int mp_insmod(const char *path, const char *params)
{
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		mp_seterr("open %s: %s", path, strerror(errno));
		return rc;
	}
	if (syscall(SYS_finit_module, fd, params ? params : "", 0)) {
		rc = -errno;
		mp_seterr("finit_module %s '%s': %s", path, params ? params : "",
			  strerror(errno));
	}
	close(fd);
	return rc;
}

int mp_rmmod(const char *name)
{
	if (syscall(SYS_delete_module, name, O_NONBLOCK)) {
		int rc = -errno;

		mp_seterr("delete_module %s: %s", name, strerror(errno));
		return rc;
	}
	return 0;
}

int mp_rmmod_if_loaded(const char *name)
{
	if (!mp_module_loaded(name))
		return 0;
	return mp_rmmod(name);
}

int mp_modprobe(const char *name, const char *params)
{
	const char *argv[16] = { NULL };
	char path[256], buf[256], *tok, *save;
	struct mp_run *run;
	int n = 0, rc;

	argv[n++] = mp_which("modprobe", path, sizeof(path));
	if (!argv[0]) {
		mp_seterr("no modprobe in PATH");
		return -ENOENT;
	}
	argv[n++] = name;
	snprintf(buf, sizeof(buf), "%s", params ? params : "");
	for (tok = strtok_r(buf, " ", &save); tok && n < 15;
	     tok = strtok_r(NULL, " ", &save))
		argv[n++] = tok;
	argv[n] = NULL;
	run = malloc(sizeof(*run));
	if (!run)
		return -ENOMEM;
	rc = mp_run(run, 60, argv);
	if (!rc && run->status) {
		mp_seterr("modprobe %s %s: exit %d: %s", name,
			  params ? params : "", run->status, run->err);
		rc = -EIO;
	}
	free(run);
	return rc;
}

int mp_module_refcnt(const char *name)
{
	char path[256], buf[32];

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", name);
	if (mp_read_str(path, buf, sizeof(buf)))
		return -1;
	return atoi(buf);
}

/* The value @params gives parameter @name, or @def. */
static void mp_param_of(const char *params, const char *name, const char *def,
			char *buf, size_t len)
{
	size_t nlen = strlen(name);
	const char *p = params;

	snprintf(buf, len, "%s", def);
	while (p && *p) {
		size_t tlen;

		p += strspn(p, " ");
		tlen = strcspn(p, " ");
		if (tlen > nlen && !strncmp(p, name, nlen) && p[nlen] == '=')
			snprintf(buf, len, "%.*s", (int)(tlen - nlen - 1),
				 p + nlen + 1);
		p += tlen;
	}
}

bool mp_memplug_loaded_with(const char *params)
{
	char want[32], have[32];

	if (!mp_module_loaded("memplug"))
		return false;
	mp_param_of(params, "event_ring_size", "1024", want, sizeof(want));
	if (mp_read_str("/sys/module/memplug/parameters/event_ring_size",
			have, sizeof(have)) || strtoul(want, NULL, 0) !=
						       strtoul(have, NULL, 0))
		return false;
	mp_param_of(params, "rollback_attempts", "8", want, sizeof(want));
	if (mp_read_str("/sys/module/memplug/parameters/rollback_attempts",
			have, sizeof(have)) || strtoul(want, NULL, 0) !=
						       strtoul(have, NULL, 0))
		return false;
	mp_param_of(params, "test_knobs", "N", want, sizeof(want));
	if (mp_read_str("/sys/module/memplug/parameters/test_knobs", have,
			sizeof(have)))
		return false;
	/* A bool parameter reads back as Y or N; it is written in many ways. */
	return (strchr("1yY", want[0]) != NULL) == (have[0] == 'Y');
}

int mp_memplug_reload(struct mp_ctx *c, const char *params)
{
	int rc;

	if (c->sock.fd >= 0) {
		rc = mp_unplug_all(c);
		if (rc < 0)
			return rc;
	}
	mp_close(c);
	rc = mp_rmmod_if_loaded("memplug");
	if (rc)
		return rc;
	rc = mp_insmod(mp_ko_path(), params);
	if (rc)
		return rc;
	return mp_open(c);
}

int mp_memplug_restore(struct mp_ctx *c)
{
	if (mp_memplug_loaded_with(mp_ko_params()))
		return 0;
	return mp_memplug_reload(c, mp_ko_params());
}

int mp_kpageflags(uint64_t pfn, uint64_t *flags)
{
	ssize_t n;
	int fd, rc = 0;

	fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		mp_seterr("open /proc/kpageflags: %s", strerror(errno));
		return rc;
	}
	n = pread(fd, flags, sizeof(*flags), (off_t)(pfn * sizeof(*flags)));
	if (n != (ssize_t)sizeof(*flags)) {
		rc = n < 0 ? -errno : -EIO;
		mp_seterr("/proc/kpageflags at pfn %#" PRIx64 ": %s", pfn,
			  n < 0 ? strerror(errno) : "short read");
	}
	close(fd);
	return rc;
}

long long mp_zone_free_pages(const char *zone)
{
	char *buf = mp_read_file("/proc/zoneinfo"), *p;
	long long total = -1;

	if (!buf)
		return -1;
	for (p = buf; (p = strstr(p, ", zone")); p++) {
		char name[32];
		char *free_at;

		if (sscanf(p, ", zone %31s", name) != 1 || strcmp(name, zone))
			continue;
		free_at = strstr(p, "pages free");
		if (!free_at)
			break;
		if (total < 0)
			total = 0;
		total += strtoll(free_at + strlen("pages free"), NULL, 10);
	}
	free(buf);
	if (total < 0)
		mp_seterr("no zone %s in /proc/zoneinfo", zone);
	return total;
}

/* Append what @fd has to @buf (bounded); false once it reached EOF. */
static bool mp_drain(int fd, char *buf, size_t *len, size_t cap)
{
	char tmp[4096];
	ssize_t n;

	n = read(fd, tmp, sizeof(tmp));
	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	if (*len + 1 < cap) {
		size_t take = (size_t)n < cap - 1 - *len ? (size_t)n :
							   cap - 1 - *len;

		memcpy(buf + *len, tmp, take);
		*len += take;
		buf[*len] = '\0';
	}
	return true;
}

static int64_t mp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int mp_run_how(struct mp_run *r, int timeout_s,
		      const char *const argv[], bool nobody_in_child)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };
	size_t olen = 0, elen = 0;
	int64_t deadline;
	bool oopen = true, eopen = true;
	int status, rc;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
		rc = -errno;
		mp_seterr("pipe: %s", strerror(errno));
		goto out_close;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		mp_seterr("fork: %s", strerror(errno));
		goto out_close;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		if (nobody_in_child && mp_become_nobody()) {
			fprintf(stderr, "dropping privileges: %s\n",
				mp_errstr());
			_exit(126);
		}
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	out[1] = err[1] = -1;

	deadline = mp_now_ms() + (int64_t)timeout_s * 1000;
	while (oopen || eopen) {
		struct pollfd p[2] = {
			{ .fd = oopen ? out[0] : -1, .events = POLLIN },
			{ .fd = eopen ? err[0] : -1, .events = POLLIN },
		};
		int64_t left = deadline - mp_now_ms();

		if (left <= 0) {
			r->timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(p, 2, (int)left) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			oopen = mp_drain(out[0], r->out, &olen, sizeof(r->out));
		if (p[1].revents)
			eopen = mp_drain(err[0], r->err, &elen, sizeof(r->err));
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status))
		r->status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		r->status = 128 + WTERMSIG(status);
	rc = 0;
out_close:
	if (out[0] >= 0)
		close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	if (err[0] >= 0)
		close(err[0]);
	if (err[1] >= 0)
		close(err[1]);
	return rc;
}

int mp_run(struct mp_run *r, int timeout_s, const char *const argv[])
{
	return mp_run_how(r, timeout_s, argv, false);
}

int mp_run_ctl(struct mp_run *r, int timeout_s, ...)
{
	const char *argv[64];
	va_list ap;
	int n = 0;

	argv[n++] = mp_ctl_path();
	va_start(ap, timeout_s);
	while (n < 63 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return mp_run(r, timeout_s, argv);
}

int64_t mp_time_ms(void)
{
	return mp_now_ms();
}

void mp_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int mp_spawn(const char *const argv[], int *out)
{
	int p[2] = { -1, -1 };
	pid_t pid;

	if (out && pipe2(p, O_CLOEXEC)) {
		int rc = -errno;

		mp_seterr("pipe: %s", strerror(errno));
		return rc;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		int rc = -errno;

		mp_seterr("fork: %s", strerror(errno));
		if (out) {
			close(p[0]);
			close(p[1]);
		}
		return rc;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(out ? p[1] : null, 1);
		dup2(out ? p[1] : null, 2);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (out) {
		close(p[1]);
		fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
		*out = p[0];
	}
	return pid;
}

int mp_wait_pid(int pid, int timeout_ms, int *status)
{
	int64_t deadline = mp_now_ms() + timeout_ms;
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, timeout_ms < 0 ? 0 : WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			int rc = -errno;

			mp_seterr("waitpid %d: %s", pid, strerror(errno));
			return rc;
		}
		if (r == 0) {
			if (mp_now_ms() >= deadline) {
				mp_seterr("process %d still running after %d ms",
					  pid, timeout_ms);
				return -ETIMEDOUT;
			}
			mp_sleep_ms(5);
		}
	}
	if (status)
		*status = WIFEXITED(st) ? WEXITSTATUS(st) :
			  WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
	return 0;
}

size_t mp_read_avail(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n + 1 < len) {
		ssize_t r = read(fd, buf + n, len - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	buf[n] = '\0';
	return n;
}

char mp_proc_state(int pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (mp_read_str(path, buf, sizeof(buf)))
		return '?';
	/* "pid (comm) S ...": comm may hold anything, even ") ". */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] ? p[2] : '?';
}

const char *mp_which(const char *prog, char *buf, size_t len)
{
	static const char def[] =
		"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	const char *path = mp_env("PATH", def);
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, ":");

		snprintf(buf, len, "%.*s/%s", (int)n, p, prog);
		if (n && !access(buf, X_OK))
			return buf;
		p += n;
		if (*p == ':')
			p++;
	}
	return NULL;
}

int mp_run_nobody(struct mp_run *r, int timeout_s, const char *const argv[])
{
	const char *args[64];
	char setpriv[256];
	int i, n = 0;

	if (!mp_which("setpriv", setpriv, sizeof(setpriv)))
		return mp_run_how(r, timeout_s, argv, true);

	args[n++] = setpriv;
	args[n++] = "--reuid=65534";
	args[n++] = "--regid=65534";
	args[n++] = "--clear-groups";
	args[n++] = "--inh-caps=-all";
	args[n++] = "--bounding-set=-all";
	args[n++] = "--";
	for (i = 0; argv[i] && n < 63; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	return mp_run_how(r, timeout_s, args, false);
}

int mp_keep_caps(uint64_t mask)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int i;

	memset(data, 0, sizeof(data));
	for (i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)(mask >> (32 * i));
		data[i].permitted = data[i].effective;
	}
	if (syscall(SYS_capset, &hdr, data)) {
		int rc = -errno;

		mp_seterr("capset(0x%" PRIx64 "): %s", mask, strerror(errno));
		return rc;
	}
	return 0;
}

int mp_drop_caps(void)
{
	return mp_keep_caps(0);
}

int mp_run_caps(struct mp_run *r, int timeout_s, const char *caps,
		const char *const argv[])
{
	const char *args[64];
	char setpriv[256], bounding[128];
	int i, n = 0;

	if (!mp_which("setpriv", setpriv, sizeof(setpriv))) {
		mp_seterr("no setpriv to run %s with only %s", argv[0], caps);
		return -ENOENT;
	}
	n = snprintf(bounding, sizeof(bounding), "--bounding-set=-all");
	for (i = 0; caps[i] && n + 3 < (int)sizeof(bounding); i++) {
		if (i == 0 || caps[i - 1] == ',') {
			bounding[n++] = ',';
			bounding[n++] = '+';
		}
		if (caps[i] != ',')
			bounding[n++] = caps[i];
	}
	bounding[n] = '\0';
	n = 0;
	args[n++] = setpriv;
	args[n++] = "--inh-caps=-all";
	args[n++] = bounding;
	args[n++] = "--";
	for (i = 0; argv[i] && n < 63; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	return mp_run_how(r, timeout_s, args, false);
}

int mp_become_nobody(void)
{
	if (setgroups(0, NULL) ||
	    setresgid(MP_NOBODY, MP_NOBODY, MP_NOBODY) ||
	    setresuid(MP_NOBODY, MP_NOBODY, MP_NOBODY)) {
		int rc = -errno;

		mp_seterr("becoming uid/gid %d: %s", MP_NOBODY,
			  strerror(errno));
		return rc;
	}
	return 0;
}

bool mp_have_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

void mp_json_compact(const char *in, char *out, size_t len)
{
	bool str = false, esc = false;
	size_t o = 0;

	for (; *in && o + 1 < len; in++) {
		char ch = *in;

		if (str) {
			if (esc)
				esc = false;
			else if (ch == '\\')
				esc = true;
			else if (ch == '"')
				str = false;
		} else if (ch == '"') {
			str = true;
		} else if (ch == ' ' || ch == '\n' || ch == '\t' ||
			   ch == '\r') {
			continue;
		}
		out[o++] = ch;
	}
	out[o] = '\0';
}

bool mp_json_int(const char *json, const char *key, long long *val)
{
	char pat[128];
	const char *p;
	char *end;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p)
		return false;
	p += strlen(pat);
	*val = strtoll(p, &end, 0);
	return end != p;
}

int mp_json_count(const char *json, const char *needle)
{
	return mp_iomem_count(json, needle);
}

int mp_json_count_num(const char *json, const char *key,
		      unsigned long long value)
{
	char pat[160];
	const char *p = json;
	size_t len;
	int n = 0;

	snprintf(pat, sizeof(pat), "\"%s\":%llu", key, value);
	len = strlen(pat);
	while ((p = strstr(p, pat))) {
		p += len;
		if (*p < '0' || *p > '9')
			n++;
	}
	return n;
}

int mp_snap_take(struct mp_ctx *c, struct mp_snap *s)
{
	struct mp_range ranges[64];
	struct mp_ack ack;
	int rc;

	memset(s, 0, sizeof(*s));
	s->memtotal = mp_memtotal_kb();
	s->iomem = mp_iomem();
	s->blocks = mp_blocks_list();
	if (s->memtotal < 0 || !s->iomem || !s->blocks) {
		mp_snap_free(s);
		return -EIO;
	}
	rc = mp_status_get(c, &s->status, &ack);
	if (!rc)
		rc = mp_range_dump(c, ranges, 64, &s->nranges, &ack);
	if (rc) {
		if (!ack.local)
			mp_seterr("snapshot: %s%s%s", strerror(-rc),
				  ack.has_msg ? ": " : "", ack.msg);
		mp_snap_free(s);
	}
	return rc;
}

/* The first line where @a and @b differ, for the log. */
static void mp_first_diff(const char *a, const char *b, char *out, size_t len)
{
	const char *la = a, *lb = b;

	while (*la && *lb) {
		size_t na = strcspn(la, "\n"), nb = strcspn(lb, "\n");

		if (na != nb || memcmp(la, lb, na)) {
			snprintf(out, len, "'%.*s' became '%.*s'", (int)na, la,
				 (int)nb, lb);
			return;
		}
		la += na + (la[na] == '\n');
		lb += nb + (lb[nb] == '\n');
	}
	snprintf(out, len, "'%.*s' / '%.*s' at the end",
		 (int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
}

int mp_snap_diff(const struct mp_snap *a, const struct mp_snap *b,
		 bool counters, char *why, size_t len)
{
	char d[256];

	if (a->memtotal != b->memtotal) {
		snprintf(why, len, "MemTotal %lld kB -> %lld kB", a->memtotal,
			 b->memtotal);
		return 1;
	}
	if (strcmp(a->iomem, b->iomem)) {
		mp_first_diff(a->iomem, b->iomem, d, sizeof(d));
		snprintf(why, len, "/proc/iomem changed: %s", d);
		return 1;
	}
	if (strcmp(a->blocks, b->blocks)) {
		mp_first_diff(a->blocks, b->blocks, d, sizeof(d));
		snprintf(why, len, "memory blocks changed: %s", d);
		return 1;
	}
	if (a->nranges != b->nranges || a->status.ranges != b->status.ranges) {
		snprintf(why, len, "ranges %d (status %u) -> %d (status %u)",
			 a->nranges, a->status.ranges, b->nranges,
			 b->status.ranges);
		return 1;
	}
	if (a->status.plugged_bytes != b->status.plugged_bytes ||
	    (counters && (a->status.plugs != b->status.plugs ||
			  a->status.unplugs != b->status.unplugs))) {
		snprintf(why, len,
			 "counters: plugged_bytes %" PRIu64 " -> %" PRIu64
			 ", plugs %" PRIu64 " -> %" PRIu64 ", unplugs %" PRIu64
			 " -> %" PRIu64,
			 a->status.plugged_bytes, b->status.plugged_bytes,
			 a->status.plugs, b->status.plugs, a->status.unplugs,
			 b->status.unplugs);
		return 1;
	}
	return 0;
}

void mp_snap_free(struct mp_snap *s)
{
	free(s->iomem);
	free(s->blocks);
	s->iomem = NULL;
	s->blocks = NULL;
}

#define MP_INJECT_DIR "/sys/kernel/debug/notifier-error-inject/memory/actions"

void mp_inject_reset(void)
{
	if (!mp_path_exists(MP_INJECT_DIR))
		return;
	mp_write_str(MP_INJECT_DIR "/MEM_GOING_ONLINE/error", "0");
	mp_write_str(MP_INJECT_DIR "/MEM_GOING_OFFLINE/error", "0");
}

/*
 * Whether range @id is, or was until now, busy with a plug or an unplug
 * that someone else does (a rollback by the kernel's worker).
 */
static bool mp_range_busy(struct mp_ctx *c, uint32_t id)
{
	struct mp_range r;
	struct mp_ack ack;
	int rc = mp_range_get(c, id, &r, &ack);

	if (rc == -ENOENT)
		return true; /* gone meanwhile: the retry will say so */
	return !rc && r.state != MEMPLUG_RANGE_STATE_PLUGGED;
}

int mp_unplug_all(struct mp_ctx *c)
{
	struct mp_range ranges[64];
	struct mp_ack ack;
	int n, i, rc, done = 0;
	int64_t deadline = mp_now_ms() + 60000;

	rc = mp_range_dump(c, ranges, 64, &n, &ack);
	if (rc) {
		if (!ack.local)
			mp_seterr("range dump: %s%s%s", strerror(-rc),
				  ack.has_msg ? ": " : "", ack.msg);
		return rc;
	}
	for (i = 0; i < n; i++) {
		rc = mp_range_del(c, ranges[i].id, NULL, &ack);
		while (rc == -EBUSY && mp_now_ms() < deadline &&
		       mp_range_busy(c, ranges[i].id)) {
			mp_sleep_ms(100);
			rc = mp_range_del(c, ranges[i].id, NULL, &ack);
		}
		/* A rollback removed it while we waited. */
		if (rc == -ENOENT && !ack.local)
			continue;
		if (rc) {
			if (!ack.local)
				mp_seterr("unplugging leftover range %u (0x%" PRIx64 "+0x%" PRIx64 "): %s%s%s",
					  ranges[i].id, ranges[i].start,
					  ranges[i].size, strerror(-rc),
					  ack.has_msg ? ": " : "", ack.msg);
			return rc;
		}
		done++;
	}
	return done;
}

#define MP_AUTO_ONLINE MP_SYSFS_MEMORY "/auto_online_blocks"

int mp_prepare(struct mp_ctx *c)
{
	char auto_online[32];
	char *iomem;
	int rc;

	mp_inject_reset();
	/*
	 * The tests online blocks themselves; kernels built to auto-online
	 * hotplugged memory (Debian's 6.12) would beat them to it.
	 */
	if (!mp_read_str(MP_AUTO_ONLINE, auto_online, sizeof(auto_online)) &&
	    strcmp(auto_online, "offline")) {
		rc = mp_write_str(MP_AUTO_ONLINE, "offline");
		if (rc)
			return rc;
	}
	if (mp_module_loaded("memplug_test_claim")) {
		rc = mp_rmmod("memplug_test_claim");
		if (rc)
			return rc;
	}
	/* A page it holds would make the unplugs below spin. */
	if (mp_module_loaded("memplug_test_pin")) {
		rc = mp_rmmod("memplug_test_pin");
		if (rc)
			return rc;
	}

	rc = mp_open(c);
	if (rc == -ENOENT) {
		if (mp_module_loaded("memplug")) {
			mp_seterr("module memplug is loaded but its family is not registered");
			return -ENOENT;
		}
		rc = mp_insmod(mp_ko_path(), mp_ko_params());
		if (rc)
			return rc;
		rc = mp_open(c);
	}
	if (rc)
		return rc;

	rc = mp_unplug_all(c);
	if (rc < 0) {
		mp_close(c);
		return rc;
	}

	iomem = mp_iomem();
	if (!iomem) {
		mp_close(c);
		return -EIO;
	}
	rc = mp_iomem_count(iomem, "(memplug)") ||
	     mp_iomem_count(iomem, MP_CLAIM_PREFIX) ? -EEXIST : 0;
	free(iomem);
	if (rc) {
		mp_seterr("memplug memory left in /proc/iomem with no range");
		mp_close(c);
	}
	return rc;
}

void mp_iomem_line(char *buf, size_t len, int depth, uint64_t start,
		   uint64_t end, const char *name)
{
	snprintf(buf, len, "%*s%08" PRIx64 "-%08" PRIx64 " : %s", depth * 2, "",
		 start, end, name);
}

/* The first top-level "Persistent Memory (legacy)" range of /proc/iomem. */
static int mp_find_device(uint64_t *start, uint64_t *size)
{
	const char *name = " : Persistent Memory (legacy)";
	char *iomem = mp_iomem(), *line;
	int rc = -ENODEV;

	if (!iomem)
		return -EIO;
	for (line = iomem; line && *line;) {
		char *nl = strchr(line, '\n');
		unsigned long long s, e;

		if (nl)
			*nl = '\0';
		if (line[0] != ' ' && strstr(line, name) &&
		    sscanf(line, "%llx-%llx", &s, &e) == 2) {
			*start = s;
			*size = e - s + 1;
			rc = 0;
			break;
		}
		line = nl ? nl + 1 : NULL;
	}
	free(iomem);
	return rc;
}

int mp_env_setup(struct mp_env *e)
{
	int rc;

	memset(e, 0, sizeof(*e));
	e->c.sock.fd = -1;
	rc = mp_prepare(&e->c);
	if (rc)
		return rc;
	e->bs = mp_block_size();
	if (!e->bs) {
		mp_close(&e->c);
		return -EIO;
	}
	if (mp_find_device(&e->dev_start, &e->dev_size)) {
		e->no_device = true;
		snprintf(e->why, sizeof(e->why),
			 "no \"Persistent Memory (legacy)\" range in /proc/iomem (boot with memmap=1G!1G)");
	} else if (e->dev_start % e->bs || e->dev_size < (1ULL << 30) ||
		   e->dev_size % e->bs) {
		e->no_device = true;
		snprintf(e->why, sizeof(e->why),
			 "device range 0x%" PRIx64 "+0x%" PRIx64
			 " is not 1 GiB of whole memory blocks",
			 e->dev_start, e->dev_size);
	}
	e->dev_block = e->dev_start / e->bs;
	return 0;
}

void mp_env_teardown(struct mp_env *e)
{
	mp_inject_reset();
	if (mp_module_loaded("memplug_test_pin"))
		mp_rmmod("memplug_test_pin");
	if (e->c.sock.fd >= 0)
		mp_unplug_all(&e->c);
	if (mp_module_loaded("memplug_test_claim"))
		mp_rmmod("memplug_test_claim");
	mp_close(&e->c);
}
