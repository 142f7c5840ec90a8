// SPDX-License-Identifier: GPL-2.0
/*
 * mp_state: memplug's view of its ranges against sysfs, /proc/iomem and
 * /proc/meminfo.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_state.h"
#include "mp_block.h"
#include "mp_iomem.h"
#include "mp_procfs.h"
#include "mp_run.h"

#define MP_STATE_MAX_RANGES 64
#define MP_STATE_MAX_BLOCKS 1024

int mp_ranges_in(struct mp_ctx *c, uint64_t start, uint64_t size,
		 struct mp_range *out, int max, int *n)
{
	struct mp_range *all;
	struct mp_ack ack;
	int rc, i, nall;

	*n = 0;
	all = calloc(MP_STATE_MAX_RANGES, sizeof(*all));
	if (!all)
		return -ENOMEM;
	rc = mp_range_dump(c, all, MP_STATE_MAX_RANGES, &nall, &ack);
	if (rc) {
		if (!ack.local)
			mp_seterr("range dump: %s%s%s", strerror(-rc),
				  ack.has_msg ? ": " : "", ack.msg);
		free(all);
		return rc;
	}
	for (i = 0; i < nall; i++) {
		if (all[i].start >= start + size ||
		    start >= all[i].start + all[i].size)
			continue;
		if (out && *n < max)
			out[*n] = all[i];
		(*n)++;
	}
	free(all);
	return 0;
}

int mp_settle(struct mp_ctx *c, int timeout_ms)
{
	int64_t deadline = mp_time_ms() + timeout_ms;
	struct mp_range *r;
	int rc = 0;

	r = calloc(MP_STATE_MAX_RANGES, sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (;;) {
		int n, i, busy = -1;

		rc = mp_ranges_in(c, 0, UINT64_MAX, r, MP_STATE_MAX_RANGES, &n);
		if (rc)
			break;
		for (i = 0; i < n && i < MP_STATE_MAX_RANGES && busy < 0; i++)
			if (r[i].state != MEMPLUG_RANGE_STATE_PLUGGED)
				busy = i;
		if (busy < 0)
			break;
		if (mp_time_ms() >= deadline) {
			mp_seterr("range %u (0x%" PRIx64 "+0x%" PRIx64
				  ") still %s after %d ms",
				  r[busy].id, r[busy].start, r[busy].size,
				  MP_ENUM_STR(range_state, r[busy].state),
				  timeout_ms);
			rc = -ETIMEDOUT;
			break;
		}
		mp_sleep_ms(50);
	}
	free(r);
	return rc;
}

/* The range of @r[0..n) that holds physical address @a, or NULL. */
static const struct mp_range *mp_range_at(const struct mp_range *r, int n,
					  uint64_t a)
{
	int i;

	for (i = 0; i < n; i++)
		if (a >= r[i].start && a - r[i].start < r[i].size)
			return &r[i];
	return NULL;
}

/* Memory blocks in sysfs, ascending, into @ids; their number. */
static int mp_sysfs_block_ids(unsigned int *ids, int max)
{
	struct dirent *de;
	int n = 0, i, j;
	DIR *d;

	d = opendir(MP_SYSFS_MEMORY);
	if (!d) {
		mp_seterr("opendir %s: %s", MP_SYSFS_MEMORY, strerror(errno));
		return -errno;
	}
	while ((de = readdir(d)) && n < max) {
		unsigned int id;
		char end;

		if (sscanf(de->d_name, "memory%u%c", &id, &end) == 1)
			ids[n++] = id;
	}
	closedir(d);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
			unsigned int t = ids[j];

			ids[j] = ids[j - 1];
			ids[j - 1] = t;
		}
	return n;
}

#define MP_DIFF(...)                                                          \
	do {                                                                  \
		snprintf(why, len, __VA_ARGS__);                              \
		rc = 1;                                                       \
		goto out;                                                     \
	} while (0)

int mp_state_check(struct mp_ctx *c, uint64_t dev_start, uint64_t dev_size,
		   const struct mp_state_opts *opts, char *why, size_t len)
{
	static const struct mp_state_opts none;
	struct mp_range *r = NULL;
	struct mp_block *b = NULL;
	unsigned int *ids = NULL;
	uint64_t bs = mp_block_size(), pages_online = 0;
	int nr, nb, nids, i, k, rc, expect_res = 0, partial_res = 0;
	struct mp_ack ack;
	char *iomem = NULL;

	if (!opts)
		opts = &none;
	snprintf(why, len, "(no difference)");
	r = calloc(MP_STATE_MAX_RANGES, sizeof(*r));
	b = calloc(MP_STATE_MAX_BLOCKS, sizeof(*b));
	ids = calloc(MP_STATE_MAX_BLOCKS, sizeof(*ids));
	if (!r || !b || !ids || !bs) {
		rc = -ENOMEM;
		goto out;
	}
	rc = mp_range_dump(c, r, MP_STATE_MAX_RANGES, &nr, &ack);
	if (!rc)
		rc = mp_block_dump(c, 0, b, MP_STATE_MAX_BLOCKS, &nb, &ack);
	if (rc) {
		if (!ack.local)
			mp_seterr("dump: %s%s%s", strerror(-rc),
				  ack.has_msg ? ": " : "", ack.msg);
		goto out;
	}
	if (nr > MP_STATE_MAX_RANGES || nb > MP_STATE_MAX_BLOCKS) {
		mp_seterr("%d ranges, %d blocks: too many to check", nr, nb);
		rc = -E2BIG;
		goto out;
	}

	/* Ranges and their blocks, as BLOCK_GET and sysfs show them. */
	k = 0;
	for (i = 0; i < nr; i++) {
		const struct mp_range *g = &r[i];
		unsigned int first = g->start / bs, j, online = 0;
		bool busy = g->state != MEMPLUG_RANGE_STATE_PLUGGED;

		if (busy && !opts->allow_busy)
			MP_DIFF("range %u is %s", g->id,
				MP_ENUM_STR(range_state, g->state));
		if (g->blocks != g->size / bs)
			MP_DIFF("range %u: BLOCKS %u for 0x%" PRIx64 " bytes",
				g->id, g->blocks, g->size);
		if (!g->has_blocks_present || g->blocks_present > g->blocks)
			MP_DIFF("range %u: BLOCKS_PRESENT %s%u of %u",
				g->id, g->has_blocks_present ? "" : "missing, ",
				g->blocks_present, g->blocks);
		pages_online += g->pages_online;
		if (g->blocks_present < g->blocks) {
			/* Part of it is gone: only count what BLOCK_GET lists. */
			for (j = 0; j < g->blocks_present; j++, k++)
				if (k >= nb || b[k].range_id != g->id)
					MP_DIFF("BLOCK_GET lacks a present block of range %u",
						g->id);
			continue;
		}
		for (j = 0; j < g->blocks; j++, k++) {
			char state[32], zone[64];
			bool on;

			if (k >= nb)
				MP_DIFF("BLOCK_GET ends before block %u of range %u",
					first + j, g->id);
			if (b[k].range_id != g->id || b[k].id != first + j)
				MP_DIFF("BLOCK_GET has memory%u of range %u where memory%u of range %u belongs",
					b[k].id, b[k].range_id, first + j,
					g->id);
			/* The core is adding or removing it right now. */
			if (busy)
				continue;
			if (mp_block_state(first + j, state, sizeof(state)))
				MP_DIFF("range %u: memory%u is not in sysfs",
					g->id, first + j);
			on = !strcmp(state, "online");
			online += on;
			if (on != (b[k].state == MEMPLUG_BLOCK_STATE_ONLINE))
				MP_DIFF("memory%u: sysfs says %s, BLOCK_GET %s",
					first + j, state,
					b[k].state == MEMPLUG_BLOCK_STATE_ONLINE ?
						"online" : "offline");
			if (!on && b[k].has_zone)
				MP_DIFF("memory%u: offline, but BLOCK_GET gives zone %s",
					first + j, b[k].zone);
			if (!on)
				continue;
			if (mp_block_zones(first + j, zone, sizeof(zone)))
				MP_DIFF("memory%u: no valid_zones", first + j);
			if (!b[k].has_zone || strcmp(zone, b[k].zone))
				MP_DIFF("memory%u: sysfs zone %s, BLOCK_GET zone %s",
					first + j, zone,
					b[k].has_zone ? b[k].zone : "(none)");
		}
		if (!busy && (!g->has_blocks_online || g->blocks_online != online))
			MP_DIFF("range %u: BLOCKS_ONLINE %u, sysfs shows %u online",
				g->id, g->blocks_online, online);
	}
	if (k != nb)
		MP_DIFF("BLOCK_GET has %d blocks, the ranges %d", nb, k);

	/* No memory block in the device range without a range. */
	nids = mp_sysfs_block_ids(ids, MP_STATE_MAX_BLOCKS);
	if (nids < 0) {
		rc = nids;
		goto out;
	}
	for (i = 0; i < nids; i++) {
		uint64_t a = (uint64_t)ids[i] * bs;

		if (a < dev_start || a - dev_start >= dev_size)
			continue;
		if (!mp_range_at(r, nr, a))
			MP_DIFF("memory%u is in sysfs but in no range", ids[i]);
	}

	/*
	 * Each range in /proc/iomem: its claim, and in it its memory, whole or
	 * block by block; of a range that is partly gone, what is left.
	 */
	iomem = mp_iomem();
	if (!iomem) {
		rc = -EIO;
		goto out;
	}
	for (i = 0; i < nr; i++) {
		char line[160], claim[64];
		unsigned int j;

		snprintf(claim, sizeof(claim), "%s%u", MP_CLAIM_PREFIX, r[i].id);
		mp_iomem_line(line, sizeof(line), 1, r[i].start,
			      r[i].start + r[i].size - 1, claim);
		if (!mp_iomem_has_line(iomem, line))
			MP_DIFF("range %u has no claim '%s' in /proc/iomem",
				r[i].id, line);
		if (r[i].blocks_present < r[i].blocks) {
			partial_res += r[i].blocks_present;
			continue;
		}
		mp_iomem_line(line, sizeof(line), 2, r[i].start,
			      r[i].start + r[i].size - 1, "System RAM (memplug)");
		if (mp_iomem_has_line(iomem, line)) {
			expect_res++;
			continue;
		}
		for (j = 0; j < r[i].blocks; j++) {
			uint64_t s = r[i].start + j * bs;

			mp_iomem_line(line, sizeof(line), 2, s, s + bs - 1,
				      "System RAM (memplug)");
			if (!mp_iomem_has_line(iomem, line))
				MP_DIFF("range %u (0x%" PRIx64 "+0x%" PRIx64
					") is not in /proc/iomem",
					r[i].id, r[i].start, r[i].size);
			expect_res++;
		}
	}
	if (mp_iomem_count(iomem, MP_CLAIM_PREFIX) != nr)
		MP_DIFF("/proc/iomem has %d memplug claims, the ranges %d",
			mp_iomem_count(iomem, MP_CLAIM_PREFIX), nr);
	if (mp_iomem_count(iomem, "System RAM (memplug)") < expect_res ||
	    mp_iomem_count(iomem, "System RAM (memplug)") >
	    expect_res + partial_res)
		MP_DIFF("/proc/iomem has %d memplug resources, the ranges %d%s",
			mp_iomem_count(iomem, "System RAM (memplug)"),
			expect_res, partial_res ? " and what is left of others" : "");

	if (opts->memtotal_base > 0) {
		long long want = opts->memtotal_base +
				 (long long)(pages_online * 4096 / 1024);
		long long have = mp_memtotal_kb();

		if (have != want)
			MP_DIFF("MemTotal %lld kB, expected %lld kB (%lld + %" PRIu64
				" pages online)",
				have, want, opts->memtotal_base, pages_online);
	}
	rc = 0;
out:
	free(iomem);
	free(ids);
	free(b);
	free(r);
	return rc;
}
