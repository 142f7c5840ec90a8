// SPDX-License-Identifier: GPL-2.0
/*
 * mp_fault: fault injection for the memplug selftests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_fault.h"
#include "mp_environ.h"
#include "mp_file.h"
#include "mp_fixture.h"
#include "mp_module.h"

int mp_inject_load(int priority)
{
	char params[32];
	int rc;

	mp_inject_reset();
	/* The priority is fixed at load time. */
	rc = mp_rmmod_if_loaded(MP_INJECT_MODULE);
	if (rc)
		return rc;
	snprintf(params, sizeof(params), "priority=%d", priority);
	rc = mp_modprobe("memory-notifier-error-inject", params);
	if (rc)
		return -ENOENT;
	if (!mp_path_exists(MP_INJECT_ACTIONS "/MEM_GOING_OFFLINE/error")) {
		mp_seterr("%s loaded, but %s is missing (debugfs?)",
			  MP_INJECT_MODULE, MP_INJECT_ACTIONS);
		return -ENOENT;
	}
	return 0;
}

int mp_inject_unload(void)
{
	mp_inject_reset();
	return mp_rmmod_if_loaded(MP_INJECT_MODULE);
}

int mp_inject_set(const char *action, int err)
{
	char path[256], val[16];

	snprintf(path, sizeof(path), MP_INJECT_ACTIONS "/%s/error", action);
	snprintf(val, sizeof(val), "%d", err ? -abs(err) : 0);
	return mp_write_str(path, val);
}

bool mp_knobs_available(void)
{
	return mp_path_exists(MP_KNOB_DIR "/fail");
}

void mp_knob_params(char *buf, size_t len)
{
	const char *p = mp_ko_params();

	snprintf(buf, len, "%s%stest_knobs=1", p, *p ? " " : "");
}

int mp_knob_fail(const char *site, unsigned int count)
{
	char val[64];

	snprintf(val, sizeof(val), "%s %u", site, count);
	return mp_write_str(MP_KNOB_DIR "/fail", val);
}

int mp_knob_fail_get(char *site, size_t len, unsigned int *left)
{
	char buf[96], name[64];
	unsigned int n;
	int rc;

	rc = mp_read_str(MP_KNOB_DIR "/fail", buf, sizeof(buf));
	if (rc)
		return rc;
	if (sscanf(buf, "%63s %u", name, &n) != 2) {
		mp_seterr("%s/fail reads '%s'", MP_KNOB_DIR, buf);
		return -EPROTO;
	}
	snprintf(site, len, "%s", name);
	*left = n;
	return 0;
}
