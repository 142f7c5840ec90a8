// SPDX-License-Identifier: GPL-2.0
/* The memory notifier says which node changes state (until 6.16). */
#include <linux/memory.h>

int memplug_probe(const struct memory_notify *mn);
int memplug_probe(const struct memory_notify *mn)
{
	return mn->status_change_nid;
}
