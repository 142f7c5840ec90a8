/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_memplug: the memplug generic netlink protocol for the selftests, on
 * top of mp_nl. Replies are checked against the spec and decoded into
 * plain structs; every has_* flag says whether the kernel sent that
 * attribute.
 */
#ifndef MP_MEMPLUG_H
#define MP_MEMPLUG_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/memplug.h>

#include "mp_nl.h"
#include "mp_spec.h"

/*
 * An open socket and the resolved memplug family. RANGE_ADD and RANGE_DEL
 * only queue their work to the module's worker; the requests below wait
 * for its outcome (mp_range_await()) unless @nowait is set.
 */
struct mp_ctx {
	struct mp_sock sock;
	struct mp_family fam;
	bool nowait;
};

struct mp_status {
	char version[64];
	bool has_block_size;
	uint64_t block_size;
	bool has_pluggable;
	uint64_t pluggable_start;
	uint64_t pluggable_end;
	bool has_online_cb;
	uint32_t online_cb;
	bool has_online_cb_reason;
	char online_cb_reason[256];
	bool has_online_cb_ranges;
	uint32_t online_cb_ranges;
	bool has_ranges;
	uint32_t ranges;
	uint64_t plugged_bytes;
	uint64_t plugs;
	uint64_t unplugs;
	uint64_t plug_failures;
	uint64_t unplug_failures;
	uint64_t vetoes;
	uint64_t event_seq;
	uint64_t event_oldest;
	uint32_t event_ring_size;
	bool has_objects;
	uint32_t objects;
	bool kdump;
	int nr_memtypes; /* MEMTYPE nests: the nodes memplug gave a type */
	struct mp_memtype {
		uint32_t node;
		uint32_t adistance;
		uint32_t ranges;
	} memtypes[16];
};

struct mp_range {
	uint32_t id;
	uint64_t start;
	uint64_t size;
	bool has_node;
	uint32_t node;
	char name[MEMPLUG_NAME_LEN];
	uint32_t state;
	uint32_t zone_policy;
	bool has_protect;
	uint8_t protect;
	bool verify;
	bool has_group_id;
	uint32_t group_id;
	uint32_t blocks;
	bool has_blocks_online;
	uint32_t blocks_online;
	uint64_t pages_online;
	uint64_t pages_excluded;
	uint64_t add_ns;
	bool has_remove_ns;
	uint64_t remove_ns;
	bool has_fail_block;
	uint32_t fail_block;
	bool has_fail_errno;
	int32_t fail_errno;
	/* Zero unless the kernel sent them. */
	uint64_t pages_verified;
	uint64_t pages_bad;
	bool defer_online;
	uint64_t online_ns;
	uint64_t offline_ns;
	bool has_blocks_present;
	uint32_t blocks_present;
	uint32_t rollback_attempts;
	char plugged_by[32]; /* comm[pid] of the task that plugged it */
	bool has_fail_reason;
	char fail_reason[256];
	bool has_blocks_done; /* while plugging or unplugging */
	uint32_t blocks_done;
	uint64_t bytes_done;
	uint32_t tier;
	bool has_adistance; /* memplug gave the range's node a memory type */
	uint32_t adistance;
	int nr_excl; /* EXCLUDE nests as the kernel reports them (merged) */
	struct mp_excl {
		uint64_t start;
		uint64_t size;
	} excl[MEMPLUG_MAX_EXCLUDES];
};

struct mp_block {
	uint32_t id;
	uint32_t range_id;
	uint64_t start;
	uint64_t size;
	uint32_t state;
	bool has_zone;
	char zone[32];
	bool has_node;
	uint32_t node;
};

/* Optional parts of a RANGE_ADD. */
struct mp_add_opts {
	bool has_node;
	uint32_t node;
	const char *name;
	uint32_t zone_policy; /* 0: leave out */
	/* Each false / 0 / NULL below leaves its attribute out. */
	bool protect;         /* PROTECT 1 */
	bool verify;          /* VERIFY */
	bool defer_online;    /* DEFER_ONLINE */
	bool memmap_on_memory; /* MEMMAP_ON_MEMORY */
	bool force;           /* FORCE */
	int nr_excl;          /* EXCLUDE nests, in this order, unmerged */
	const struct mp_excl *excl;
	uint32_t tier;        /* TIER, 0: leave out */
	uint32_t adistance;   /* ADISTANCE, 0: leave out */
};

/* Open a socket and resolve the family; -ENOENT if memplug is not loaded. */
int mp_open(struct mp_ctx *c);
void mp_close(struct mp_ctx *c);
/* Start a memplug request: a doit with ACK, or a dump. */
void mp_req_init(const struct mp_ctx *c, struct mp_msg *m, uint8_t cmd,
		 bool dump);

int mp_status_get(struct mp_ctx *c, struct mp_status *st, struct mp_ack *ack);
int mp_range_add(struct mp_ctx *c, uint64_t start, uint64_t size,
		 const struct mp_add_opts *opts, struct mp_range *out,
		 struct mp_ack *ack);
int mp_range_del(struct mp_ctx *c, uint32_t id, struct mp_range *out,
		 struct mp_ack *ack);
int mp_range_get(struct mp_ctx *c, uint32_t id, struct mp_range *out,
		 struct mp_ack *ack);
int mp_range_cancel(struct mp_ctx *c, uint32_t id, struct mp_range *out,
		    struct mp_ack *ack);
/* RANGE_SET: @protect 0 or 1 (-1: leave out), @zone_policy 0: leave out. */
int mp_range_set(struct mp_ctx *c, uint32_t id, int protect,
		 uint32_t zone_policy, struct mp_range *out, struct mp_ack *ack);
/* Append the RANGE_ADD attributes of @opts (not START/SIZE) to @m. */
int mp_add_opts_put(struct mp_msg *m, const struct mp_add_opts *opts);
/* Dump up to @max ranges into @out; *@n is set to the number received. */
int mp_range_dump(struct mp_ctx *c, struct mp_range *out, int max, int *n,
		  struct mp_ack *ack);
/* Dump the blocks of range @range_id, or of all ranges if it is 0. */
int mp_block_dump(struct mp_ctx *c, uint32_t range_id, struct mp_block *out,
		  int max, int *n, struct mp_ack *ack);

/*
 * Send a ready request and decode the replies as ranges / a status. A
 * RANGE_ADD or RANGE_DEL that the kernel accepts is waited for, unless
 * @c->nowait: its outcome becomes the result and *@ack, as if the request
 * had done the work, and *@out is the range after a plug (RANGE_GET) or
 * the reply of an unplug.
 */
int mp_transact_range(struct mp_ctx *c, struct mp_msg *m, struct mp_range *out,
		      struct mp_ack *ack);
/*
 * Wait for the outcome of the plug (@add) or unplug of range @id, which a
 * request sent after event sequence number @from queued: PLUG or UNPLUG is
 * 0, PLUG_FAILED or UNPLUG_FAILED its ERROR, with REASON in *@ack. Reads
 * the event ring; if the ring lost the outcome, RANGE_GET decides.
 */
int mp_range_await(struct mp_ctx *c, uint32_t id, uint64_t from, bool add,
		   struct mp_ack *ack);
/*
 * Wait until range @id has settled after a RANGE_CANCEL: gone (-ENOENT),
 * PLUGGED or FAILED; *@out is its last RANGE_GET.
 */
int mp_range_settle(struct mp_ctx *c, uint32_t id, struct mp_range *out);
int mp_transact_status(struct mp_sock *s, struct mp_msg *m,
		       struct mp_status *st, struct mp_ack *ack);

/*
 * Decode a reply, every attribute checked against the spec (mp_spec.h);
 * 0, or -EPROTO with mp_errstr() saying what the spec does not allow.
 */
int mp_range_decode(const struct nlmsghdr *nlh, struct mp_range *r);
int mp_status_decode(const struct nlmsghdr *nlh, struct mp_status *st);
int mp_block_decode(const struct nlmsghdr *nlh, struct mp_block *b);

#endif /* MP_MEMPLUG_H */
