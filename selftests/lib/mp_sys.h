/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_sys: everything a test needs around memplug's netlink family, one
 * header per concern:
 *
 *   mp_environ.h  the environment guest-main passes (MEMPLUG_KO, ...)
 *   mp_file.h     small sysfs/procfs/debugfs files read and written whole
 *   mp_procfs.h   memory counters of /proc (meminfo, vmstat, kpageflags)
 *   mp_iomem.h    /proc/iomem
 *   mp_block.h    memory blocks in sysfs
 *   mp_module.h   kernel modules, memplug's load parameters
 *   mp_run.h      child processes and the clock
 *   mp_priv.h     capabilities and user of the calling process
 *   mp_json.h     the controller's JSON output
 *   mp_snap.h     snapshots that a refused request must leave unchanged
 *   mp_fixture.h  the cleanup and setup every test starts with
 *   mp_host.h     the host's root over virtio-9p, for host programs
 */
#ifndef MP_SYS_H
#define MP_SYS_H

#include "mp_block.h"
#include "mp_environ.h"
#include "mp_file.h"
#include "mp_fixture.h"
#include "mp_host.h"
#include "mp_iomem.h"
#include "mp_json.h"
#include "mp_memplug.h"
#include "mp_module.h"
#include "mp_priv.h"
#include "mp_procfs.h"
#include "mp_run.h"
#include "mp_snap.h"

#endif /* MP_SYS_H */
