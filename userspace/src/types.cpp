// SPDX-License-Identifier: GPL-2.0
#include "memplug/types.hpp"

namespace memplug {

namespace {

std::string unknown(std::uint32_t value)
{
	return "unknown(" + std::to_string(value) + ")";
}

} // namespace

std::string_view online_type_name(OnlineType type)
{
	switch (type) {
	case OnlineType::None:
		return "none";
	case OnlineType::Online:
		return "online";
	case OnlineType::Kernel:
		return "kernel";
	case OnlineType::Movable:
		return "movable";
	}
	return "none";
}

std::string_view online_type_sysfs(OnlineType type)
{
	switch (type) {
	case OnlineType::None:
		return "";
	case OnlineType::Online:
		return "online";
	case OnlineType::Kernel:
		return "online_kernel";
	case OnlineType::Movable:
		return "online_movable";
	}
	return "";
}

ZonePolicy default_zone_policy(OnlineType type)
{
	switch (type) {
	case OnlineType::Movable:
		return ZonePolicy::Movable;
	case OnlineType::Kernel:
		return ZonePolicy::Kernel;
	case OnlineType::None:
	case OnlineType::Online:
		break;
	}
	return ZonePolicy::Any;
}

std::string zone_policy_name(std::uint32_t policy)
{
	switch (policy) {
	case MEMPLUG_ZONE_POLICY_ANY:
		return "any";
	case MEMPLUG_ZONE_POLICY_MOVABLE:
		return "movable";
	case MEMPLUG_ZONE_POLICY_KERNEL:
		return "kernel";
	default:
		return unknown(policy);
	}
}

std::string online_cb_name(std::uint32_t cb)
{
	switch (cb) {
	case MEMPLUG_ONLINE_CB_MEMPLUG:
		return "memplug";
	case MEMPLUG_ONLINE_CB_UNAVAILABLE:
		return "unavailable";
	case MEMPLUG_ONLINE_CB_IDLE:
		return "idle";
	default:
		return unknown(cb);
	}
}

std::string range_state_name(const Range &range)
{
	switch (range.state) {
	case MEMPLUG_RANGE_STATE_PLUGGING:
		return "plugging";
	case MEMPLUG_RANGE_STATE_UNPLUGGING:
		return "unplugging";
	case MEMPLUG_RANGE_STATE_FAILED:
		return "failed";
	case MEMPLUG_RANGE_STATE_PLUGGED: {
		const std::uint32_t online = range.blocks_online.value_or(0);
		const std::uint32_t total = range.blocks.value_or(0);
		if (online == 0)
			return "offline";
		if (online >= total)
			return "online";
		return "partial";
	}
	default:
		return "unknown";
	}
}

std::string block_state_name(std::uint32_t state)
{
	switch (state) {
	case MEMPLUG_BLOCK_STATE_OFFLINE:
		return "offline";
	case MEMPLUG_BLOCK_STATE_ONLINE:
		return "online";
	default:
		return unknown(state);
	}
}

std::string event_action_name(std::uint32_t action)
{
	switch (action) {
	case MEMPLUG_EVENT_GOING_ONLINE:
		return "going-online";
	case MEMPLUG_EVENT_ONLINE:
		return "online";
	case MEMPLUG_EVENT_GOING_OFFLINE:
		return "going-offline";
	case MEMPLUG_EVENT_OFFLINE:
		return "offline";
	case MEMPLUG_EVENT_CANCEL_ONLINE:
		return "cancel-online";
	case MEMPLUG_EVENT_CANCEL_OFFLINE:
		return "cancel-offline";
	case MEMPLUG_EVENT_PLUG:
		return "plug";
	case MEMPLUG_EVENT_UNPLUG:
		return "unplug";
	case MEMPLUG_EVENT_VERIFY_FAIL:
		return "verify-fail";
	case MEMPLUG_EVENT_FAILED:
		return "failed";
	case MEMPLUG_EVENT_NODE_ONLINE:
		return "node-online";
	case MEMPLUG_EVENT_NODE_OFFLINE:
		return "node-offline";
	default:
		return unknown(action);
	}
}

} // namespace memplug
