// SPDX-License-Identifier: GPL-2.0
/* mp_priv: privileges of the calling process (see mp_priv.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mp_priv.h"
#include "mp_nl.h"

int mp_keep_caps(uint64_t mask)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int i;

	memset(data, 0, sizeof(data));
	for (i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)(mask >> (32 * i));
		data[i].permitted = data[i].effective;
	}
	if (syscall(SYS_capset, &hdr, data)) {
		int rc = -errno;

		mp_seterr("capset(0x%" PRIx64 "): %s", mask, strerror(errno));
		return rc;
	}
	return 0;
}

int mp_drop_caps(void)
{
	return mp_keep_caps(0);
}

int mp_become_nobody(void)
{
	if (setgroups(0, NULL) ||
	    setresgid(MP_NOBODY, MP_NOBODY, MP_NOBODY) ||
	    setresuid(MP_NOBODY, MP_NOBODY, MP_NOBODY)) {
		int rc = -errno;

		mp_seterr("becoming uid/gid %d: %s", MP_NOBODY,
			  strerror(errno));
		return rc;
	}
	return 0;
}

bool mp_have_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}
