// SPDX-License-Identifier: GPL-2.0
/* timer_delete_sync(), which replaced del_timer_sync() (gone in 6.15). */
#include <linux/timer.h>

int memplug_probe(struct timer_list *timer);
int memplug_probe(struct timer_list *timer)
{
	return timer_delete_sync(timer);
}
