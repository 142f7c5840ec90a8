// SPDX-License-Identifier: GPL-2.0
// Generated from memplug.yaml by scripts/gen-proto.py; do not edit.
//
// libnl's policies for the attribute sets the controller decodes, one
// array per set by attribute number: what libnl checks before a value
// is read (the minimum length of each type, a string's NUL). s32 is
// NLA_U32 here: the kernel sends it four bytes long, and libnl's
// NLA_S32 has no minimum length to check.
#pragma once

#include <array>

#include <linux/memplug.h>
#include <netlink/attr.h>

namespace memplug::proto::nl {

inline constexpr auto status = [] {
	std::array<nla_policy, MEMPLUG_A_STATUS_MAX + 1> p{};
	p[MEMPLUG_A_STATUS_VERSION].type = NLA_STRING;
	p[MEMPLUG_A_STATUS_BLOCK_SIZE].type = NLA_U64;
	p[MEMPLUG_A_STATUS_PLUGGABLE_START].type = NLA_U64;
	p[MEMPLUG_A_STATUS_PLUGGABLE_END].type = NLA_U64;
	p[MEMPLUG_A_STATUS_ONLINE_CB].type = NLA_U32;
	p[MEMPLUG_A_STATUS_ONLINE_CB_REASON].type = NLA_STRING;
	p[MEMPLUG_A_STATUS_RANGES].type = NLA_U32;
	p[MEMPLUG_A_STATUS_PLUGGED_BYTES].type = NLA_U64;
	p[MEMPLUG_A_STATUS_PLUGS].type = NLA_U64;
	p[MEMPLUG_A_STATUS_UNPLUGS].type = NLA_U64;
	p[MEMPLUG_A_STATUS_PLUG_FAILURES].type = NLA_U64;
	p[MEMPLUG_A_STATUS_UNPLUG_FAILURES].type = NLA_U64;
	p[MEMPLUG_A_STATUS_VETOES].type = NLA_U64;
	p[MEMPLUG_A_STATUS_EVENT_SEQ].type = NLA_U64;
	p[MEMPLUG_A_STATUS_EVENT_OLDEST].type = NLA_U64;
	p[MEMPLUG_A_STATUS_EVENT_RING_SIZE].type = NLA_U32;
	p[MEMPLUG_A_STATUS_OBJECTS].type = NLA_U32;
	p[MEMPLUG_A_STATUS_KDUMP].type = NLA_FLAG;
	p[MEMPLUG_A_STATUS_ONLINE_CB_RANGES].type = NLA_U32;
	p[MEMPLUG_A_STATUS_MEMTYPE].type = NLA_NESTED;
	return p;
}();

inline constexpr auto range = [] {
	std::array<nla_policy, MEMPLUG_A_RANGE_MAX + 1> p{};
	p[MEMPLUG_A_RANGE_ID].type = NLA_U32;
	p[MEMPLUG_A_RANGE_START].type = NLA_U64;
	p[MEMPLUG_A_RANGE_SIZE].type = NLA_U64;
	p[MEMPLUG_A_RANGE_NODE].type = NLA_U32;
	p[MEMPLUG_A_RANGE_NAME].type = NLA_STRING;
	p[MEMPLUG_A_RANGE_STATE].type = NLA_U32;
	p[MEMPLUG_A_RANGE_ZONE_POLICY].type = NLA_U32;
	p[MEMPLUG_A_RANGE_PROTECT].type = NLA_U8;
	p[MEMPLUG_A_RANGE_VERIFY].type = NLA_FLAG;
	p[MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY].type = NLA_FLAG;
	p[MEMPLUG_A_RANGE_HOLD].type = NLA_FLAG;
	p[MEMPLUG_A_RANGE_COMMIT].type = NLA_FLAG;
	p[MEMPLUG_A_RANGE_EXCLUDE].type = NLA_NESTED;
	p[MEMPLUG_A_RANGE_GROUP_ID].type = NLA_U32;
	p[MEMPLUG_A_RANGE_BLOCKS].type = NLA_U32;
	p[MEMPLUG_A_RANGE_BLOCKS_ONLINE].type = NLA_U32;
	p[MEMPLUG_A_RANGE_PAGES_ONLINE].type = NLA_U64;
	p[MEMPLUG_A_RANGE_PAGES_EXCLUDED].type = NLA_U64;
	p[MEMPLUG_A_RANGE_PAGES_VERIFIED].type = NLA_U64;
	p[MEMPLUG_A_RANGE_PAGES_BAD].type = NLA_U64;
	p[MEMPLUG_A_RANGE_ADD_NS].type = NLA_U64;
	p[MEMPLUG_A_RANGE_REMOVE_NS].type = NLA_U64;
	p[MEMPLUG_A_RANGE_ONLINE_NS].type = NLA_U64;
	p[MEMPLUG_A_RANGE_OFFLINE_NS].type = NLA_U64;
	p[MEMPLUG_A_RANGE_FAIL_BLOCK].type = NLA_U32;
	p[MEMPLUG_A_RANGE_FAIL_ERRNO].type = NLA_U32;
	p[MEMPLUG_A_RANGE_DEFER_ONLINE].type = NLA_FLAG;
	p[MEMPLUG_A_RANGE_FORCE].type = NLA_FLAG;
	p[MEMPLUG_A_RANGE_BLOCKS_PRESENT].type = NLA_U32;
	p[MEMPLUG_A_RANGE_ROLLBACK_ATTEMPTS].type = NLA_U32;
	p[MEMPLUG_A_RANGE_PLUGGED_BY].type = NLA_STRING;
	p[MEMPLUG_A_RANGE_FAIL_REASON].type = NLA_STRING;
	p[MEMPLUG_A_RANGE_BLOCKS_DONE].type = NLA_U32;
	p[MEMPLUG_A_RANGE_BYTES_DONE].type = NLA_U64;
	p[MEMPLUG_A_RANGE_TIER].type = NLA_U32;
	p[MEMPLUG_A_RANGE_ADISTANCE].type = NLA_U32;
	return p;
}();

inline constexpr auto memtype = [] {
	std::array<nla_policy, MEMPLUG_A_MEMTYPE_MAX + 1> p{};
	p[MEMPLUG_A_MEMTYPE_NODE].type = NLA_U32;
	p[MEMPLUG_A_MEMTYPE_ADISTANCE].type = NLA_U32;
	p[MEMPLUG_A_MEMTYPE_RANGES].type = NLA_U32;
	return p;
}();

inline constexpr auto exclude = [] {
	std::array<nla_policy, MEMPLUG_A_EXCLUDE_MAX + 1> p{};
	p[MEMPLUG_A_EXCLUDE_START].type = NLA_U64;
	p[MEMPLUG_A_EXCLUDE_SIZE].type = NLA_U64;
	return p;
}();

inline constexpr auto block = [] {
	std::array<nla_policy, MEMPLUG_A_BLOCK_MAX + 1> p{};
	p[MEMPLUG_A_BLOCK_ID].type = NLA_U32;
	p[MEMPLUG_A_BLOCK_RANGE_ID].type = NLA_U32;
	p[MEMPLUG_A_BLOCK_START].type = NLA_U64;
	p[MEMPLUG_A_BLOCK_SIZE].type = NLA_U64;
	p[MEMPLUG_A_BLOCK_STATE].type = NLA_U32;
	p[MEMPLUG_A_BLOCK_ZONE].type = NLA_STRING;
	p[MEMPLUG_A_BLOCK_NODE].type = NLA_U32;
	return p;
}();

inline constexpr auto event = [] {
	std::array<nla_policy, MEMPLUG_A_EVENT_MAX + 1> p{};
	p[MEMPLUG_A_EVENT_SEQ].type = NLA_U64;
	p[MEMPLUG_A_EVENT_TIME_NS].type = NLA_U64;
	p[MEMPLUG_A_EVENT_REALTIME_NS].type = NLA_U64;
	p[MEMPLUG_A_EVENT_ACTION].type = NLA_U32;
	p[MEMPLUG_A_EVENT_START_PFN].type = NLA_U64;
	p[MEMPLUG_A_EVENT_NR_PAGES].type = NLA_U64;
	p[MEMPLUG_A_EVENT_START].type = NLA_U64;
	p[MEMPLUG_A_EVENT_SIZE].type = NLA_U64;
	p[MEMPLUG_A_EVENT_BLOCK].type = NLA_U32;
	p[MEMPLUG_A_EVENT_NODE].type = NLA_U32;
	p[MEMPLUG_A_EVENT_ZONE].type = NLA_STRING;
	p[MEMPLUG_A_EVENT_STATUS_CHANGE_NID].type = NLA_U32;
	p[MEMPLUG_A_EVENT_STATUS_CHANGE_NID_NORMAL].type = NLA_U32;
	p[MEMPLUG_A_EVENT_RANGE_ID].type = NLA_U32;
	p[MEMPLUG_A_EVENT_VETO_ERRNO].type = NLA_U32;
	p[MEMPLUG_A_EVENT_VETO_REASON].type = NLA_STRING;
	p[MEMPLUG_A_EVENT_ERROR].type = NLA_U32;
	p[MEMPLUG_A_EVENT_REASON].type = NLA_STRING;
	p[MEMPLUG_A_EVENT_BLOCKS_DONE].type = NLA_U32;
	p[MEMPLUG_A_EVENT_BLOCKS_TOTAL].type = NLA_U32;
	return p;
}();

} // namespace memplug::proto::nl
