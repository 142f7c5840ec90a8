// SPDX-License-Identifier: GPL-2.0
/* mp_fixture: the setup and cleanup of every test (see mp_fixture.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_fixture.h"
#include "mp_block.h"
#include "mp_environ.h"
#include "mp_file.h"
#include "mp_iomem.h"
#include "mp_module.h"
#include "mp_run.h"

#define MP_INJECT_DIR "/sys/kernel/debug/notifier-error-inject/memory/actions"

void mp_inject_reset(void)
{
	if (!mp_path_exists(MP_INJECT_DIR))
		return;
	mp_write_str(MP_INJECT_DIR "/MEM_GOING_ONLINE/error", "0");
	mp_write_str(MP_INJECT_DIR "/MEM_GOING_OFFLINE/error", "0");
}

/*
 * Whether range @id is, or was until now, busy with a plug or an unplug
 * that someone else does (a rollback by the kernel's worker).
 */
static bool mp_range_busy(struct mp_ctx *c, uint32_t id)
{
	struct mp_range r;
	struct mp_ack ack;
	int rc = mp_range_get(c, id, &r, &ack);

	if (rc == -ENOENT)
		return true; /* gone meanwhile: the retry will say so */
	return !rc && r.state != MEMPLUG_RANGE_STATE_PLUGGED;
}

int mp_unplug_all(struct mp_ctx *c)
{
	struct mp_range ranges[64];
	struct mp_ack ack;
	int n, i, rc, done = 0;
	int64_t deadline = mp_time_ms() + 60000;

	/* Whatever a test asked for, each unplug here is waited for. */
	c->nowait = false;
	rc = mp_range_dump(c, ranges, 64, &n, &ack);
	if (rc) {
		if (!ack.local)
			mp_seterr("range dump: %s%s%s", strerror(-rc),
				  ack.has_msg ? ": " : "", ack.msg);
		return rc;
	}
	for (i = 0; i < n; i++) {
		rc = mp_range_del(c, ranges[i].id, NULL, &ack);
		while (rc == -EBUSY && mp_time_ms() < deadline &&
		       mp_range_busy(c, ranges[i].id)) {
			mp_sleep_ms(100);
			rc = mp_range_del(c, ranges[i].id, NULL, &ack);
		}
		/* A rollback removed it while we waited. */
		if (rc == -ENOENT && !ack.local)
			continue;
		if (rc) {
			if (!ack.local)
				mp_seterr("unplugging leftover range %u (0x%" PRIx64 "+0x%" PRIx64 "): %s%s%s",
					  ranges[i].id, ranges[i].start,
					  ranges[i].size, strerror(-rc),
					  ack.has_msg ? ": " : "", ack.msg);
			return rc;
		}
		done++;
	}
	return done;
}

#define MP_AUTO_ONLINE MP_SYSFS_MEMORY "/auto_online_blocks"

int mp_prepare(struct mp_ctx *c)
{
	char auto_online[32];
	char *iomem;
	int rc;

	mp_inject_reset();
	/*
	 * The tests online blocks themselves; kernels built to auto-online
	 * hotplugged memory (Debian's 6.12) would beat them to it.
	 */
	if (!mp_read_str(MP_AUTO_ONLINE, auto_online, sizeof(auto_online)) &&
	    strcmp(auto_online, "offline")) {
		rc = mp_write_str(MP_AUTO_ONLINE, "offline");
		if (rc)
			return rc;
	}
	if (mp_module_loaded("memplug_test_claim")) {
		rc = mp_rmmod("memplug_test_claim");
		if (rc)
			return rc;
	}
	/* A page it holds would make the unplugs below spin. */
	if (mp_module_loaded("memplug_test_pin")) {
		rc = mp_rmmod("memplug_test_pin");
		if (rc)
			return rc;
	}

	rc = mp_open(c);
	if (rc == -ENOENT) {
		if (mp_module_loaded("memplug")) {
			mp_seterr("module memplug is loaded but its family is not registered");
			return -ENOENT;
		}
		rc = mp_insmod(mp_ko_path(), mp_ko_params());
		if (rc)
			return rc;
		rc = mp_open(c);
	}
	if (rc)
		return rc;

	rc = mp_unplug_all(c);
	if (rc < 0) {
		mp_close(c);
		return rc;
	}

	iomem = mp_iomem();
	if (!iomem) {
		mp_close(c);
		return -EIO;
	}
	rc = mp_iomem_count(iomem, "(memplug)") ||
	     mp_iomem_count(iomem, MP_CLAIM_PREFIX) ? -EEXIST : 0;
	free(iomem);
	if (rc) {
		mp_seterr("memplug memory left in /proc/iomem with no range");
		mp_close(c);
	}
	return rc;
}

/* The first top-level "Persistent Memory (legacy)" range of /proc/iomem. */
static int mp_find_device(uint64_t *start, uint64_t *size)
{
	const char *name = " : Persistent Memory (legacy)";
	char *iomem = mp_iomem(), *line;
	int rc = -ENODEV;

	if (!iomem)
		return -EIO;
	for (line = iomem; line && *line;) {
		char *nl = strchr(line, '\n');
		unsigned long long s, e;

		if (nl)
			*nl = '\0';
		if (line[0] != ' ' && strstr(line, name) &&
		    sscanf(line, "%llx-%llx", &s, &e) == 2) {
			*start = s;
			*size = e - s + 1;
			rc = 0;
			break;
		}
		line = nl ? nl + 1 : NULL;
	}
	free(iomem);
	return rc;
}

int mp_env_setup(struct mp_env *e)
{
	int rc;

	memset(e, 0, sizeof(*e));
	e->c.sock.fd = -1;
	rc = mp_prepare(&e->c);
	if (rc)
		return rc;
	e->bs = mp_block_size();
	if (!e->bs) {
		mp_close(&e->c);
		return -EIO;
	}
	if (mp_find_device(&e->dev_start, &e->dev_size)) {
		e->no_device = true;
		snprintf(e->why, sizeof(e->why),
			 "no \"Persistent Memory (legacy)\" range in /proc/iomem (boot with memmap=1G!1G)");
	} else if (e->dev_start % e->bs || e->dev_size < (1ULL << 30) ||
		   e->dev_size % e->bs) {
		e->no_device = true;
		snprintf(e->why, sizeof(e->why),
			 "device range 0x%" PRIx64 "+0x%" PRIx64
			 " is not 1 GiB of whole memory blocks",
			 e->dev_start, e->dev_size);
	}
	e->dev_block = e->dev_start / e->bs;
	return 0;
}

void mp_env_teardown(struct mp_env *e)
{
	mp_inject_reset();
	if (mp_module_loaded("memplug_test_pin"))
		mp_rmmod("memplug_test_pin");
	if (e->c.sock.fd >= 0)
		mp_unplug_all(&e->c);
	if (mp_module_loaded("memplug_test_claim"))
		mp_rmmod("memplug_test_claim");
	mp_close(&e->c);
}
