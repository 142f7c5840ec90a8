// SPDX-License-Identifier: GPL-2.0
/* mp_environ: the environment the tests read (see mp_environ.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdlib.h>

#include "mp_environ.h"

const char *mp_env(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

const char *mp_ko_path(void)
{
	return mp_env("MEMPLUG_KO", "/memplug/modules/memplug.ko");
}

const char *mp_ko_params(void)
{
	return mp_env("MEMPLUG_KO_PARAMS", "");
}

const char *mp_test_modules(void)
{
	return mp_env("MEMPLUG_TEST_MODULES", "/memplug/modules");
}

const char *mp_ctl_path(void)
{
	return mp_env("MEMPLUGCTL", "/usr/bin/memplugctl");
}
