// SPDX-License-Identifier: GPL-2.0
/* Node state changes come from a notifier of their own (6.17 on). */
#include <linux/node.h>
#include <linux/notifier.h>

int memplug_probe(struct notifier_block *nb, const struct node_notify *nn);
int memplug_probe(struct notifier_block *nb, const struct node_notify *nn)
{
	return register_node_notifier(nb) + nn->nid + NODE_ADDED_FIRST_MEMORY +
	       NODE_REMOVED_LAST_MEMORY;
}
