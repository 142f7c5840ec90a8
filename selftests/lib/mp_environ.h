/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_environ: the environment the tests read (guest-main sets it inside
 * the test VM), with the defaults used there.
 */
#ifndef MP_ENVIRON_H
#define MP_ENVIRON_H


const char *mp_env(const char *name, const char *def);
const char *mp_ko_path(void);        /* MEMPLUG_KO */
const char *mp_ko_params(void);      /* MEMPLUG_KO_PARAMS */
const char *mp_test_modules(void);   /* MEMPLUG_TEST_MODULES (a directory) */
const char *mp_ctl_path(void);       /* MEMPLUGCTL */

#endif /* MP_ENVIRON_H */
