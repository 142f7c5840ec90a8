// SPDX-License-Identifier: GPL-2.0
/* mp_iomem: /proc/iomem (see mp_iomem.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_iomem.h"
#include "mp_file.h"

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

void mp_iomem_line(char *buf, size_t len, int depth, uint64_t start,
		   uint64_t end, const char *name)
{
	snprintf(buf, len, "%*s%08" PRIx64 "-%08" PRIx64 " : %s", depth * 2, "",
		 start, end, name);
}
