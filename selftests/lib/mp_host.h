/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_host: the host's root file system in the guest, for tests that run a
 * host program (Python) against the real kernel: QEMU exports it
 * read-only as the virtio-9p tag "hostroot" (see the ynl and schema
 * profiles).
 */
#ifndef MP_HOST_H
#define MP_HOST_H

#include <stddef.h>

/*
 * Mounts the host's root at @host, loading the 9p modules first, unless
 * @host already shows the host's python3, and binds the payload directory
 * @payload at @host/mnt unless @host/mnt/@marker is there already.
 * Returns 0, or -1 with what failed in @why.
 */
int mp_host_root(const char *host, const char *payload, const char *marker,
		 char *why, size_t len);

#endif /* MP_HOST_H */
