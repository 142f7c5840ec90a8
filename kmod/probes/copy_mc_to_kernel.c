// SPDX-License-Identifier: GPL-2.0
/* A copy that survives a machine check on the source, for verify. */
#include <linux/uaccess.h>

unsigned long memplug_probe(void *dst, const void *src);
unsigned long memplug_probe(void *dst, const void *src)
{
	return copy_mc_to_kernel(dst, src, 8);
}
