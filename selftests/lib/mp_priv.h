/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_priv: privileges of the calling process (use in a child). *
 * Functions return 0 or a negative errno and describe failures in
 * mp_errstr() unless said otherwise.
 */
#ifndef MP_PRIV_H
#define MP_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#define MP_NOBODY 65534

int mp_drop_caps(void);
/* Keep only the capabilities whose CAP_* bits are set in @mask. */
int mp_keep_caps(uint64_t mask);
int mp_become_nobody(void);
bool mp_have_cap(int cap);

#endif /* MP_PRIV_H */
