// SPDX-License-Identifier: GPL-2.0
/* Generated from memplug.yaml by scripts/gen-proto.py; do not edit. */
/*
 * mp_proto: the protocol as the spec describes it.
 */
#include "mp_proto.gen.h"

static const struct mp_proto_attr mp_proto_status_attrs[MEMPLUG_A_STATUS_MAX + 1] = {
	[MEMPLUG_A_STATUS_UNSPEC] = {
		.name = "unspec",
		.type = MP_PROTO_UNUSED,
	},
	[MEMPLUG_A_STATUS_PAD] = { .name = "pad", .type = MP_PROTO_PAD },
	[MEMPLUG_A_STATUS_VERSION] = {
		.name = "version",
		.type = MP_PROTO_STRING,
	},
	[MEMPLUG_A_STATUS_BLOCK_SIZE] = {
		.name = "block-size",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_STATUS_PLUGGABLE_START] = {
		.name = "pluggable-start",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_STATUS_PLUGGABLE_END] = {
		.name = "pluggable-end",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_STATUS_ONLINE_CB] = {
		.name = "online-cb",
		.type = MP_PROTO_U32,
		.max = MEMPLUG_ONLINE_CB_MAX,
	},
	[MEMPLUG_A_STATUS_ONLINE_CB_REASON] = {
		.name = "online-cb-reason",
		.type = MP_PROTO_STRING,
	},
	[MEMPLUG_A_STATUS_RANGES] = { .name = "ranges", .type = MP_PROTO_U32 },
	[MEMPLUG_A_STATUS_PLUGGED_BYTES] = {
		.name = "plugged-bytes",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_STATUS_PLUGS] = { .name = "plugs", .type = MP_PROTO_U64 },
	[MEMPLUG_A_STATUS_UNPLUGS] = {
		.name = "unplugs",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_STATUS_PLUG_FAILURES] = {
		.name = "plug-failures",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_STATUS_UNPLUG_FAILURES] = {
		.name = "unplug-failures",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_STATUS_VETOES] = { .name = "vetoes", .type = MP_PROTO_U64 },
	[MEMPLUG_A_STATUS_EVENT_SEQ] = {
		.name = "event-seq",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_STATUS_EVENT_OLDEST] = {
		.name = "event-oldest",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_STATUS_EVENT_RING_SIZE] = {
		.name = "event-ring-size",
		.type = MP_PROTO_U32,
	},
	[MEMPLUG_A_STATUS_OBJECTS] = {
		.name = "objects",
		.type = MP_PROTO_U32,
	},
	[MEMPLUG_A_STATUS_KDUMP] = { .name = "kdump", .type = MP_PROTO_FLAG },
	[MEMPLUG_A_STATUS_ONLINE_CB_RANGES] = {
		.name = "online-cb-ranges",
		.type = MP_PROTO_U32,
	},
	[MEMPLUG_A_STATUS_MEMTYPE] = {
		.name = "memtype",
		.type = MP_PROTO_NEST,
		.nested = MP_PROTO_SET_MEMTYPE,
		.multi = true,
	},
};

static const struct mp_proto_attr mp_proto_range_attrs[MEMPLUG_A_RANGE_MAX + 1] = {
	[MEMPLUG_A_RANGE_UNSPEC] = {
		.name = "unspec",
		.type = MP_PROTO_UNUSED,
	},
	[MEMPLUG_A_RANGE_PAD] = { .name = "pad", .type = MP_PROTO_PAD },
	[MEMPLUG_A_RANGE_ID] = { .name = "id", .type = MP_PROTO_U32 },
	[MEMPLUG_A_RANGE_START] = { .name = "start", .type = MP_PROTO_U64 },
	[MEMPLUG_A_RANGE_SIZE] = { .name = "size", .type = MP_PROTO_U64 },
	[MEMPLUG_A_RANGE_NODE] = { .name = "node", .type = MP_PROTO_U32 },
	[MEMPLUG_A_RANGE_NAME] = {
		.name = "name",
		.type = MP_PROTO_STRING,
		.max_len = MEMPLUG_NAME_LEN - 1,
	},
	[MEMPLUG_A_RANGE_STATE] = {
		.name = "state",
		.type = MP_PROTO_U32,
		.max = MEMPLUG_RANGE_STATE_MAX,
	},
	[MEMPLUG_A_RANGE_ZONE_POLICY] = {
		.name = "zone-policy",
		.type = MP_PROTO_U32,
		.max = MEMPLUG_ZONE_POLICY_MAX,
	},
	[MEMPLUG_A_RANGE_PROTECT] = {
		.name = "protect",
		.type = MP_PROTO_U8,
		.max = 1,
	},
	[MEMPLUG_A_RANGE_VERIFY] = { .name = "verify", .type = MP_PROTO_FLAG },
	[MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY] = {
		.name = "memmap-on-memory",
		.type = MP_PROTO_FLAG,
	},
	[MEMPLUG_A_RANGE_HOLD] = { .name = "hold", .type = MP_PROTO_FLAG },
	[MEMPLUG_A_RANGE_COMMIT] = { .name = "commit", .type = MP_PROTO_FLAG },
	[MEMPLUG_A_RANGE_EXCLUDE] = {
		.name = "exclude",
		.type = MP_PROTO_NEST,
		.nested = MP_PROTO_SET_EXCLUDE,
		.multi = true,
	},
	[MEMPLUG_A_RANGE_GROUP_ID] = {
		.name = "group-id",
		.type = MP_PROTO_U32,
	},
	[MEMPLUG_A_RANGE_BLOCKS] = { .name = "blocks", .type = MP_PROTO_U32 },
	[MEMPLUG_A_RANGE_BLOCKS_ONLINE] = {
		.name = "blocks-online",
		.type = MP_PROTO_U32,
	},
	[MEMPLUG_A_RANGE_PAGES_ONLINE] = {
		.name = "pages-online",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_RANGE_PAGES_EXCLUDED] = {
		.name = "pages-excluded",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_RANGE_PAGES_VERIFIED] = {
		.name = "pages-verified",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_RANGE_PAGES_BAD] = {
		.name = "pages-bad",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_RANGE_ADD_NS] = { .name = "add-ns", .type = MP_PROTO_U64 },
	[MEMPLUG_A_RANGE_REMOVE_NS] = {
		.name = "remove-ns",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_RANGE_ONLINE_NS] = {
		.name = "online-ns",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_RANGE_OFFLINE_NS] = {
		.name = "offline-ns",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_RANGE_FAIL_BLOCK] = {
		.name = "fail-block",
		.type = MP_PROTO_U32,
	},
	[MEMPLUG_A_RANGE_FAIL_ERRNO] = {
		.name = "fail-errno",
		.type = MP_PROTO_S32,
	},
	[MEMPLUG_A_RANGE_DEFER_ONLINE] = {
		.name = "defer-online",
		.type = MP_PROTO_FLAG,
	},
	[MEMPLUG_A_RANGE_FORCE] = { .name = "force", .type = MP_PROTO_FLAG },
	[MEMPLUG_A_RANGE_BLOCKS_PRESENT] = {
		.name = "blocks-present",
		.type = MP_PROTO_U32,
	},
	[MEMPLUG_A_RANGE_ROLLBACK_ATTEMPTS] = {
		.name = "rollback-attempts",
		.type = MP_PROTO_U32,
	},
	[MEMPLUG_A_RANGE_PLUGGED_BY] = {
		.name = "plugged-by",
		.type = MP_PROTO_STRING,
	},
	[MEMPLUG_A_RANGE_FAIL_REASON] = {
		.name = "fail-reason",
		.type = MP_PROTO_STRING,
	},
	[MEMPLUG_A_RANGE_BLOCKS_DONE] = {
		.name = "blocks-done",
		.type = MP_PROTO_U32,
	},
	[MEMPLUG_A_RANGE_BYTES_DONE] = {
		.name = "bytes-done",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_RANGE_TIER] = {
		.name = "tier",
		.type = MP_PROTO_U32,
		.max = MEMPLUG_TIER_MAX,
	},
	[MEMPLUG_A_RANGE_ADISTANCE] = {
		.name = "adistance",
		.type = MP_PROTO_U32,
		.max = MEMPLUG_ADISTANCE_MAX,
	},
};

static const struct mp_proto_attr mp_proto_memtype_attrs[MEMPLUG_A_MEMTYPE_MAX + 1] = {
	[MEMPLUG_A_MEMTYPE_UNSPEC] = {
		.name = "unspec",
		.type = MP_PROTO_UNUSED,
	},
	[MEMPLUG_A_MEMTYPE_PAD] = { .name = "pad", .type = MP_PROTO_PAD },
	[MEMPLUG_A_MEMTYPE_NODE] = { .name = "node", .type = MP_PROTO_U32 },
	[MEMPLUG_A_MEMTYPE_ADISTANCE] = {
		.name = "adistance",
		.type = MP_PROTO_U32,
	},
	[MEMPLUG_A_MEMTYPE_RANGES] = { .name = "ranges", .type = MP_PROTO_U32 },
};

static const struct mp_proto_attr mp_proto_exclude_attrs[MEMPLUG_A_EXCLUDE_MAX + 1] = {
	[MEMPLUG_A_EXCLUDE_UNSPEC] = {
		.name = "unspec",
		.type = MP_PROTO_UNUSED,
	},
	[MEMPLUG_A_EXCLUDE_PAD] = { .name = "pad", .type = MP_PROTO_PAD },
	[MEMPLUG_A_EXCLUDE_START] = { .name = "start", .type = MP_PROTO_U64 },
	[MEMPLUG_A_EXCLUDE_SIZE] = { .name = "size", .type = MP_PROTO_U64 },
};

static const struct mp_proto_attr mp_proto_block_attrs[MEMPLUG_A_BLOCK_MAX + 1] = {
	[MEMPLUG_A_BLOCK_UNSPEC] = {
		.name = "unspec",
		.type = MP_PROTO_UNUSED,
	},
	[MEMPLUG_A_BLOCK_PAD] = { .name = "pad", .type = MP_PROTO_PAD },
	[MEMPLUG_A_BLOCK_ID] = { .name = "id", .type = MP_PROTO_U32 },
	[MEMPLUG_A_BLOCK_RANGE_ID] = {
		.name = "range-id",
		.type = MP_PROTO_U32,
	},
	[MEMPLUG_A_BLOCK_START] = { .name = "start", .type = MP_PROTO_U64 },
	[MEMPLUG_A_BLOCK_SIZE] = { .name = "size", .type = MP_PROTO_U64 },
	[MEMPLUG_A_BLOCK_STATE] = {
		.name = "state",
		.type = MP_PROTO_U32,
		.max = MEMPLUG_BLOCK_STATE_MAX,
	},
	[MEMPLUG_A_BLOCK_ZONE] = { .name = "zone", .type = MP_PROTO_STRING },
	[MEMPLUG_A_BLOCK_NODE] = { .name = "node", .type = MP_PROTO_U32 },
};

static const struct mp_proto_attr mp_proto_event_attrs[MEMPLUG_A_EVENT_MAX + 1] = {
	[MEMPLUG_A_EVENT_UNSPEC] = {
		.name = "unspec",
		.type = MP_PROTO_UNUSED,
	},
	[MEMPLUG_A_EVENT_PAD] = { .name = "pad", .type = MP_PROTO_PAD },
	[MEMPLUG_A_EVENT_SEQ] = { .name = "seq", .type = MP_PROTO_U64 },
	[MEMPLUG_A_EVENT_TIME_NS] = { .name = "time-ns", .type = MP_PROTO_U64 },
	[MEMPLUG_A_EVENT_REALTIME_NS] = {
		.name = "realtime-ns",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_EVENT_ACTION] = {
		.name = "action",
		.type = MP_PROTO_U32,
		.max = MEMPLUG_EVENT_MAX,
	},
	[MEMPLUG_A_EVENT_START_PFN] = {
		.name = "start-pfn",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_EVENT_NR_PAGES] = {
		.name = "nr-pages",
		.type = MP_PROTO_U64,
	},
	[MEMPLUG_A_EVENT_START] = { .name = "start", .type = MP_PROTO_U64 },
	[MEMPLUG_A_EVENT_SIZE] = { .name = "size", .type = MP_PROTO_U64 },
	[MEMPLUG_A_EVENT_BLOCK] = { .name = "block", .type = MP_PROTO_U32 },
	[MEMPLUG_A_EVENT_NODE] = { .name = "node", .type = MP_PROTO_S32 },
	[MEMPLUG_A_EVENT_ZONE] = { .name = "zone", .type = MP_PROTO_STRING },
	[MEMPLUG_A_EVENT_STATUS_CHANGE_NID] = {
		.name = "status-change-nid",
		.type = MP_PROTO_S32,
	},
	[MEMPLUG_A_EVENT_STATUS_CHANGE_NID_NORMAL] = {
		.name = "status-change-nid-normal",
		.type = MP_PROTO_S32,
	},
	[MEMPLUG_A_EVENT_RANGE_ID] = {
		.name = "range-id",
		.type = MP_PROTO_U32,
	},
	[MEMPLUG_A_EVENT_VETO_ERRNO] = {
		.name = "veto-errno",
		.type = MP_PROTO_S32,
	},
	[MEMPLUG_A_EVENT_VETO_REASON] = {
		.name = "veto-reason",
		.type = MP_PROTO_STRING,
	},
	[MEMPLUG_A_EVENT_ERROR] = { .name = "error", .type = MP_PROTO_S32 },
	[MEMPLUG_A_EVENT_REASON] = {
		.name = "reason",
		.type = MP_PROTO_STRING,
	},
	[MEMPLUG_A_EVENT_BLOCKS_DONE] = {
		.name = "blocks-done",
		.type = MP_PROTO_U32,
	},
	[MEMPLUG_A_EVENT_BLOCKS_TOTAL] = {
		.name = "blocks-total",
		.type = MP_PROTO_U32,
	},
};

const struct mp_proto_attr_set mp_proto_sets[MP_PROTO_NR_SETS] = {
	[MP_PROTO_SET_STATUS] = {
		.name = "status",
		.max = MEMPLUG_A_STATUS_MAX,
		.attrs = mp_proto_status_attrs,
	},
	[MP_PROTO_SET_RANGE] = {
		.name = "range",
		.max = MEMPLUG_A_RANGE_MAX,
		.attrs = mp_proto_range_attrs,
	},
	[MP_PROTO_SET_MEMTYPE] = {
		.name = "memtype",
		.max = MEMPLUG_A_MEMTYPE_MAX,
		.attrs = mp_proto_memtype_attrs,
	},
	[MP_PROTO_SET_EXCLUDE] = {
		.name = "exclude",
		.max = MEMPLUG_A_EXCLUDE_MAX,
		.attrs = mp_proto_exclude_attrs,
	},
	[MP_PROTO_SET_BLOCK] = {
		.name = "block",
		.max = MEMPLUG_A_BLOCK_MAX,
		.attrs = mp_proto_block_attrs,
	},
	[MP_PROTO_SET_EVENT] = {
		.name = "event",
		.max = MEMPLUG_A_EVENT_MAX,
		.attrs = mp_proto_event_attrs,
	},
};

static const uint16_t mp_proto_range_add_request[] = {
	MEMPLUG_A_RANGE_START,
	MEMPLUG_A_RANGE_SIZE,
	MEMPLUG_A_RANGE_NODE,
	MEMPLUG_A_RANGE_NAME,
	MEMPLUG_A_RANGE_ZONE_POLICY,
	MEMPLUG_A_RANGE_PROTECT,
	MEMPLUG_A_RANGE_VERIFY,
	MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY,
	MEMPLUG_A_RANGE_HOLD,
	MEMPLUG_A_RANGE_EXCLUDE,
	MEMPLUG_A_RANGE_DEFER_ONLINE,
	MEMPLUG_A_RANGE_FORCE,
	MEMPLUG_A_RANGE_TIER,
	MEMPLUG_A_RANGE_ADISTANCE,
};

static const uint16_t mp_proto_range_del_request[] = {
	MEMPLUG_A_RANGE_ID,
};

static const uint16_t mp_proto_range_get_request[] = {
	MEMPLUG_A_RANGE_ID,
};

static const uint16_t mp_proto_range_set_request[] = {
	MEMPLUG_A_RANGE_ID,
	MEMPLUG_A_RANGE_ZONE_POLICY,
	MEMPLUG_A_RANGE_PROTECT,
	MEMPLUG_A_RANGE_COMMIT,
};

static const uint16_t mp_proto_block_get_request[] = {
	MEMPLUG_A_BLOCK_RANGE_ID,
};

static const uint16_t mp_proto_event_get_request[] = {
	MEMPLUG_A_EVENT_SEQ,
};

static const uint16_t mp_proto_range_cancel_request[] = {
	MEMPLUG_A_RANGE_ID,
};

const struct mp_proto_op mp_proto_ops[MP_PROTO_NR_OPS] = {
	{
		.name = "status-get",
		.cmd = MEMPLUG_CMD_STATUS_GET,
		.set = MP_PROTO_SET_STATUS,
		.doit = true,
	},
	{
		.name = "range-add",
		.cmd = MEMPLUG_CMD_RANGE_ADD,
		.set = MP_PROTO_SET_RANGE,
		.doit = true,
		.n_request = sizeof(mp_proto_range_add_request) / sizeof(mp_proto_range_add_request[0]),
		.request = mp_proto_range_add_request,
	},
	{
		.name = "range-del",
		.cmd = MEMPLUG_CMD_RANGE_DEL,
		.set = MP_PROTO_SET_RANGE,
		.doit = true,
		.n_request = sizeof(mp_proto_range_del_request) / sizeof(mp_proto_range_del_request[0]),
		.request = mp_proto_range_del_request,
	},
	{
		.name = "range-get",
		.cmd = MEMPLUG_CMD_RANGE_GET,
		.set = MP_PROTO_SET_RANGE,
		.doit = true,
		.dump = true,
		.n_request = sizeof(mp_proto_range_get_request) / sizeof(mp_proto_range_get_request[0]),
		.request = mp_proto_range_get_request,
	},
	{
		.name = "range-set",
		.cmd = MEMPLUG_CMD_RANGE_SET,
		.set = MP_PROTO_SET_RANGE,
		.doit = true,
		.n_request = sizeof(mp_proto_range_set_request) / sizeof(mp_proto_range_set_request[0]),
		.request = mp_proto_range_set_request,
	},
	{
		.name = "block-get",
		.cmd = MEMPLUG_CMD_BLOCK_GET,
		.set = MP_PROTO_SET_BLOCK,
		.dump = true,
		.n_request = sizeof(mp_proto_block_get_request) / sizeof(mp_proto_block_get_request[0]),
		.request = mp_proto_block_get_request,
	},
	{
		.name = "event-get",
		.cmd = MEMPLUG_CMD_EVENT_GET,
		.set = MP_PROTO_SET_EVENT,
		.dump = true,
		.n_request = sizeof(mp_proto_event_get_request) / sizeof(mp_proto_event_get_request[0]),
		.request = mp_proto_event_get_request,
	},
	{
		.name = "event-ntf",
		.cmd = MEMPLUG_CMD_EVENT_NTF,
		.set = MP_PROTO_SET_EVENT,
		.event = true,
	},
	{
		.name = "range-cancel",
		.cmd = MEMPLUG_CMD_RANGE_CANCEL,
		.set = MP_PROTO_SET_RANGE,
		.doit = true,
		.n_request = sizeof(mp_proto_range_cancel_request) / sizeof(mp_proto_range_cancel_request[0]),
		.request = mp_proto_range_cancel_request,
	},
};

const struct mp_proto_op *mp_proto_op(uint32_t cmd)
{
	size_t i;

	for (i = 0; i < MP_PROTO_NR_OPS; i++)
		if (mp_proto_ops[i].cmd == cmd)
			return &mp_proto_ops[i];
	return NULL;
}

const char *mp_proto_range_state_str(uint32_t v)
{
	static const char *const names[MEMPLUG_RANGE_STATE_MAX + 1] = {
		[MEMPLUG_RANGE_STATE_PLUGGING] = "plugging",
		[MEMPLUG_RANGE_STATE_PLUGGED] = "plugged",
		[MEMPLUG_RANGE_STATE_UNPLUGGING] = "unplugging",
		[MEMPLUG_RANGE_STATE_FAILED] = "failed",
	};

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : NULL;
}

const char *mp_proto_zone_policy_str(uint32_t v)
{
	static const char *const names[MEMPLUG_ZONE_POLICY_MAX + 1] = {
		[MEMPLUG_ZONE_POLICY_ANY] = "any",
		[MEMPLUG_ZONE_POLICY_MOVABLE] = "movable",
		[MEMPLUG_ZONE_POLICY_KERNEL] = "kernel",
	};

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : NULL;
}

const char *mp_proto_block_state_str(uint32_t v)
{
	static const char *const names[MEMPLUG_BLOCK_STATE_MAX + 1] = {
		[MEMPLUG_BLOCK_STATE_OFFLINE] = "offline",
		[MEMPLUG_BLOCK_STATE_ONLINE] = "online",
	};

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : NULL;
}

const char *mp_proto_online_cb_str(uint32_t v)
{
	static const char *const names[MEMPLUG_ONLINE_CB_MAX + 1] = {
		[MEMPLUG_ONLINE_CB_MEMPLUG] = "memplug",
		[MEMPLUG_ONLINE_CB_UNAVAILABLE] = "unavailable",
		[MEMPLUG_ONLINE_CB_IDLE] = "idle",
	};

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : NULL;
}

const char *mp_proto_tier_str(uint32_t v)
{
	static const char *const names[MEMPLUG_TIER_MAX + 1] = {
		[MEMPLUG_TIER_AUTO] = "auto",
		[MEMPLUG_TIER_DRAM] = "dram",
		[MEMPLUG_TIER_SLOW] = "slow",
		[MEMPLUG_TIER_ADISTANCE] = "adistance",
	};

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : NULL;
}

const char *mp_proto_event_action_str(uint32_t v)
{
	static const char *const names[MEMPLUG_EVENT_MAX + 1] = {
		[MEMPLUG_EVENT_GOING_ONLINE] = "going-online",
		[MEMPLUG_EVENT_ONLINE] = "online",
		[MEMPLUG_EVENT_GOING_OFFLINE] = "going-offline",
		[MEMPLUG_EVENT_OFFLINE] = "offline",
		[MEMPLUG_EVENT_CANCEL_ONLINE] = "cancel-online",
		[MEMPLUG_EVENT_CANCEL_OFFLINE] = "cancel-offline",
		[MEMPLUG_EVENT_PLUG] = "plug",
		[MEMPLUG_EVENT_UNPLUG] = "unplug",
		[MEMPLUG_EVENT_VERIFY_FAIL] = "verify-fail",
		[MEMPLUG_EVENT_FAILED] = "failed",
		[MEMPLUG_EVENT_NODE_ONLINE] = "node-online",
		[MEMPLUG_EVENT_NODE_OFFLINE] = "node-offline",
		[MEMPLUG_EVENT_PLUG_FAILED] = "plug-failed",
		[MEMPLUG_EVENT_UNPLUG_FAILED] = "unplug-failed",
	};

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : NULL;
}
