/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_iomem: /proc/iomem, where memplug claims its ranges.
 */
#ifndef MP_IOMEM_H
#define MP_IOMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * memplug claims each range in /proc/iomem as "memplug range <id>"; the
 * range's "System RAM (memplug)" nests in the claim.
 */
#define MP_CLAIM_PREFIX "memplug range "

/* /proc/iomem (malloc'd) and exact-line / substring searches in it. */
char *mp_iomem(void);
bool mp_iomem_has_line(const char *iomem, const char *line);
int mp_iomem_count(const char *iomem, const char *needle);
/*
 * The first @bs-aligned range of @size at or above @from that no top-level
 * line of /proc/iomem touches: memory nothing describes. 0 if unreadable.
 */
uint64_t mp_iomem_hole(uint64_t from, uint64_t size, uint64_t bs);
/* The /proc/iomem line of [start, end] at nesting @depth. */
void mp_iomem_line(char *buf, size_t len, int depth, uint64_t start,
		   uint64_t end, const char *name);

#endif /* MP_IOMEM_H */
