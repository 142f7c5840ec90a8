// SPDX-License-Identifier: GPL-2.0
/* Joining a multicast group can be limited to CAP_SYS_ADMIN (6.1.55 on). */
#include <net/genetlink.h>

int memplug_probe(void);
int memplug_probe(void)
{
	return GENL_MCAST_CAP_SYS_ADMIN;
}
