// SPDX-License-Identifier: GPL-2.0
#include "memplug/types.hpp"

#include "memplug/proto.gen.hpp"

namespace memplug {

namespace {

// The spec's name of an enum's @value, "unknown(N)" for one it lacks.
std::string spec_name(std::string_view name, std::uint32_t value)
{
	if (name.empty())
		return "unknown(" + std::to_string(value) + ")";
	return std::string(name);
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
	return spec_name(proto::zone_policy_str(policy), policy);
}

std::string tier_name(std::uint32_t tier)
{
	return spec_name(proto::tier_str(tier), tier);
}

std::string online_cb_name(std::uint32_t cb)
{
	return spec_name(proto::online_cb_str(cb), cb);
}

std::string range_state_name(const Range &range)
{
	// A plugged range is named by how much of it is online.
	if (range.state == MEMPLUG_RANGE_STATE_PLUGGED) {
		const std::uint32_t online = range.blocks_online.value_or(0);
		const std::uint32_t total = range.blocks.value_or(0);
		if (online == 0)
			return "offline";
		if (online >= total)
			return "online";
		return "partial";
	}
	const std::string_view name = proto::range_state_str(range.state);
	return name.empty() ? "unknown" : std::string(name);
}

std::string block_state_name(std::uint32_t state)
{
	return spec_name(proto::block_state_str(state), state);
}

std::string event_action_name(std::uint32_t action)
{
	return spec_name(proto::event_action_str(action), action);
}

} // namespace memplug
