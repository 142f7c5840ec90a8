// SPDX-License-Identifier: GPL-2.0
/*
 * The core says whether it would put the memory map on the memory, and
 * splits such a request across memory blocks itself (6.8 on).
 */
#include <linux/memory_hotplug.h>

bool memplug_probe(void);
bool memplug_probe(void)
{
	return mhp_supports_memmap_on_memory();
}
