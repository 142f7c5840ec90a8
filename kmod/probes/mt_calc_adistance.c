// SPDX-License-Identifier: GPL-2.0
/* mt_calc_adistance(): the firmware's distance of a node (6.7 on). */
#include <linux/memory-tiers.h>

int memplug_probe(int node, int *adist);
int memplug_probe(int node, int *adist)
{
	return mt_calc_adistance(node, adist);
}
