// SPDX-License-Identifier: GPL-2.0
// Generated from memplug.yaml by scripts/gen-proto.py; do not edit.
//
// The protocol as include/uapi/linux/memplug.yaml describes it: every
// attribute with the type of its payload, every attribute set as a
// table by attribute number, the spec's names of the values of every
// enum. Nothing here needs libnl (its policies are in
// src/nl_policy.gen.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <linux/memplug.h>

namespace memplug::proto {

// What an attribute's payload is.
enum class Type : std::uint8_t {
	Unused,
	Pad,
	Flag,
	U8,
	U16,
	U32,
	U64,
	S32,
	String,
	Nest,
};

// The C++ type of a scalar payload.
template <Type T>
struct ValueOf {
};
template <>
struct ValueOf<Type::U8> {
	using type = std::uint8_t;
};
template <>
struct ValueOf<Type::U16> {
	using type = std::uint16_t;
};
template <>
struct ValueOf<Type::U32> {
	using type = std::uint32_t;
};
template <>
struct ValueOf<Type::U64> {
	using type = std::uint64_t;
};
template <>
struct ValueOf<Type::S32> {
	using type = std::int32_t;
};
template <Type T>
using value_t = typename ValueOf<T>::type;

// The fewest bytes a valid payload has: a string its NUL.
constexpr std::size_t min_len(Type type)
{
	switch (type) {
	case Type::U8:
		return 1;
	case Type::U16:
		return 2;
	case Type::U32:
	case Type::S32:
		return 4;
	case Type::U64:
		return 8;
	case Type::String:
		return 1;
	default:
		return 0;
	}
}

// One attribute of a set, by its number and the type of its payload.
template <std::uint16_t Id, Type T>
struct AttrId {
	static constexpr std::uint16_t id = Id;
	static constexpr Type type = T;
};

// An attribute as the spec describes it; a number no attribute has
// has an empty name.
struct Attr {
	std::string_view name;
	Type type = Type::Unused;
	std::string_view nested; // the set inside a Type::Nest
	bool multi = false;      // may repeat
};

// Attribute set status: MEMPLUG_A_STATUS_*.
namespace status {
inline constexpr AttrId<MEMPLUG_A_STATUS_VERSION, Type::String> version{};
inline constexpr AttrId<MEMPLUG_A_STATUS_BLOCK_SIZE, Type::U64> block_size{};
inline constexpr AttrId<MEMPLUG_A_STATUS_PLUGGABLE_START, Type::U64> pluggable_start{};
inline constexpr AttrId<MEMPLUG_A_STATUS_PLUGGABLE_END, Type::U64> pluggable_end{};
inline constexpr AttrId<MEMPLUG_A_STATUS_ONLINE_CB, Type::U32> online_cb{};
inline constexpr AttrId<MEMPLUG_A_STATUS_ONLINE_CB_REASON, Type::String> online_cb_reason{};
inline constexpr AttrId<MEMPLUG_A_STATUS_RANGES, Type::U32> ranges{};
inline constexpr AttrId<MEMPLUG_A_STATUS_PLUGGED_BYTES, Type::U64> plugged_bytes{};
inline constexpr AttrId<MEMPLUG_A_STATUS_PLUGS, Type::U64> plugs{};
inline constexpr AttrId<MEMPLUG_A_STATUS_UNPLUGS, Type::U64> unplugs{};
inline constexpr AttrId<MEMPLUG_A_STATUS_PLUG_FAILURES, Type::U64> plug_failures{};
inline constexpr AttrId<MEMPLUG_A_STATUS_UNPLUG_FAILURES, Type::U64> unplug_failures{};
inline constexpr AttrId<MEMPLUG_A_STATUS_VETOES, Type::U64> vetoes{};
inline constexpr AttrId<MEMPLUG_A_STATUS_EVENT_SEQ, Type::U64> event_seq{};
inline constexpr AttrId<MEMPLUG_A_STATUS_EVENT_OLDEST, Type::U64> event_oldest{};
inline constexpr AttrId<MEMPLUG_A_STATUS_EVENT_RING_SIZE, Type::U32> event_ring_size{};
inline constexpr AttrId<MEMPLUG_A_STATUS_OBJECTS, Type::U32> objects{};
inline constexpr AttrId<MEMPLUG_A_STATUS_KDUMP, Type::Flag> kdump{};
inline constexpr AttrId<MEMPLUG_A_STATUS_ONLINE_CB_RANGES, Type::U32> online_cb_ranges{};
inline constexpr AttrId<MEMPLUG_A_STATUS_MEMTYPE, Type::Nest> memtype{};
} // namespace status

inline constexpr auto status_attrs = [] {
	std::array<Attr, MEMPLUG_A_STATUS_MAX + 1> a{};
	a[MEMPLUG_A_STATUS_UNSPEC] = {"unspec", Type::Unused, "", false};
	a[MEMPLUG_A_STATUS_PAD] = {"pad", Type::Pad, "", false};
	a[MEMPLUG_A_STATUS_VERSION] = {"version", Type::String, "", false};
	a[MEMPLUG_A_STATUS_BLOCK_SIZE] = {"block-size", Type::U64, "", false};
	a[MEMPLUG_A_STATUS_PLUGGABLE_START] = {"pluggable-start", Type::U64, "", false};
	a[MEMPLUG_A_STATUS_PLUGGABLE_END] = {"pluggable-end", Type::U64, "", false};
	a[MEMPLUG_A_STATUS_ONLINE_CB] = {"online-cb", Type::U32, "", false};
	a[MEMPLUG_A_STATUS_ONLINE_CB_REASON] = {"online-cb-reason", Type::String, "", false};
	a[MEMPLUG_A_STATUS_RANGES] = {"ranges", Type::U32, "", false};
	a[MEMPLUG_A_STATUS_PLUGGED_BYTES] = {"plugged-bytes", Type::U64, "", false};
	a[MEMPLUG_A_STATUS_PLUGS] = {"plugs", Type::U64, "", false};
	a[MEMPLUG_A_STATUS_UNPLUGS] = {"unplugs", Type::U64, "", false};
	a[MEMPLUG_A_STATUS_PLUG_FAILURES] = {"plug-failures", Type::U64, "", false};
	a[MEMPLUG_A_STATUS_UNPLUG_FAILURES] = {"unplug-failures", Type::U64, "", false};
	a[MEMPLUG_A_STATUS_VETOES] = {"vetoes", Type::U64, "", false};
	a[MEMPLUG_A_STATUS_EVENT_SEQ] = {"event-seq", Type::U64, "", false};
	a[MEMPLUG_A_STATUS_EVENT_OLDEST] = {"event-oldest", Type::U64, "", false};
	a[MEMPLUG_A_STATUS_EVENT_RING_SIZE] = {"event-ring-size", Type::U32, "", false};
	a[MEMPLUG_A_STATUS_OBJECTS] = {"objects", Type::U32, "", false};
	a[MEMPLUG_A_STATUS_KDUMP] = {"kdump", Type::Flag, "", false};
	a[MEMPLUG_A_STATUS_ONLINE_CB_RANGES] = {"online-cb-ranges", Type::U32, "", false};
	a[MEMPLUG_A_STATUS_MEMTYPE] = {"memtype", Type::Nest, "memtype", true};
	return a;
}();

// Attribute set range: MEMPLUG_A_RANGE_*.
namespace range {
inline constexpr AttrId<MEMPLUG_A_RANGE_ID, Type::U32> id{};
inline constexpr AttrId<MEMPLUG_A_RANGE_START, Type::U64> start{};
inline constexpr AttrId<MEMPLUG_A_RANGE_SIZE, Type::U64> size{};
inline constexpr AttrId<MEMPLUG_A_RANGE_NODE, Type::U32> node{};
inline constexpr AttrId<MEMPLUG_A_RANGE_NAME, Type::String> name{};
inline constexpr AttrId<MEMPLUG_A_RANGE_STATE, Type::U32> state{};
inline constexpr AttrId<MEMPLUG_A_RANGE_ZONE_POLICY, Type::U32> zone_policy{};
inline constexpr AttrId<MEMPLUG_A_RANGE_PROTECT, Type::U8> protect{};
inline constexpr AttrId<MEMPLUG_A_RANGE_VERIFY, Type::Flag> verify{};
inline constexpr AttrId<MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY, Type::Flag> memmap_on_memory{};
inline constexpr AttrId<MEMPLUG_A_RANGE_HOLD, Type::Flag> hold{};
inline constexpr AttrId<MEMPLUG_A_RANGE_COMMIT, Type::Flag> commit{};
inline constexpr AttrId<MEMPLUG_A_RANGE_EXCLUDE, Type::Nest> exclude{};
inline constexpr AttrId<MEMPLUG_A_RANGE_GROUP_ID, Type::U32> group_id{};
inline constexpr AttrId<MEMPLUG_A_RANGE_BLOCKS, Type::U32> blocks{};
inline constexpr AttrId<MEMPLUG_A_RANGE_BLOCKS_ONLINE, Type::U32> blocks_online{};
inline constexpr AttrId<MEMPLUG_A_RANGE_PAGES_ONLINE, Type::U64> pages_online{};
inline constexpr AttrId<MEMPLUG_A_RANGE_PAGES_EXCLUDED, Type::U64> pages_excluded{};
inline constexpr AttrId<MEMPLUG_A_RANGE_PAGES_VERIFIED, Type::U64> pages_verified{};
inline constexpr AttrId<MEMPLUG_A_RANGE_PAGES_BAD, Type::U64> pages_bad{};
inline constexpr AttrId<MEMPLUG_A_RANGE_ADD_NS, Type::U64> add_ns{};
inline constexpr AttrId<MEMPLUG_A_RANGE_REMOVE_NS, Type::U64> remove_ns{};
inline constexpr AttrId<MEMPLUG_A_RANGE_ONLINE_NS, Type::U64> online_ns{};
inline constexpr AttrId<MEMPLUG_A_RANGE_OFFLINE_NS, Type::U64> offline_ns{};
inline constexpr AttrId<MEMPLUG_A_RANGE_FAIL_BLOCK, Type::U32> fail_block{};
inline constexpr AttrId<MEMPLUG_A_RANGE_FAIL_ERRNO, Type::S32> fail_errno{};
inline constexpr AttrId<MEMPLUG_A_RANGE_DEFER_ONLINE, Type::Flag> defer_online{};
inline constexpr AttrId<MEMPLUG_A_RANGE_FORCE, Type::Flag> force{};
inline constexpr AttrId<MEMPLUG_A_RANGE_BLOCKS_PRESENT, Type::U32> blocks_present{};
inline constexpr AttrId<MEMPLUG_A_RANGE_ROLLBACK_ATTEMPTS, Type::U32> rollback_attempts{};
inline constexpr AttrId<MEMPLUG_A_RANGE_PLUGGED_BY, Type::String> plugged_by{};
inline constexpr AttrId<MEMPLUG_A_RANGE_FAIL_REASON, Type::String> fail_reason{};
inline constexpr AttrId<MEMPLUG_A_RANGE_BLOCKS_DONE, Type::U32> blocks_done{};
inline constexpr AttrId<MEMPLUG_A_RANGE_BYTES_DONE, Type::U64> bytes_done{};
inline constexpr AttrId<MEMPLUG_A_RANGE_TIER, Type::U32> tier{};
inline constexpr AttrId<MEMPLUG_A_RANGE_ADISTANCE, Type::U32> adistance{};
} // namespace range

inline constexpr auto range_attrs = [] {
	std::array<Attr, MEMPLUG_A_RANGE_MAX + 1> a{};
	a[MEMPLUG_A_RANGE_UNSPEC] = {"unspec", Type::Unused, "", false};
	a[MEMPLUG_A_RANGE_PAD] = {"pad", Type::Pad, "", false};
	a[MEMPLUG_A_RANGE_ID] = {"id", Type::U32, "", false};
	a[MEMPLUG_A_RANGE_START] = {"start", Type::U64, "", false};
	a[MEMPLUG_A_RANGE_SIZE] = {"size", Type::U64, "", false};
	a[MEMPLUG_A_RANGE_NODE] = {"node", Type::U32, "", false};
	a[MEMPLUG_A_RANGE_NAME] = {"name", Type::String, "", false};
	a[MEMPLUG_A_RANGE_STATE] = {"state", Type::U32, "", false};
	a[MEMPLUG_A_RANGE_ZONE_POLICY] = {"zone-policy", Type::U32, "", false};
	a[MEMPLUG_A_RANGE_PROTECT] = {"protect", Type::U8, "", false};
	a[MEMPLUG_A_RANGE_VERIFY] = {"verify", Type::Flag, "", false};
	a[MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY] = {"memmap-on-memory", Type::Flag, "", false};
	a[MEMPLUG_A_RANGE_HOLD] = {"hold", Type::Flag, "", false};
	a[MEMPLUG_A_RANGE_COMMIT] = {"commit", Type::Flag, "", false};
	a[MEMPLUG_A_RANGE_EXCLUDE] = {"exclude", Type::Nest, "exclude", true};
	a[MEMPLUG_A_RANGE_GROUP_ID] = {"group-id", Type::U32, "", false};
	a[MEMPLUG_A_RANGE_BLOCKS] = {"blocks", Type::U32, "", false};
	a[MEMPLUG_A_RANGE_BLOCKS_ONLINE] = {"blocks-online", Type::U32, "", false};
	a[MEMPLUG_A_RANGE_PAGES_ONLINE] = {"pages-online", Type::U64, "", false};
	a[MEMPLUG_A_RANGE_PAGES_EXCLUDED] = {"pages-excluded", Type::U64, "", false};
	a[MEMPLUG_A_RANGE_PAGES_VERIFIED] = {"pages-verified", Type::U64, "", false};
	a[MEMPLUG_A_RANGE_PAGES_BAD] = {"pages-bad", Type::U64, "", false};
	a[MEMPLUG_A_RANGE_ADD_NS] = {"add-ns", Type::U64, "", false};
	a[MEMPLUG_A_RANGE_REMOVE_NS] = {"remove-ns", Type::U64, "", false};
	a[MEMPLUG_A_RANGE_ONLINE_NS] = {"online-ns", Type::U64, "", false};
	a[MEMPLUG_A_RANGE_OFFLINE_NS] = {"offline-ns", Type::U64, "", false};
	a[MEMPLUG_A_RANGE_FAIL_BLOCK] = {"fail-block", Type::U32, "", false};
	a[MEMPLUG_A_RANGE_FAIL_ERRNO] = {"fail-errno", Type::S32, "", false};
	a[MEMPLUG_A_RANGE_DEFER_ONLINE] = {"defer-online", Type::Flag, "", false};
	a[MEMPLUG_A_RANGE_FORCE] = {"force", Type::Flag, "", false};
	a[MEMPLUG_A_RANGE_BLOCKS_PRESENT] = {"blocks-present", Type::U32, "", false};
	a[MEMPLUG_A_RANGE_ROLLBACK_ATTEMPTS] = {"rollback-attempts", Type::U32, "", false};
	a[MEMPLUG_A_RANGE_PLUGGED_BY] = {"plugged-by", Type::String, "", false};
	a[MEMPLUG_A_RANGE_FAIL_REASON] = {"fail-reason", Type::String, "", false};
	a[MEMPLUG_A_RANGE_BLOCKS_DONE] = {"blocks-done", Type::U32, "", false};
	a[MEMPLUG_A_RANGE_BYTES_DONE] = {"bytes-done", Type::U64, "", false};
	a[MEMPLUG_A_RANGE_TIER] = {"tier", Type::U32, "", false};
	a[MEMPLUG_A_RANGE_ADISTANCE] = {"adistance", Type::U32, "", false};
	return a;
}();

// Attribute set memtype: MEMPLUG_A_MEMTYPE_*.
namespace memtype {
inline constexpr AttrId<MEMPLUG_A_MEMTYPE_NODE, Type::U32> node{};
inline constexpr AttrId<MEMPLUG_A_MEMTYPE_ADISTANCE, Type::U32> adistance{};
inline constexpr AttrId<MEMPLUG_A_MEMTYPE_RANGES, Type::U32> ranges{};
} // namespace memtype

inline constexpr auto memtype_attrs = [] {
	std::array<Attr, MEMPLUG_A_MEMTYPE_MAX + 1> a{};
	a[MEMPLUG_A_MEMTYPE_UNSPEC] = {"unspec", Type::Unused, "", false};
	a[MEMPLUG_A_MEMTYPE_PAD] = {"pad", Type::Pad, "", false};
	a[MEMPLUG_A_MEMTYPE_NODE] = {"node", Type::U32, "", false};
	a[MEMPLUG_A_MEMTYPE_ADISTANCE] = {"adistance", Type::U32, "", false};
	a[MEMPLUG_A_MEMTYPE_RANGES] = {"ranges", Type::U32, "", false};
	return a;
}();

// Attribute set exclude: MEMPLUG_A_EXCLUDE_*.
namespace exclude {
inline constexpr AttrId<MEMPLUG_A_EXCLUDE_START, Type::U64> start{};
inline constexpr AttrId<MEMPLUG_A_EXCLUDE_SIZE, Type::U64> size{};
} // namespace exclude

inline constexpr auto exclude_attrs = [] {
	std::array<Attr, MEMPLUG_A_EXCLUDE_MAX + 1> a{};
	a[MEMPLUG_A_EXCLUDE_UNSPEC] = {"unspec", Type::Unused, "", false};
	a[MEMPLUG_A_EXCLUDE_PAD] = {"pad", Type::Pad, "", false};
	a[MEMPLUG_A_EXCLUDE_START] = {"start", Type::U64, "", false};
	a[MEMPLUG_A_EXCLUDE_SIZE] = {"size", Type::U64, "", false};
	return a;
}();

// Attribute set block: MEMPLUG_A_BLOCK_*.
namespace block {
inline constexpr AttrId<MEMPLUG_A_BLOCK_ID, Type::U32> id{};
inline constexpr AttrId<MEMPLUG_A_BLOCK_RANGE_ID, Type::U32> range_id{};
inline constexpr AttrId<MEMPLUG_A_BLOCK_START, Type::U64> start{};
inline constexpr AttrId<MEMPLUG_A_BLOCK_SIZE, Type::U64> size{};
inline constexpr AttrId<MEMPLUG_A_BLOCK_STATE, Type::U32> state{};
inline constexpr AttrId<MEMPLUG_A_BLOCK_ZONE, Type::String> zone{};
inline constexpr AttrId<MEMPLUG_A_BLOCK_NODE, Type::U32> node{};
} // namespace block

inline constexpr auto block_attrs = [] {
	std::array<Attr, MEMPLUG_A_BLOCK_MAX + 1> a{};
	a[MEMPLUG_A_BLOCK_UNSPEC] = {"unspec", Type::Unused, "", false};
	a[MEMPLUG_A_BLOCK_PAD] = {"pad", Type::Pad, "", false};
	a[MEMPLUG_A_BLOCK_ID] = {"id", Type::U32, "", false};
	a[MEMPLUG_A_BLOCK_RANGE_ID] = {"range-id", Type::U32, "", false};
	a[MEMPLUG_A_BLOCK_START] = {"start", Type::U64, "", false};
	a[MEMPLUG_A_BLOCK_SIZE] = {"size", Type::U64, "", false};
	a[MEMPLUG_A_BLOCK_STATE] = {"state", Type::U32, "", false};
	a[MEMPLUG_A_BLOCK_ZONE] = {"zone", Type::String, "", false};
	a[MEMPLUG_A_BLOCK_NODE] = {"node", Type::U32, "", false};
	return a;
}();

// Attribute set event: MEMPLUG_A_EVENT_*.
namespace event {
inline constexpr AttrId<MEMPLUG_A_EVENT_SEQ, Type::U64> seq{};
inline constexpr AttrId<MEMPLUG_A_EVENT_TIME_NS, Type::U64> time_ns{};
inline constexpr AttrId<MEMPLUG_A_EVENT_REALTIME_NS, Type::U64> realtime_ns{};
inline constexpr AttrId<MEMPLUG_A_EVENT_ACTION, Type::U32> action{};
inline constexpr AttrId<MEMPLUG_A_EVENT_START_PFN, Type::U64> start_pfn{};
inline constexpr AttrId<MEMPLUG_A_EVENT_NR_PAGES, Type::U64> nr_pages{};
inline constexpr AttrId<MEMPLUG_A_EVENT_START, Type::U64> start{};
inline constexpr AttrId<MEMPLUG_A_EVENT_SIZE, Type::U64> size{};
inline constexpr AttrId<MEMPLUG_A_EVENT_BLOCK, Type::U32> block{};
inline constexpr AttrId<MEMPLUG_A_EVENT_NODE, Type::S32> node{};
inline constexpr AttrId<MEMPLUG_A_EVENT_ZONE, Type::String> zone{};
inline constexpr AttrId<MEMPLUG_A_EVENT_STATUS_CHANGE_NID, Type::S32> status_change_nid{};
inline constexpr AttrId<MEMPLUG_A_EVENT_STATUS_CHANGE_NID_NORMAL, Type::S32> status_change_nid_normal{};
inline constexpr AttrId<MEMPLUG_A_EVENT_RANGE_ID, Type::U32> range_id{};
inline constexpr AttrId<MEMPLUG_A_EVENT_VETO_ERRNO, Type::S32> veto_errno{};
inline constexpr AttrId<MEMPLUG_A_EVENT_VETO_REASON, Type::String> veto_reason{};
inline constexpr AttrId<MEMPLUG_A_EVENT_ERROR, Type::S32> error{};
inline constexpr AttrId<MEMPLUG_A_EVENT_REASON, Type::String> reason{};
inline constexpr AttrId<MEMPLUG_A_EVENT_BLOCKS_DONE, Type::U32> blocks_done{};
inline constexpr AttrId<MEMPLUG_A_EVENT_BLOCKS_TOTAL, Type::U32> blocks_total{};
} // namespace event

inline constexpr auto event_attrs = [] {
	std::array<Attr, MEMPLUG_A_EVENT_MAX + 1> a{};
	a[MEMPLUG_A_EVENT_UNSPEC] = {"unspec", Type::Unused, "", false};
	a[MEMPLUG_A_EVENT_PAD] = {"pad", Type::Pad, "", false};
	a[MEMPLUG_A_EVENT_SEQ] = {"seq", Type::U64, "", false};
	a[MEMPLUG_A_EVENT_TIME_NS] = {"time-ns", Type::U64, "", false};
	a[MEMPLUG_A_EVENT_REALTIME_NS] = {"realtime-ns", Type::U64, "", false};
	a[MEMPLUG_A_EVENT_ACTION] = {"action", Type::U32, "", false};
	a[MEMPLUG_A_EVENT_START_PFN] = {"start-pfn", Type::U64, "", false};
	a[MEMPLUG_A_EVENT_NR_PAGES] = {"nr-pages", Type::U64, "", false};
	a[MEMPLUG_A_EVENT_START] = {"start", Type::U64, "", false};
	a[MEMPLUG_A_EVENT_SIZE] = {"size", Type::U64, "", false};
	a[MEMPLUG_A_EVENT_BLOCK] = {"block", Type::U32, "", false};
	a[MEMPLUG_A_EVENT_NODE] = {"node", Type::S32, "", false};
	a[MEMPLUG_A_EVENT_ZONE] = {"zone", Type::String, "", false};
	a[MEMPLUG_A_EVENT_STATUS_CHANGE_NID] = {"status-change-nid", Type::S32, "", false};
	a[MEMPLUG_A_EVENT_STATUS_CHANGE_NID_NORMAL] = {"status-change-nid-normal", Type::S32, "", false};
	a[MEMPLUG_A_EVENT_RANGE_ID] = {"range-id", Type::U32, "", false};
	a[MEMPLUG_A_EVENT_VETO_ERRNO] = {"veto-errno", Type::S32, "", false};
	a[MEMPLUG_A_EVENT_VETO_REASON] = {"veto-reason", Type::String, "", false};
	a[MEMPLUG_A_EVENT_ERROR] = {"error", Type::S32, "", false};
	a[MEMPLUG_A_EVENT_REASON] = {"reason", Type::String, "", false};
	a[MEMPLUG_A_EVENT_BLOCKS_DONE] = {"blocks-done", Type::U32, "", false};
	a[MEMPLUG_A_EVENT_BLOCKS_TOTAL] = {"blocks-total", Type::U32, "", false};
	return a;
}();

struct AttrSet {
	std::string_view name;
	const Attr *attrs; // by number
	std::size_t size;
};

inline constexpr AttrSet attr_sets[] = {
	{"status", status_attrs.data(), status_attrs.size()},
	{"range", range_attrs.data(), range_attrs.size()},
	{"memtype", memtype_attrs.data(), memtype_attrs.size()},
	{"exclude", exclude_attrs.data(), exclude_attrs.size()},
	{"block", block_attrs.data(), block_attrs.size()},
	{"event", event_attrs.data(), event_attrs.size()},
};

// The set called @name, or nullptr.
constexpr const AttrSet *find_attr_set(std::string_view name)
{
	for (const AttrSet &s : attr_sets)
		if (s.name == name)
			return &s;
	return nullptr;
}

// The spec's names of the values of enum memplug_range_state.
inline constexpr auto range_state_names = [] {
	std::array<std::string_view, MEMPLUG_RANGE_STATE_MAX + 1> n{};
	n[MEMPLUG_RANGE_STATE_PLUGGING] = "plugging";
	n[MEMPLUG_RANGE_STATE_PLUGGED] = "plugged";
	n[MEMPLUG_RANGE_STATE_UNPLUGGING] = "unplugging";
	n[MEMPLUG_RANGE_STATE_FAILED] = "failed";
	return n;
}();

// The name of range_state value @v; empty for a value the spec lacks.
constexpr std::string_view range_state_str(std::uint32_t v)
{
	return v < range_state_names.size() ? range_state_names[v] : std::string_view();
}

// The spec's names of the values of enum memplug_zone_policy.
inline constexpr auto zone_policy_names = [] {
	std::array<std::string_view, MEMPLUG_ZONE_POLICY_MAX + 1> n{};
	n[MEMPLUG_ZONE_POLICY_ANY] = "any";
	n[MEMPLUG_ZONE_POLICY_MOVABLE] = "movable";
	n[MEMPLUG_ZONE_POLICY_KERNEL] = "kernel";
	return n;
}();

// The name of zone_policy value @v; empty for a value the spec lacks.
constexpr std::string_view zone_policy_str(std::uint32_t v)
{
	return v < zone_policy_names.size() ? zone_policy_names[v] : std::string_view();
}

// The spec's names of the values of enum memplug_block_state.
inline constexpr auto block_state_names = [] {
	std::array<std::string_view, MEMPLUG_BLOCK_STATE_MAX + 1> n{};
	n[MEMPLUG_BLOCK_STATE_OFFLINE] = "offline";
	n[MEMPLUG_BLOCK_STATE_ONLINE] = "online";
	return n;
}();

// The name of block_state value @v; empty for a value the spec lacks.
constexpr std::string_view block_state_str(std::uint32_t v)
{
	return v < block_state_names.size() ? block_state_names[v] : std::string_view();
}

// The spec's names of the values of enum memplug_online_cb.
inline constexpr auto online_cb_names = [] {
	std::array<std::string_view, MEMPLUG_ONLINE_CB_MAX + 1> n{};
	n[MEMPLUG_ONLINE_CB_MEMPLUG] = "memplug";
	n[MEMPLUG_ONLINE_CB_UNAVAILABLE] = "unavailable";
	n[MEMPLUG_ONLINE_CB_IDLE] = "idle";
	return n;
}();

// The name of online_cb value @v; empty for a value the spec lacks.
constexpr std::string_view online_cb_str(std::uint32_t v)
{
	return v < online_cb_names.size() ? online_cb_names[v] : std::string_view();
}

// The spec's names of the values of enum memplug_tier.
inline constexpr auto tier_names = [] {
	std::array<std::string_view, MEMPLUG_TIER_MAX + 1> n{};
	n[MEMPLUG_TIER_AUTO] = "auto";
	n[MEMPLUG_TIER_DRAM] = "dram";
	n[MEMPLUG_TIER_SLOW] = "slow";
	n[MEMPLUG_TIER_ADISTANCE] = "adistance";
	return n;
}();

// The name of tier value @v; empty for a value the spec lacks.
constexpr std::string_view tier_str(std::uint32_t v)
{
	return v < tier_names.size() ? tier_names[v] : std::string_view();
}

// The spec's names of the values of enum memplug_event_action.
inline constexpr auto event_action_names = [] {
	std::array<std::string_view, MEMPLUG_EVENT_MAX + 1> n{};
	n[MEMPLUG_EVENT_GOING_ONLINE] = "going-online";
	n[MEMPLUG_EVENT_ONLINE] = "online";
	n[MEMPLUG_EVENT_GOING_OFFLINE] = "going-offline";
	n[MEMPLUG_EVENT_OFFLINE] = "offline";
	n[MEMPLUG_EVENT_CANCEL_ONLINE] = "cancel-online";
	n[MEMPLUG_EVENT_CANCEL_OFFLINE] = "cancel-offline";
	n[MEMPLUG_EVENT_PLUG] = "plug";
	n[MEMPLUG_EVENT_UNPLUG] = "unplug";
	n[MEMPLUG_EVENT_VERIFY_FAIL] = "verify-fail";
	n[MEMPLUG_EVENT_FAILED] = "failed";
	n[MEMPLUG_EVENT_NODE_ONLINE] = "node-online";
	n[MEMPLUG_EVENT_NODE_OFFLINE] = "node-offline";
	n[MEMPLUG_EVENT_PLUG_FAILED] = "plug-failed";
	n[MEMPLUG_EVENT_UNPLUG_FAILED] = "unplug-failed";
	return n;
}();

// The name of event_action value @v; empty for a value the spec lacks.
constexpr std::string_view event_action_str(std::uint32_t v)
{
	return v < event_action_names.size() ? event_action_names[v] : std::string_view();
}

} // namespace memplug::proto
