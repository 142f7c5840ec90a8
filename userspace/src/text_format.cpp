// SPDX-License-Identifier: GPL-2.0
#include "text_format.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "memplug/config.hpp"
#include "memplug/error.hpp"

namespace memplug {

namespace {

constexpr const char *kNone = "-";

// A string from the kernel as one line of text: control characters (a
// range name may hold any) become \xNN.
std::string printable(const std::string &text)
{
	std::string out;
	for (const unsigned char c : text) {
		if (c >= 0x20 && c != 0x7f) {
			out += static_cast<char>(c);
			continue;
		}
		char buf[8];
		std::snprintf(buf, sizeof(buf), "\\x%02x", c);
		out += buf;
	}
	return out;
}

template <typename T>
std::string opt_str(const std::optional<T> &value)
{
	if (!value)
		return kNone;
	if constexpr (std::is_same_v<T, std::string>)
		return printable(*value);
	else
		return std::to_string(*value);
}

std::string last_byte(std::uint64_t start, std::uint64_t size)
{
	return size == 0 ? hex(start) : hex(start + (size - 1));
}

// Left-aligned columns separated by two spaces, header first.
class Table {
public:
	explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }

	void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

	void print(std::ostream &out) const
	{
		std::vector<std::size_t> width;
		for (const auto &row : rows_) {
			width.resize(std::max(width.size(), row.size()), 0);
			for (std::size_t i = 0; i < row.size(); i++)
				width[i] = std::max(width[i], row[i].size());
		}
		for (const auto &row : rows_) {
			std::string line;
			for (std::size_t i = 0; i < row.size(); i++) {
				line += row[i];
				if (i + 1 < row.size())
					line.append(width[i] - row[i].size() + 2, ' ');
			}
			out << line << '\n';
		}
	}

private:
	std::vector<std::vector<std::string>> rows_;
};

void line(std::ostream &out, const char *key, const std::string &value)
{
	char label[24];
	std::snprintf(label, sizeof(label), "%s:", key);
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%-18s", label);
	out << buf << value << '\n';
}

std::string blocks_online(const Range &r)
{
	return opt_str(r.blocks_online) + "/" + opt_str(r.blocks);
}

// list's BLOCKS: online/total, and how many are still there when some are
// gone already ("0/4 (2 present)": a failed range, or a rollback).
std::string blocks_column(const Range &r)
{
	std::string text = blocks_online(r);
	if (r.blocks && r.blocks_present && *r.blocks_present < *r.blocks)
		text += " (" + std::to_string(*r.blocks_present) + " present)";
	return text;
}

// Below list's table, for a range whose last add or removal failed: "range
// 3: last failure: <the module's words> (EBUSY), memory block 9".
std::optional<std::string> last_failure(const Range &r)
{
	if (!r.fail_reason)
		return std::nullopt;
	std::string text =
		"range " + std::to_string(r.id) + ": last failure: " + printable(*r.fail_reason);
	if (r.fail_errno)
		text += " (" + errno_name(*r.fail_errno) + ")";
	if (r.fail_block)
		text += ", memory block " + std::to_string(*r.fail_block);
	return text;
}

// After plug's "plugged range" line, when the range asked for a tier or
// memplug gave its node a memory type: ", tier slow (adistance 2880,
// memory tier 22)"; nothing for the default, auto without a type.
std::string tier_note(const Range &r, std::optional<std::uint32_t> node_tier)
{
	if (!r.tier || (*r.tier == MEMPLUG_TIER_AUTO && !r.adistance))
		return "";
	std::string text = ", tier " + tier_name(*r.tier) + " (";
	text += r.adistance ? "adistance " + std::to_string(*r.adistance)
			    : std::string("the node's memory type kept");
	if (node_tier)
		text += ", memory tier " + std::to_string(*node_tier);
	return text + ")";
}

// status's memory of a node: "kernel zones 3G, movable 1G, movable/kernel
// 0.33 (limit 3.0)", and ", EXCEEDED" inside the parentheses above it.
std::string node_memory_text(const NodeMemory &n)
{
	std::string text = "kernel zones " + human_size(n.kernel_bytes) + ", movable " +
			   human_size(n.movable_bytes) + ", movable/kernel ";
	const auto ratio = n.movable_ratio();
	char buf[64];
	if (ratio)
		std::snprintf(buf, sizeof(buf), "%.2f", *ratio);
	else
		std::snprintf(buf, sizeof(buf), "unbounded");
	text += buf;
	std::snprintf(buf, sizeof(buf), " (limit %.1f%s)", kMaxMovableRatio,
		      (!ratio || *ratio > kMaxMovableRatio) ? ", EXCEEDED" : "");
	return text + buf;
}

// status's tier of a node: "memory tier 22, adistance 2880 from memplug
// (2 ranges)", "memory tier 4 (dram), no memory type from memplug".
std::string node_tier_text(const NodeTier &t)
{
	std::string text = "memory tier ";
	if (t.tier)
		text += std::to_string(*t.tier) +
			(*t.tier == memory_tier_of(kDramAdistance) ? " (dram)" : "");
	else
		text += "unknown";
	if (!t.adistance)
		return text + ", no memory type from memplug";
	return text + ", adistance " + std::to_string(*t.adistance) + " from memplug (" +
	       std::to_string(t.memplug_ranges) + (t.memplug_ranges == 1 ? " range)" : " ranges)");
}

// "memplug (held for 2 ranges)", "idle (taken when ...)", "unavailable
// (<the kernel's reason>)".
std::string online_callback(const Status &s)
{
	if (!s.online_cb)
		return kNone;
	std::string text = online_cb_name(*s.online_cb);
	switch (*s.online_cb) {
	case MEMPLUG_ONLINE_CB_MEMPLUG:
		if (s.online_cb_ranges)
			text += " (held for " + std::to_string(*s.online_cb_ranges) +
				(*s.online_cb_ranges == 1 ? " range)" : " ranges)");
		break;
	case MEMPLUG_ONLINE_CB_IDLE:
		text += " (taken when a range needs --verify or --exclude)";
		break;
	default:
		break;
	}
	if (s.online_cb_reason && !s.online_cb_reason->empty())
		text += " (" + printable(*s.online_cb_reason) + ")";
	return text;
}

// "2026-11-22T01:16:37.123456Z"
std::string utc_time(std::uint64_t realtime_ns)
{
	const time_t secs = static_cast<time_t>(realtime_ns / 1000000000u);
	tm utc{};
	gmtime_r(&secs, &utc);
	char buf[48];
	const std::size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &utc);
	std::snprintf(buf + n, sizeof(buf) - n, ".%06uZ",
		      static_cast<unsigned>(realtime_ns % 1000000000u / 1000u));
	return buf;
}

// "12 online range 1 block 8 0x40000000-0x47ffffff (128M) zone Movable
// node 0", what memplug vetoed, how far the range's operation has come
// ("3/4 blocks") and why it failed ("error EBUSY: <the module's words>").
std::string event_text(const Event &e)
{
	std::string text = std::to_string(e.seq) + " " + event_action_name(e.action);
	if (e.range_id)
		text += " range " + std::to_string(*e.range_id);
	if (e.block)
		text += " block " + std::to_string(*e.block);
	if (e.start && e.size)
		text += " " + hex(*e.start) + "-" + last_byte(*e.start, *e.size) + " (" +
			human_size(*e.size) + ")";
	if (e.zone)
		text += " zone " + printable(*e.zone);
	if (e.node && *e.node >= 0)
		text += " node " + std::to_string(*e.node);
	if (e.veto_errno)
		text += " vetoed " + errno_name(*e.veto_errno);
	if (e.veto_reason)
		text += ": " + printable(*e.veto_reason);
	if (e.blocks_done && e.blocks_total)
		text += " " + std::to_string(*e.blocks_done) + "/" +
			std::to_string(*e.blocks_total) + " blocks";
	if (e.error)
		text += " error " + errno_name(*e.error);
	if (e.reason)
		text += ": " + printable(*e.reason);
	return text;
}

} // namespace

std::optional<std::uint32_t> TextFormatter::node_tier_of(const Range &range) const
{
	return range.node ? node_tier(tiers_, *range.node) : std::nullopt;
}

void TextFormatter::status(const Status &s, const std::optional<std::vector<NodeMemory>> &nodes,
			   const std::vector<NodeTier> &tiers)
{
	const auto protocol = [](std::optional<std::uint32_t> p) {
		return p ? ", protocol " + std::to_string(*p) : std::string();
	};
	line(out_, "version", opt_str(s.version) + protocol(s.protocol));
	if (s.controller_version)
		line(out_, "memplugctl",
		     *s.controller_version + protocol(s.controller_protocol) +
			     (version_warning(s) ? " (does not match the module: see the warning)"
						 : ""));
	line(out_, "block size",
	     s.block_size ? human_size(*s.block_size) + " (" + hex(*s.block_size) + ")" : kNone);
	if (s.pluggable_start && s.pluggable_end)
		line(out_, "pluggable range",
		     hex(*s.pluggable_start) + "-" + hex(*s.pluggable_end));
	else
		line(out_, "pluggable range", "hidden (needs CAP_SYS_ADMIN)");
	line(out_, "online callback", online_callback(s));

	std::string ranges = opt_str(s.ranges);
	if (s.plugged_bytes)
		ranges += ", " + human_size(*s.plugged_bytes) + " plugged";
	line(out_, "ranges", ranges);
	line(out_, "plugs", opt_str(s.plugs) + " (" + opt_str(s.plug_failures) + " failed)");
	line(out_, "unplugs", opt_str(s.unplugs) + " (" + opt_str(s.unplug_failures) + " failed)");
	line(out_, "vetoes", opt_str(s.vetoes));
	line(out_, "events",
	     "next " + opt_str(s.event_seq) + ", oldest " + opt_str(s.event_oldest) + ", ring " +
		     opt_str(s.event_ring_size));
	line(out_, "objects", opt_str(s.objects));
	line(out_, "kdump", s.kdump ? "yes" : "no");
	if (!nodes)
		line(out_, "memory per node", "unknown (/proc/zoneinfo could not be read)");
	for (const StatusNode &n : status_nodes(nodes, tiers)) {
		const std::string node = "node " + std::to_string(n.node);
		if (n.memory)
			line(out_, node.c_str(), node_memory_text(*n.memory));
		const NodeTier unknown{n.node, std::nullopt, std::nullopt, 0};
		line(out_, (node + " tier").c_str(), node_tier_text(n.tier ? *n.tier : unknown));
	}
}

void TextFormatter::ranges(const std::vector<Range> &ranges)
{
	// TIER is the tier asked for, MEMTIER the kernel's memory tier of the
	// node, ADISTANCE that of the memory type memplug gave the node.
	Table t({"ID", "START", "END", "SIZE", "NODE", "STATE", "BLOCKS", "POLICY", "PROTECT",
		 "TIER", "MEMTIER", "ADISTANCE", "NAME"});
	for (const auto &r : ranges)
		t.add({std::to_string(r.id), hex(r.start), last_byte(r.start, r.size),
		       human_size(r.size), opt_str(r.node), range_state_name(r), blocks_column(r),
		       r.zone_policy ? zone_policy_name(*r.zone_policy) : kNone,
		       r.protect ? "yes" : "no", r.tier ? tier_name(*r.tier) : kNone,
		       opt_str(node_tier_of(r)), opt_str(r.adistance), printable(r.name)});
	t.print(out_);
	for (const auto &r : ranges)
		if (auto why = last_failure(r))
			out_ << *why << '\n';
}

void TextFormatter::range(const Range &r, RangeAction action)
{
	const std::string where =
		hex(r.start) + "-" + last_byte(r.start, r.size) + " (" + human_size(r.size) + ")";
	switch (action) {
	case RangeAction::Plugged:
		out_ << "plugged range " << r.id << ": " << where << " node " << opt_str(r.node)
		     << ", " << blocks_online(r) << " blocks online";
		if (r.zone_policy)
			out_ << ", zone policy " << zone_policy_name(*r.zone_policy);
		if (r.protect)
			out_ << ", protected";
		out_ << tier_note(r, node_tier_of(r)) << '\n';
		break;
	case RangeAction::Unplugged:
		out_ << "unplugged range " << r.id << ": " << where << '\n';
		break;
	case RangeAction::Protected:
		out_ << "protected range " << r.id << ": " << where
		     << "; offlining its blocks through sysfs is refused, only unplug may\n";
		break;
	case RangeAction::Unprotected:
		out_ << "unprotected range " << r.id << ": " << where
		     << "; its blocks may be offlined through sysfs\n";
		break;
	case RangeAction::Onlined:
	case RangeAction::Offlined:
		out_ << (action == RangeAction::Onlined ? "onlined" : "offlined") << " range "
		     << r.id << ": " << where << ", " << blocks_online(r) << " blocks online\n";
		break;
	case RangeAction::Cancelled:
		// As it is when the cancel was asked for: as list shows it.
		ranges({r});
		break;
	}
}

void TextFormatter::blocks(const std::vector<Block> &blocks)
{
	Table t({"BLOCK", "RANGE", "START", "END", "SIZE", "STATE", "ZONE", "NODE"});
	for (const auto &b : blocks)
		t.add({std::to_string(b.id), std::to_string(b.range_id), hex(b.start),
		       last_byte(b.start, b.size), human_size(b.size), block_state_name(b.state),
		       b.online() ? opt_str(b.zone) : kNone, opt_str(b.node)});
	t.print(out_);
}

void TextFormatter::events(const std::vector<Event> &events, std::uint64_t first_seq)
{
	if (!events.empty() && events.front().seq > first_seq)
		out_ << "(" << events.front().seq - first_seq
		     << " events lost: overwritten in the ring)\n";
	for (const auto &e : events)
		out_ << event_text(e) << '\n';
}

void TextFormatter::candidates(const std::vector<Candidate> &candidates)
{
	Table t({"START", "END", "SIZE", "TYPE", "STATUS"});
	for (const auto &c : candidates)
		t.add({hex(c.start), hex(c.end), human_size(c.size), c.type,
		       c.usable        ? std::string("usable")
		       : c.needs_force ? "needs --force: " + c.reason.value_or("")
				       : c.reason.value_or("not usable")});
	t.print(out_);
}

void TextFormatter::tiers(const std::vector<MemoryTier> &tiers,
			  const std::optional<std::vector<MemType>> &memtypes)
{
	Table t({"TIER", "ADISTANCE", "NODES", "MEMPLUG"});
	for (const auto &tier : tiers) {
		std::string memplug;
		for (const auto &mt : memtypes_in(tier, memtypes))
			memplug += (memplug.empty() ? "" : ", ") + std::string("node ") +
				   std::to_string(mt.node) + " adistance " +
				   std::to_string(mt.adistance);
		t.add({std::to_string(tier.id) + (tier.dram() ? " (dram)" : ""),
		       std::to_string(tier.adistance_min()) + "-" +
			       std::to_string(tier.adistance_max()),
		       tier.nodes.empty() ? std::string(kNone) : format_nodelist(tier.nodes),
		       memplug.empty() ? std::string(kNone) : memplug});
	}
	t.print(out_);
	if (tiers.empty())
		out_ << "(the kernel shows no memory tiers)\n";
	if (!memtypes)
		out_ << "(memplug is not loaded: no memory types of its own)\n";
}

void TextFormatter::event(const Event &e)
{
	out_ << (e.realtime_ns ? utc_time(*e.realtime_ns) : std::string(kNone)) << ' '
	     << event_text(e) << std::endl;
}

void TextFormatter::overrun(std::uint64_t lost_from, std::uint64_t lost_to)
{
	timespec now{};
	clock_gettime(CLOCK_REALTIME, &now);
	const std::uint64_t ns = static_cast<std::uint64_t>(now.tv_sec) * 1000000000u +
				 static_cast<std::uint64_t>(now.tv_nsec);
	out_ << utc_time(ns) << " OVERRUN: events " << lost_from << " to " << lost_to << " ("
	     << lost_to - lost_from + 1
	     << ") are lost: the kernel's ring overwrote them before they could be read"
	     << std::endl;
}

void TextFormatter::apply(const std::vector<ApplyStep> &steps,
			  const std::vector<ConfiguredRange> &config, bool dry_run)
{
	for (const auto &step : steps) {
		const PlugRequest *req = step.config ? &config[*step.config].request : nullptr;
		const Range *range = step.result  ? &*step.result
				     : step.range ? &*step.range
						  : nullptr;
		std::string name = "-";
		if (req && req->name)
			name = *req->name;
		else if (range && !range->name.empty())
			name = range->name;
		const std::uint64_t start = req ? req->start : range->start;
		const std::uint64_t size = req ? req->size : range->size;

		out_ << apply_action_name(step.action) << ' ' << name << ' ' << hex(start) << ' '
		     << human_size(size);
		if (range && step.outcome != ApplyOutcome::Failed)
			out_ << " range " << range->id;
		std::string details;
		for (const auto &d : step.details)
			details += (details.empty() ? "" : "; ") + d;
		if (!details.empty())
			out_ << ": " << details;
		if (step.outcome == ApplyOutcome::Failed)
			out_ << (details.empty() ? ": " : "; ")
			     << "failed: " << step.error.value_or("");
		else if (dry_run && step.action != ApplyAction::Keep &&
			 step.action != ApplyAction::Extra &&
			 step.action != ApplyAction::Conflict &&
			 !(step.action == ApplyAction::Differs && !step.set_protect))
			out_ << " (dry run)";
		out_ << '\n';
	}
}

} // namespace memplug
