// SPDX-License-Identifier: GPL-2.0
/* mp_block: memory blocks in sysfs (see mp_block.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_block.h"
#include "mp_file.h"
#include "mp_nl.h"
#include "mp_run.h"

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

bool mp_block_state_by(unsigned int blk, const char *state, int ms)
{
	int64_t deadline = mp_time_ms() + ms;
	char st[32];

	while (mp_block_state(blk, st, sizeof(st)) || strcmp(st, state)) {
		if (mp_time_ms() > deadline)
			return false;
		mp_sleep_ms(20);
	}
	return true;
}
