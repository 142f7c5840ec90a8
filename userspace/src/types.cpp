// SPDX-License-Identifier: GPL-2.0
#include "memplug/types.hpp"

#include <utility>

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

namespace {

// MAJOR and MINOR of "MAJOR.MINOR.PATCH[anything]", or nothing.
std::optional<std::pair<std::uint64_t, std::uint64_t>> major_minor(std::string_view v)
{
	std::uint64_t parts[3] = {0, 0, 0};
	std::size_t pos = 0;
	for (int i = 0; i < 3; i++) {
		if (i > 0) {
			if (pos >= v.size() || v[pos] != '.')
				return std::nullopt;
			pos++;
		}
		const std::size_t begin = pos;
		while (pos < v.size() && v[pos] >= '0' && v[pos] <= '9' && pos - begin < 9)
			parts[i] = parts[i] * 10 + static_cast<std::uint64_t>(v[pos++] - '0');
		if (pos == begin)
			return std::nullopt;
	}
	if (pos < v.size() && v[pos] >= '0' && v[pos] <= '9')
		return std::nullopt;
	return std::pair(parts[0], parts[1]);
}

} // namespace

std::optional<std::string> version_warning(const Status &s)
{
	if (s.protocol && s.controller_protocol && *s.protocol != *s.controller_protocol)
		return "memplug.ko speaks protocol version " + std::to_string(*s.protocol) +
		       ", memplugctl " + std::to_string(*s.controller_protocol) +
		       ": requests may be refused or misread; install a memplugctl that matches "
		       "the module" +
		       (s.version && s.controller_version
				? " (memplug.ko " + *s.version + ", memplugctl " +
					  *s.controller_version + ")"
				: std::string());
	if (!s.version || !s.controller_version || *s.version == *s.controller_version)
		return std::nullopt;
	const auto module = major_minor(*s.version);
	const auto controller = major_minor(*s.controller_version);
	if (module && controller && *module == *controller)
		return std::nullopt; // only the patch level differs
	return "memplug.ko is version " + *s.version + " and memplugctl " + *s.controller_version +
	       (module && controller ? ": their major or minor versions differ"
				     : ": the versions differ") +
	       "; install the module and the controller from the same release";
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
