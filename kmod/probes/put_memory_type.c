// SPDX-License-Identifier: GPL-2.0
/* put_memory_type(), which replaced destroy_memory_type() in 6.10. */
#include <linux/memory-tiers.h>

void memplug_probe(struct memory_dev_type *memtype);
void memplug_probe(struct memory_dev_type *memtype)
{
	put_memory_type(memtype);
}
