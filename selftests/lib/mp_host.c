// SPDX-License-Identifier: GPL-2.0
/* mp_host: the host's root over virtio-9p (see mp_host.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "mp_host.h"
#include "mp_module.h"
#include "mp_nl.h"

static int host_mount(const char *host, char *why, size_t len)
{
	static const char *const mods[] = { "virtio_pci", "9pnet_virtio",
					    "9p" };
	unsigned int i;

	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		if (mp_modprobe(mods[i], NULL)) {
			snprintf(why, len, "modprobe %s: %s", mods[i],
				 mp_errstr());
			return -1;
		}
	}
	if (mkdir(host, 0755) && errno != EEXIST) {
		snprintf(why, len, "mkdir %s: %s", host, strerror(errno));
		return -1;
	}
	if (mount("hostroot", host, "9p", MS_RDONLY,
		  "trans=virtio,version=9p2000.L,msize=262144")) {
		snprintf(why, len, "mount 9p hostroot: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int mp_host_root(const char *host, const char *payload, const char *marker,
		 char *why, size_t len)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/mnt/%s", host, marker);
	if (stat(path, &st) == 0)
		return 0;
	snprintf(path, sizeof(path), "%s/usr/bin/python3", host);
	if (stat(path, &st)) {
		if (host_mount(host, why, len))
			return -1;
		if (stat(path, &st)) {
			snprintf(why, len, "no python3 on the host");
			return -1;
		}
	}
	snprintf(path, sizeof(path), "%s/mnt", host);
	if (mount(payload, path, NULL, MS_BIND, NULL)) {
		snprintf(why, len, "bind %s: %s", payload, strerror(errno));
		return -1;
	}
	return 0;
}
