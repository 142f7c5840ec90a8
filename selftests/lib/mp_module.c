// SPDX-License-Identifier: GPL-2.0
/* mp_module: kernel modules and memplug's load parameters (see mp_module.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mp_module.h"
#include "mp_environ.h"
#include "mp_file.h"
#include "mp_fixture.h"
#include "mp_run.h"

bool mp_module_loaded(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return mp_path_exists(path);
}

int mp_pin(uint64_t start, uint64_t size)
{
	char ko[512], params[128];

	snprintf(ko, sizeof(ko), "%s/memplug_test_pin.ko", mp_test_modules());
	snprintf(params, sizeof(params), "start=0x%" PRIx64 " size=0x%" PRIx64,
		 start, size);
	return mp_insmod(ko, params);
}

int mp_insmod(const char *path, const char *params)
{
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		mp_seterr("open %s: %s", path, strerror(errno));
		return rc;
	}
	if (syscall(SYS_finit_module, fd, params ? params : "", 0)) {
		rc = -errno;
		mp_seterr("finit_module %s '%s': %s", path, params ? params : "",
			  strerror(errno));
	}
	close(fd);
	return rc;
}

int mp_rmmod(const char *name)
{
	if (syscall(SYS_delete_module, name, O_NONBLOCK)) {
		int rc = -errno;

		mp_seterr("delete_module %s: %s", name, strerror(errno));
		return rc;
	}
	return 0;
}

int mp_rmmod_if_loaded(const char *name)
{
	if (!mp_module_loaded(name))
		return 0;
	return mp_rmmod(name);
}

int mp_modprobe(const char *name, const char *params)
{
	const char *argv[16] = { NULL };
	char path[256], buf[256], *tok, *save;
	struct mp_run *run;
	int n = 0, rc;

	argv[n++] = mp_which("modprobe", path, sizeof(path));
	if (!argv[0]) {
		mp_seterr("no modprobe in PATH");
		return -ENOENT;
	}
	argv[n++] = name;
	snprintf(buf, sizeof(buf), "%s", params ? params : "");
	for (tok = strtok_r(buf, " ", &save); tok && n < 15;
	     tok = strtok_r(NULL, " ", &save))
		argv[n++] = tok;
	argv[n] = NULL;
	run = malloc(sizeof(*run));
	if (!run)
		return -ENOMEM;
	rc = mp_run(run, 60, argv);
	if (!rc && run->status) {
		mp_seterr("modprobe %s %s: exit %d: %s", name,
			  params ? params : "", run->status, run->err);
		rc = -EIO;
	}
	free(run);
	return rc;
}

int mp_module_refcnt(const char *name)
{
	char path[256], buf[32];

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", name);
	if (mp_read_str(path, buf, sizeof(buf)))
		return -1;
	return atoi(buf);
}

/* The value @params gives parameter @name, or @def. */
static void mp_param_of(const char *params, const char *name, const char *def,
			char *buf, size_t len)
{
	size_t nlen = strlen(name);
	const char *p = params;

	snprintf(buf, len, "%s", def);
	while (p && *p) {
		size_t tlen;

		p += strspn(p, " ");
		tlen = strcspn(p, " ");
		if (tlen > nlen && !strncmp(p, name, nlen) && p[nlen] == '=')
			snprintf(buf, len, "%.*s", (int)(tlen - nlen - 1),
				 p + nlen + 1);
		p += tlen;
	}
}

bool mp_memplug_loaded_with(const char *params)
{
	char want[32], have[32];

	if (!mp_module_loaded("memplug"))
		return false;
	mp_param_of(params, "event_ring_size", "1024", want, sizeof(want));
	if (mp_read_str("/sys/module/memplug/parameters/event_ring_size",
			have, sizeof(have)) || strtoul(want, NULL, 0) !=
						       strtoul(have, NULL, 0))
		return false;
	mp_param_of(params, "rollback_attempts", "8", want, sizeof(want));
	if (mp_read_str("/sys/module/memplug/parameters/rollback_attempts",
			have, sizeof(have)) || strtoul(want, NULL, 0) !=
						       strtoul(have, NULL, 0))
		return false;
	mp_param_of(params, "test_knobs", "N", want, sizeof(want));
	if (mp_read_str("/sys/module/memplug/parameters/test_knobs", have,
			sizeof(have)))
		return false;
	/* A bool parameter reads back as Y or N; it is written in many ways. */
	return (strchr("1yY", want[0]) != NULL) == (have[0] == 'Y');
}

int mp_memplug_reload(struct mp_ctx *c, const char *params)
{
	int rc;

	if (c->sock.fd >= 0) {
		rc = mp_unplug_all(c);
		if (rc < 0)
			return rc;
	}
	mp_close(c);
	rc = mp_rmmod_if_loaded("memplug");
	if (rc)
		return rc;
	rc = mp_insmod(mp_ko_path(), params);
	if (rc)
		return rc;
	return mp_open(c);
}

int mp_memplug_restore(struct mp_ctx *c)
{
	if (mp_memplug_loaded_with(mp_ko_params()))
		return 0;
	return mp_memplug_reload(c, mp_ko_params());
}
