// SPDX-License-Identifier: GPL-2.0
#include "json_format.hpp"

#include <cmath>

#include "memplug/config.hpp"
#include "memplug/error.hpp"

namespace memplug {

namespace {

template <typename T>
Json opt(const std::optional<T> &value)
{
	if (!value)
		return nullptr;
	return *value;
}

Json opt_hex(const std::optional<std::uint64_t> &value)
{
	if (!value)
		return nullptr;
	return hex(*value);
}

Json opt_errno(const std::optional<std::int32_t> &value)
{
	if (!value)
		return nullptr;
	return errno_name(*value);
}

// One node of status: its memory, when /proc/zoneinfo has it, and its tier.
Json node_json(const StatusNode &n)
{
	const NodeMemory *memory = n.memory;
	const NodeTier *tier = n.tier;
	Json j;
	j["node"] = n.node;
	j["kernel_bytes"] = memory ? Json(memory->kernel_bytes) : Json(nullptr);
	j["movable_bytes"] = memory ? Json(memory->movable_bytes) : Json(nullptr);
	const auto ratio = memory ? memory->movable_ratio() : std::nullopt;
	// Three decimals are all a ratio limit of 3.0 needs.
	j["movable_ratio"] = ratio ? Json(std::round(*ratio * 1000.0) / 1000.0) : Json(nullptr);
	j["tier"] = tier ? opt(tier->tier) : Json(nullptr);
	j["adistance"] = tier ? opt(tier->adistance) : Json(nullptr);
	j["memplug_ranges"] = tier ? tier->memplug_ranges : 0u;
	return j;
}

} // namespace

Json status_json(const Status &s, const std::optional<std::vector<NodeMemory>> &nodes,
		 const std::vector<NodeTier> &tiers)
{
	Json j;
	j["version"] = opt(s.version);
	j["protocol"] = opt(s.protocol);
	j["controller_version"] = opt(s.controller_version);
	j["controller_protocol"] = opt(s.controller_protocol);
	j["version_warning"] = opt(version_warning(s));
	j["block_size"] = opt(s.block_size);
	j["pluggable_start"] = opt_hex(s.pluggable_start);
	j["pluggable_end"] = opt_hex(s.pluggable_end);
	j["online_callback"] = s.online_cb ? Json(online_cb_name(*s.online_cb)) : Json(nullptr);
	j["online_callback_reason"] = opt(s.online_cb_reason);
	j["online_callback_ranges"] = opt(s.online_cb_ranges);
	j["ranges"] = opt(s.ranges);
	j["plugged_bytes"] = opt(s.plugged_bytes);
	j["counters"] = {
		{"plugs", opt(s.plugs)},
		{"unplugs", opt(s.unplugs)},
		{"plug_failures", opt(s.plug_failures)},
		{"unplug_failures", opt(s.unplug_failures)},
		{"vetoes", opt(s.vetoes)},
	};
	j["events"] = {
		{"next_seq", opt(s.event_seq)},
		{"oldest_seq", opt(s.event_oldest)},
		{"ring_size", opt(s.event_ring_size)},
	};
	j["objects"] = opt(s.objects);
	j["kdump"] = s.kdump;
	j["movable_ratio_limit"] = kMaxMovableRatio;
	Json list = Json::array();
	for (const StatusNode &n : status_nodes(nodes, tiers))
		list.push_back(node_json(n));
	j["nodes"] = std::move(list);
	return j;
}

Json range_json(const Range &r, std::optional<std::uint32_t> node_tier)
{
	Json excludes = Json::array();
	for (const auto &ex : r.excludes)
		excludes.push_back({{"start", hex(ex.start)}, {"size", ex.size}});

	Json j;
	j["id"] = r.id;
	j["start"] = hex(r.start);
	j["size"] = r.size;
	j["node"] = opt(r.node);
	j["state"] = range_state_name(r);
	j["online_blocks"] = r.blocks_online.value_or(0);
	j["total_blocks"] = r.blocks.value_or(0);
	j["name"] = r.name;
	j["zone_policy"] = r.zone_policy ? Json(zone_policy_name(*r.zone_policy)) : Json(nullptr);
	j["protect"] = r.protect;
	j["verify"] = r.verify;
	j["memmap_on_memory"] = r.memmap_on_memory;
	j["excludes"] = std::move(excludes);
	j["group_id"] = opt(r.group_id);
	j["pages_online"] = opt(r.pages_online);
	j["pages_excluded"] = opt(r.pages_excluded);
	j["pages_verified"] = opt(r.pages_verified);
	j["pages_bad"] = opt(r.pages_bad);
	j["add_ns"] = opt(r.add_ns);
	j["remove_ns"] = opt(r.remove_ns);
	j["online_ns"] = opt(r.online_ns);
	j["offline_ns"] = opt(r.offline_ns);
	j["fail_block"] = opt(r.fail_block);
	j["fail_errno"] = opt_errno(r.fail_errno);
	j["blocks_present"] = opt(r.blocks_present);
	j["rollback_attempts"] = opt(r.rollback_attempts);
	j["plugged_by"] = opt(r.plugged_by);
	j["fail_reason"] = opt(r.fail_reason);
	j["blocks_done"] = opt(r.blocks_done);
	j["bytes_done"] = opt(r.bytes_done);
	j["tier"] = r.tier ? Json(tier_name(*r.tier)) : Json(nullptr);
	j["node_tier"] = opt(node_tier);
	j["adistance"] = opt(r.adistance);
	return j;
}

Json block_json(const Block &b)
{
	Json j;
	j["block"] = b.id;
	j["range"] = b.range_id;
	j["start"] = hex(b.start);
	j["size"] = b.size;
	j["state"] = block_state_name(b.state);
	// A zone only means something while the block is online.
	j["zone"] = b.online() ? opt(b.zone) : Json(nullptr);
	j["node"] = opt(b.node);
	return j;
}

Json event_json(const Event &e)
{
	Json j;
	j["seq"] = e.seq;
	j["time_ns"] = opt(e.time_ns);
	j["realtime_ns"] = opt(e.realtime_ns);
	j["action"] = event_action_name(e.action);
	j["start"] = opt_hex(e.start);
	j["size"] = opt(e.size);
	j["start_pfn"] = opt(e.start_pfn);
	j["nr_pages"] = opt(e.nr_pages);
	j["block"] = opt(e.block);
	// The kernel says -1 (NUMA_NO_NODE) when it does not know.
	j["node"] = e.node && *e.node >= 0 ? Json(*e.node) : Json(nullptr);
	j["zone"] = opt(e.zone);
	j["range"] = opt(e.range_id);
	j["status_change_nid"] = opt(e.status_change_nid);
	j["status_change_nid_normal"] = opt(e.status_change_nid_normal);
	if (e.veto_errno || e.veto_reason)
		j["veto"] = {{"errno", opt_errno(e.veto_errno)}, {"reason", opt(e.veto_reason)}};
	else
		j["veto"] = nullptr;
	j["lost_from"] = nullptr;
	j["lost_to"] = nullptr;
	j["error"] = opt_errno(e.error);
	j["reason"] = opt(e.reason);
	j["blocks_done"] = opt(e.blocks_done);
	j["blocks_total"] = opt(e.blocks_total);
	return j;
}

Json overrun_json(std::uint64_t lost_from, std::uint64_t lost_to)
{
	Json j = event_json(Event{});
	for (auto &[key, value] : j.items())
		value = nullptr;
	j["action"] = "overrun";
	j["lost_from"] = lost_from;
	j["lost_to"] = lost_to;
	return j;
}

std::optional<std::uint32_t> JsonFormatter::node_tier_of(const Range &range) const
{
	return range.node ? node_tier(tiers_, *range.node) : std::nullopt;
}

namespace {

const char *error_kind_name(ErrorKind kind)
{
	switch (kind) {
	case ErrorKind::Kernel:
		return "kernel";
	case ErrorKind::System:
		return "system";
	case ErrorKind::Usage:
		return "usage";
	case ErrorKind::NoFamily:
		return "no_module";
	case ErrorKind::Timeout:
		return "timeout";
	case ErrorKind::Failed:
		return "failed";
	case ErrorKind::Cancelled:
		return "cancelled";
	}
	return "failed";
}

// Labels and messages may hold the kernel's bytes; never fail on invalid
// UTF-8.
std::string dump(const Json &doc)
{
	return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

} // namespace

Json error_json(const Error &error, int exit_code)
{
	Json j;
	j["kind"] = error_kind_name(error.kind());
	j["message"] = error.message();
	j["errno"] = error.errnum() ? Json(errno_name(error.errnum())) : Json(nullptr);
	j["reason"] = error.detail().empty() ? Json(nullptr) : Json(error.detail());
	j["signal"] = error.signal() ? Json(signal_name(error.signal())) : Json(nullptr);
	j["exit_code"] = exit_code;
	return j;
}

Json error_json(const std::string &kind, const std::string &message, int exit_code)
{
	Json j;
	j["kind"] = kind;
	j["message"] = message;
	j["errno"] = nullptr;
	j["reason"] = nullptr;
	j["signal"] = nullptr;
	j["exit_code"] = exit_code;
	return j;
}

void finish_document(Json &doc, const std::vector<std::string> *warnings)
{
	doc["warnings"] = warnings ? Json(*warnings) : Json::array();
	doc["format"] = kJsonFormat;
}

void print_json_error(std::ostream &out, const Error &error, int exit_code,
		      const std::vector<std::string> &warnings)
{
	Json doc;
	doc["error"] = error_json(error, exit_code);
	finish_document(doc, &warnings);
	out << dump(doc) << std::endl;
}

void print_json_error(std::ostream &out, const std::string &kind, const std::string &message,
		      int exit_code, const std::vector<std::string> &warnings)
{
	Json doc;
	doc["error"] = error_json(kind, message, exit_code);
	finish_document(doc, &warnings);
	out << dump(doc) << std::endl;
}

void JsonFormatter::write(const Json &doc)
{
	out_ << dump(doc) << '\n';
}

void JsonFormatter::emit(Json doc)
{
	finish_document(doc, warnings_);
	write(doc);
}

void JsonFormatter::emit_record(Json doc)
{
	doc["format"] = kJsonFormat;
	write(doc);
	out_.flush();
}

void JsonFormatter::candidates(const std::vector<Candidate> &candidates)
{
	Json list = Json::array();
	for (const auto &c : candidates) {
		Json j;
		j["start"] = hex(c.start);
		j["end"] = hex(c.end);
		j["size"] = c.size;
		j["type"] = c.type;
		j["usable"] = c.usable;
		j["needs_force"] = c.needs_force;
		j["reason"] = opt(c.reason);
		j["range"] = opt(c.range);
		list.push_back(std::move(j));
	}
	Json doc;
	doc["candidates"] = std::move(list);
	emit(doc);
}

void JsonFormatter::tiers(const std::vector<MemoryTier> &tiers,
			  const std::optional<std::vector<MemType>> &memtypes)
{
	Json list = Json::array();
	for (const auto &t : tiers) {
		Json memplug = Json::array();
		for (const auto &mt : memtypes_in(t, memtypes))
			memplug.push_back({{"node", mt.node}, {"adistance", mt.adistance}});
		Json j;
		j["tier"] = t.id;
		j["adistance_min"] = t.adistance_min();
		j["adistance_max"] = t.adistance_max();
		j["nodes"] = t.nodes;
		j["memplug"] = std::move(memplug);
		list.push_back(std::move(j));
	}
	Json doc;
	doc["tiers"] = std::move(list);
	emit(doc);
}

void JsonFormatter::event(const Event &event)
{
	emit_record(event_json(event));
}

void JsonFormatter::overrun(std::uint64_t lost_from, std::uint64_t lost_to)
{
	emit_record(overrun_json(lost_from, lost_to));
}

void JsonFormatter::status(const Status &status,
			   const std::optional<std::vector<NodeMemory>> &nodes,
			   const std::vector<NodeTier> &tiers)
{
	emit(status_json(status, nodes, tiers));
}

void JsonFormatter::ranges(const std::vector<Range> &ranges)
{
	Json list = Json::array();
	for (const auto &r : ranges)
		list.push_back(range_json(r, node_tier_of(r)));
	Json doc;
	doc["ranges"] = std::move(list);
	emit(doc);
}

void JsonFormatter::range(const Range &range, RangeAction)
{
	emit(range_json(range, node_tier_of(range)));
}

void JsonFormatter::blocks(const std::vector<Block> &blocks)
{
	Json list = Json::array();
	for (const auto &b : blocks)
		list.push_back(block_json(b));
	Json doc;
	doc["blocks"] = std::move(list);
	emit(doc);
}

void JsonFormatter::events(const std::vector<Event> &events, std::uint64_t first_seq)
{
	Json list = Json::array();
	for (const auto &e : events)
		list.push_back(event_json(e));
	std::uint64_t lost = 0;
	if (!events.empty() && events.front().seq > first_seq)
		lost = events.front().seq - first_seq;
	Json doc;
	doc["first_seq"] = first_seq;
	doc["lost"] = lost;
	doc["events"] = std::move(list);
	emit(doc);
}

// {"dry_run":false,"actions":[{"action":"plug","file":"...","name":"db",
//  "start":"0x40000000","size":268435456,"range":4,"details":[],
//  "result":"done","error":null},...]}
void JsonFormatter::apply(const std::vector<ApplyStep> &steps,
			  const std::vector<ConfiguredRange> &config, bool dry_run)
{
	Json list = Json::array();
	for (const auto &step : steps) {
		const ConfiguredRange *cfg = step.config ? &config[*step.config] : nullptr;
		const Range *range = step.result  ? &*step.result
				     : step.range ? &*step.range
						  : nullptr;
		Json a;
		a["action"] = apply_action_name(step.action);
		a["file"] = cfg ? Json(cfg->file.string()) : Json(nullptr);
		if (cfg && cfg->request.name)
			a["name"] = *cfg->request.name;
		else
			a["name"] = range ? Json(range->name) : Json(nullptr);
		a["start"] = hex(cfg ? cfg->request.start : range->start);
		a["size"] = cfg ? cfg->request.size : range->size;
		a["range"] = range && step.outcome != ApplyOutcome::Failed ? Json(range->id)
									   : Json(nullptr);
		a["details"] = step.details;
		switch (step.outcome) {
		case ApplyOutcome::Planned:
			a["result"] = "planned";
			break;
		case ApplyOutcome::Done:
			a["result"] = "done";
			break;
		case ApplyOutcome::Failed:
			a["result"] = "failed";
			break;
		}
		a["error"] = opt(step.error);
		list.push_back(std::move(a));
	}
	Json doc;
	doc["dry_run"] = dry_run;
	doc["actions"] = std::move(list);
	emit(doc);
}

} // namespace memplug
