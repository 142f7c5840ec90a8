/* SPDX-License-Identifier: GPL-2.0 */
/* Generated from memplug.yaml by scripts/gen-proto.py; do not edit. */
/*
 * mp_proto: the protocol as the spec describes it, for the selftests
 * and nlfuzz_test: every attribute set as a table by attribute number
 * (name, payload type, nested set, the limits the kernel checks), every
 * command with the attributes its request may carry, and the spec's
 * names of the values of every enum.
 */
#ifndef MP_PROTO_GEN_H
#define MP_PROTO_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/memplug.h>

/* What an attribute's payload is. */
enum mp_proto_type {
	MP_PROTO_UNUSED,
	MP_PROTO_PAD,
	MP_PROTO_FLAG,
	MP_PROTO_U8,
	MP_PROTO_U16,
	MP_PROTO_U32,
	MP_PROTO_U64,
	MP_PROTO_S32,
	MP_PROTO_STRING,
	MP_PROTO_NEST,
};

/*
 * Bytes of a fixed-size payload (of a flag: the bool it decodes to); 0 for
 * strings and nests. A constant expression.
 */
#define MP_PROTO_WIDTH(t)						\
	((t) == MP_PROTO_U8 ? 1 :					\
	 (t) == MP_PROTO_U16 ? 2 :					\
	 (t) == MP_PROTO_U32 || (t) == MP_PROTO_S32 ? 4 :		\
	 (t) == MP_PROTO_U64 ? 8 :					\
	 (t) == MP_PROTO_FLAG ? sizeof(bool) : 0)

enum mp_proto_set {
	MP_PROTO_SET_STATUS,
	MP_PROTO_SET_RANGE,
	MP_PROTO_SET_MEMTYPE,
	MP_PROTO_SET_EXCLUDE,
	MP_PROTO_SET_BLOCK,
	MP_PROTO_SET_EVENT,
	MP_PROTO_NR_SETS
};

/**
 * struct mp_proto_attr - one attribute as the spec describes it
 * @name: its name in the spec; NULL for a number no attribute has
 * @type: what its payload is
 * @nested: for MP_PROTO_NEST, the set inside
 * @multi: may repeat
 * @max_len: for a string, the longest the kernel takes, without the
 *	NUL; 0 for any
 * @max: for an integer, the largest value the kernel takes (an enum's
 *	last); 0 for any
 */
struct mp_proto_attr {
	const char *name;
	enum mp_proto_type type;
	enum mp_proto_set nested;
	bool multi;
	uint32_t max_len;
	uint64_t max;
};

/* An attribute set: attrs[0..max], by number. */
struct mp_proto_attr_set {
	const char *name;
	int max;
	const struct mp_proto_attr *attrs;
};

extern const struct mp_proto_attr_set mp_proto_sets[MP_PROTO_NR_SETS];

/* The highest attribute number of any set. */
#define MP_PROTO_ATTR_MAX 37

/**
 * struct mp_proto_op - one command or notification
 * @name: its name in the spec
 * @cmd: its number
 * @set: the attribute set of its messages
 * @doit: takes a request
 * @dump: takes a dump request
 * @event: a notification to a multicast group, never requested
 * @n_request: attributes in @request
 * @request: what its request may carry (do and dump alike), in
 *	number order; the kernel refuses anything else
 */
struct mp_proto_op {
	const char *name;
	uint8_t cmd;
	enum mp_proto_set set;
	bool doit;
	bool dump;
	bool event;
	int n_request;
	const uint16_t *request;
};

#define MP_PROTO_NR_OPS 9
extern const struct mp_proto_op mp_proto_ops[MP_PROTO_NR_OPS];
/* The command or notification @cmd, or NULL. */
const struct mp_proto_op *mp_proto_op(uint32_t cmd);

/* The spec's name of an enum value, or NULL for a value the spec lacks. */
const char *mp_proto_range_state_str(uint32_t v);
const char *mp_proto_zone_policy_str(uint32_t v);
const char *mp_proto_block_state_str(uint32_t v);
const char *mp_proto_online_cb_str(uint32_t v);
const char *mp_proto_tier_str(uint32_t v);
const char *mp_proto_event_action_str(uint32_t v);

/*
 * The type of every attribute, by its enumerator, for compile-time checks:
 * MP_PROTO_TYPE_<attribute>.
 */
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_VERSION			MP_PROTO_STRING
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_BLOCK_SIZE		MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_PLUGGABLE_START		MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_PLUGGABLE_END		MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_ONLINE_CB		MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_ONLINE_CB_REASON		MP_PROTO_STRING
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_RANGES			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_PLUGGED_BYTES		MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_PLUGS			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_UNPLUGS			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_PLUG_FAILURES		MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_UNPLUG_FAILURES		MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_VETOES			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_EVENT_SEQ		MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_EVENT_OLDEST		MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_EVENT_RING_SIZE		MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_OBJECTS			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_KDUMP			MP_PROTO_FLAG
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_ONLINE_CB_RANGES		MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_STATUS_MEMTYPE			MP_PROTO_NEST
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_ID			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_START			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_SIZE			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_NODE			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_NAME			MP_PROTO_STRING
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_STATE			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_ZONE_POLICY		MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_PROTECT			MP_PROTO_U8
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_VERIFY			MP_PROTO_FLAG
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY		MP_PROTO_FLAG
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_HOLD			MP_PROTO_FLAG
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_COMMIT			MP_PROTO_FLAG
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_EXCLUDE			MP_PROTO_NEST
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_GROUP_ID			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_BLOCKS			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_BLOCKS_ONLINE		MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_PAGES_ONLINE		MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_PAGES_EXCLUDED		MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_PAGES_VERIFIED		MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_PAGES_BAD			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_ADD_NS			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_REMOVE_NS			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_ONLINE_NS			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_OFFLINE_NS		MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_FAIL_BLOCK		MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_FAIL_ERRNO		MP_PROTO_S32
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_DEFER_ONLINE		MP_PROTO_FLAG
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_FORCE			MP_PROTO_FLAG
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_BLOCKS_PRESENT		MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_ROLLBACK_ATTEMPTS		MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_PLUGGED_BY		MP_PROTO_STRING
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_FAIL_REASON		MP_PROTO_STRING
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_BLOCKS_DONE		MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_BYTES_DONE		MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_TIER			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_RANGE_ADISTANCE			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_MEMTYPE_NODE			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_MEMTYPE_ADISTANCE		MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_MEMTYPE_RANGES			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_EXCLUDE_START			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_EXCLUDE_SIZE			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_BLOCK_ID			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_BLOCK_RANGE_ID			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_BLOCK_START			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_BLOCK_SIZE			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_BLOCK_STATE			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_BLOCK_ZONE			MP_PROTO_STRING
#define MP_PROTO_TYPE_MEMPLUG_A_BLOCK_NODE			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_SEQ			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_TIME_NS			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_REALTIME_NS		MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_ACTION			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_START_PFN			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_NR_PAGES			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_START			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_SIZE			MP_PROTO_U64
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_BLOCK			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_NODE			MP_PROTO_S32
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_ZONE			MP_PROTO_STRING
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_STATUS_CHANGE_NID		MP_PROTO_S32
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_STATUS_CHANGE_NID_NORMAL	MP_PROTO_S32
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_RANGE_ID			MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_VETO_ERRNO		MP_PROTO_S32
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_VETO_REASON		MP_PROTO_STRING
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_ERROR			MP_PROTO_S32
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_REASON			MP_PROTO_STRING
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_BLOCKS_DONE		MP_PROTO_U32
#define MP_PROTO_TYPE_MEMPLUG_A_EVENT_BLOCKS_TOTAL		MP_PROTO_U32

#endif /* MP_PROTO_GEN_H */
