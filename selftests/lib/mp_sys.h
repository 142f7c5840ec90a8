/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_sys: what a user of memplug observes, and the machinery around the
 * tests: /proc/meminfo, /proc/iomem, memory block sysfs, modules, child
 * processes, privileges, and the cleanup every test starts with.
 *
 * Functions return 0 or a negative errno and describe failures in
 * mp_errstr() unless said otherwise.
 */
#ifndef MP_SYS_H
#define MP_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mp_memplug.h"

#define MP_SYSFS_MEMORY "/sys/devices/system/memory"
#define MP_NOBODY 65534

/* Environment, with the defaults used inside the test VM. */
const char *mp_env(const char *name, const char *def);
const char *mp_ko_path(void);        /* MEMPLUG_KO */
const char *mp_ko_params(void);      /* MEMPLUG_KO_PARAMS */
const char *mp_test_modules(void);   /* MEMPLUG_TEST_MODULES (a directory) */
const char *mp_ctl_path(void);       /* MEMPLUGCTL */

/* Files. mp_read_file returns a malloc'd NUL-terminated copy or NULL. */
char *mp_read_file(const char *path);
int mp_read_str(const char *path, char *buf, size_t len);
int mp_write_str(const char *path, const char *s);
bool mp_path_exists(const char *path);

/* MemTotal in kB, or -1. */
long long mp_memtotal_kb(void);
/* The counter @name of /proc/vmstat, or -1. */
long long mp_vmstat(const char *name);

/*
 * memplug claims each range in /proc/iomem as "memplug range <id>"; the
 * range's "System RAM (memplug)" nests in the claim.
 */
#define MP_CLAIM_PREFIX "memplug range "

/* /proc/iomem (malloc'd) and exact-line / substring searches in it. */
char *mp_iomem(void);
bool mp_iomem_has_line(const char *iomem, const char *line);
int mp_iomem_count(const char *iomem, const char *needle);
/*
 * The first @bs-aligned range of @size at or above @from that no top-level
 * line of /proc/iomem touches: memory nothing describes. 0 if unreadable.
 */
uint64_t mp_iomem_hole(uint64_t from, uint64_t size, uint64_t bs);

/* Memory blocks in sysfs. */
uint64_t mp_block_size(void);
bool mp_block_exists(unsigned int blk);
/* "online" / "offline"; -ENOENT if the block does not exist. */
int mp_block_state(unsigned int blk, char *buf, size_t len);
int mp_block_zones(unsigned int blk, char *buf, size_t len);
/* Write @how ("online_movable", "online_kernel", "online", "offline"). */
int mp_block_set(unsigned int blk, const char *how);
/*
 * Write "online_kernel" to block @blk @writes times, each of which a
 * movable zone policy must refuse with EPERM: a cheap burst of two events
 * per write (going-online, vetoed, and cancel-online).
 */
int mp_veto_burst(unsigned int blk, int writes);
/* "memory8=online\nmemory9=offline\n..." for every block, malloc'd. */
char *mp_blocks_list(void);

/* Modules. */
bool mp_module_loaded(const char *name);
int mp_insmod(const char *path, const char *params);
/* delete_module(2) with O_NONBLOCK; -errno as the kernel returned it. */
int mp_rmmod(const char *name);

/* Unload @name if it is loaded; 0 if it is not loaded afterwards. */
int mp_rmmod_if_loaded(const char *name);
/* modprobe(8) @name with @params (may be NULL); 0 if it loaded. */
int mp_modprobe(const char *name, const char *params);
/* The reference count in /sys/module/@name/refcnt, or -1. */
int mp_module_refcnt(const char *name);

/*
 * memplug's load parameters. mp_memplug_reload() unplugs every range,
 * closes @c, removes memplug and loads MEMPLUG_KO with @params, then opens
 * @c again. mp_memplug_loaded_with() tells whether the loaded module's
 * event_ring_size, rollback_attempts and test_knobs are what @params asks
 * for (the defaults where it does not say). mp_memplug_restore() reloads
 * with MEMPLUG_KO_PARAMS unless that is what is loaded already (then @c is
 * left as it is, open or closed).
 */
int mp_memplug_reload(struct mp_ctx *c, const char *params);
bool mp_memplug_loaded_with(const char *params);
int mp_memplug_restore(struct mp_ctx *c);

/* The /proc/kpageflags word of @pfn (KPF_* bits). */
int mp_kpageflags(uint64_t pfn, uint64_t *flags);
/* "pages free" of every zone called @zone in /proc/zoneinfo, or -1. */
long long mp_zone_free_pages(const char *zone);

/* The path of @prog in PATH (or the usual system directories), or NULL. */
const char *mp_which(const char *prog, char *buf, size_t len);

/* Child processes. */
#define MP_RUN_OUT 16384
struct mp_run {
	int status; /* exit code; 128 + signal; -1 if it could not run */
	bool timed_out;
	char out[MP_RUN_OUT];
	char err[MP_RUN_OUT];
};
/* Run argv[] (NULL terminated) with stdin from /dev/null. */
int mp_run(struct mp_run *r, int timeout_s, const char *const argv[]);
/*
 * The same as user and group 65534 with no capabilities, through
 * setpriv(1) if installed, else by dropping them in the child.
 */
int mp_run_nobody(struct mp_run *r, int timeout_s, const char *const argv[]);
/*
 * The same as root with only the capabilities @caps (setpriv(1) names,
 * comma separated, e.g. "net_admin"), through setpriv(1)'s bounding set;
 * -ENOENT if setpriv is not installed.
 */
int mp_run_caps(struct mp_run *r, int timeout_s, const char *caps,
		const char *const argv[]);
/*
 * Run the controller (MEMPLUGCTL) with the arguments that follow, up to a
 * NULL, as mp_run() does.
 */
int mp_run_ctl(struct mp_run *r, int timeout_s, ...);
/*
 * Start argv[] (NULL terminated) without waiting for it: stdin from
 * /dev/null, stdout and stderr into one pipe whose non-blocking read end
 * is stored in *@out, or to /dev/null if @out is NULL. Returns the pid or
 * a negative errno.
 */
int mp_spawn(const char *const argv[], int *out);
/*
 * Wait up to @timeout_ms (negative: for ever) for child @pid to end;
 * *@status as in struct mp_run. -ETIMEDOUT if it is still running.
 */
int mp_wait_pid(int pid, int timeout_ms, int *status);
/* What @fd holds now, without waiting, into @buf (NUL terminated). */
size_t mp_read_avail(int fd, char *buf, size_t len);
/* The state letter in /proc/PID/stat (R, S, D, Z, ...), '?' if unknown. */
char mp_proc_state(int pid);
/* CLOCK_MONOTONIC in milliseconds. */
int64_t mp_time_ms(void);
/* Sleep @ms milliseconds, resuming after signal handlers. */
void mp_sleep_ms(unsigned int ms);

/* Privileges of the calling process (use in a child). */
int mp_drop_caps(void);
/* Keep only the capabilities whose CAP_* bits are set in @mask. */
int mp_keep_caps(uint64_t mask);
int mp_become_nobody(void);
bool mp_have_cap(int cap);

/* JSON output of the controller, whitespace outside strings removed. */
void mp_json_compact(const char *in, char *out, size_t len);
/* The first number after "key": in compacted JSON; false if absent. */
bool mp_json_int(const char *json, const char *key, long long *val);
/* Occurrences of @needle in compacted JSON. */
int mp_json_count(const char *json, const char *needle);
/* Occurrences of "key":value (the whole number) in compacted JSON. */
int mp_json_count_num(const char *json, const char *key,
		      unsigned long long value);

/**
 * struct mp_snap - what must not change when a request is refused
 * @memtotal: MemTotal, kB
 * @iomem: /proc/iomem
 * @blocks: every memory block and its state
 * @status: memplug's counters
 * @nranges: ranges in a RANGE_GET dump
 */
struct mp_snap {
	long long memtotal;
	char *iomem;
	char *blocks;
	struct mp_status status;
	int nranges;
};

int mp_snap_take(struct mp_ctx *c, struct mp_snap *s);
/*
 * 0 if nothing a user sees differs; else 1 with the first difference in
 * @why. With @counters the plug and unplug counters must match too (not
 * so after an operation that was rolled back).
 */
int mp_snap_diff(const struct mp_snap *a, const struct mp_snap *b,
		 bool counters, char *why, size_t len);
void mp_snap_free(struct mp_snap *s);

/*
 * The start of every test: no fault injection armed, no test helper module
 * that holds memory (memplug_test_claim, memplug_test_pin) loaded, the
 * kernel's auto-onlining of hotplugged memory off, memplug loaded
 * (insmod'ed from MEMPLUG_KO if needed), every range unplugged; then @c
 * is open on the family.
 */
int mp_prepare(struct mp_ctx *c);
/*
 * Unplug every range memplug has; the number removed, or -errno. A range
 * that is busy being plugged or unplugged (a rollback after its owner
 * went away) is waited for, up to a minute.
 */
int mp_unplug_all(struct mp_ctx *c);
/* Reset memory-notifier-error-inject, if loaded. */
void mp_inject_reset(void);

/**
 * struct mp_env - what every test starts from
 * @c: open on the memplug family
 * @bs: memory block size
 * @dev_start: the device-backed range memplug may plug ("Persistent Memory
 *	(legacy)" in /proc/iomem, from the VM's memmap=1G!1G)
 * @dev_size: its size
 * @dev_block: the memory block number of @dev_start
 * @no_device: no such range on this machine; @why says so
 */
struct mp_env {
	struct mp_ctx c;
	uint64_t bs;
	uint64_t dev_start;
	uint64_t dev_size;
	unsigned int dev_block;
	bool no_device;
	char why[256];
};

/* mp_prepare(), then find the device range and the block size. */
int mp_env_setup(struct mp_env *e);
/* Best effort: unplug everything, unload helpers, close. */
void mp_env_teardown(struct mp_env *e);
/* The /proc/iomem line of [start, end] at nesting @depth. */
void mp_iomem_line(char *buf, size_t len, int depth, uint64_t start,
		   uint64_t end, const char *name);

#endif /* MP_SYS_H */
