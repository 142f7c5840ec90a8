// SPDX-License-Identifier: GPL-2.0
/* mp_procfs: memory counters of /proc (see mp_procfs.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mp_procfs.h"
#include "mp_file.h"
#include "mp_nl.h"

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

/* Sum of the "count:" lines in [from, to). */
static long long mp_pcp_count(const char *from, const char *to)
{
	long long total = 0;
	const char *c;

	for (c = from; (c = strstr(c, "count:")) && c < to; c++)
		total += strtoll(c + strlen("count:"), NULL, 10);
	return total;
}

/*
 * "pages free" of every zone called @zone, plus with @pcp the pages on its
 * per-CPU lists; -1 if there is no such zone.
 */
static long long mp_zone_free(const char *zone, bool pcp)
{
	char *buf = mp_read_file("/proc/zoneinfo"), *p;
	long long total = -1;

	if (!buf)
		return -1;
	for (p = buf; (p = strstr(p, ", zone")); p++) {
		char *free_at, *end, name[32];

		if (sscanf(p, ", zone %31s", name) != 1 || strcmp(name, zone))
			continue;
		free_at = strstr(p, "pages free");
		if (!free_at)
			break;
		end = strstr(p + 1, "\nNode ");
		if (!end)
			end = p + strlen(p);
		if (total < 0)
			total = 0;
		total += strtoll(free_at + strlen("pages free"), NULL, 10);
		if (pcp)
			total += mp_pcp_count(free_at, end);
	}
	free(buf);
	if (total < 0)
		mp_seterr("no zone %s in /proc/zoneinfo", zone);
	return total;
}

long long mp_zone_free_pcp_pages(const char *zone)
{
	return mp_zone_free(zone, true);
}

long long mp_zone_free_pages(const char *zone)
{
	return mp_zone_free(zone, false);
}
