// SPDX-License-Identifier: GPL-2.0
/* mp_snap: snapshots of what a user sees (see mp_snap.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_snap.h"
#include "mp_block.h"
#include "mp_iomem.h"
#include "mp_procfs.h"

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
	if (a->status.nr_memtypes != b->status.nr_memtypes ||
	    memcmp(a->status.memtypes, b->status.memtypes,
		   a->status.nr_memtypes * sizeof(a->status.memtypes[0]))) {
		snprintf(why, len, "memory types given to nodes: %d -> %d",
			 a->status.nr_memtypes, b->status.nr_memtypes);
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
