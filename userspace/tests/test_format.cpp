// SPDX-License-Identifier: GPL-2.0
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "memplug/format.hpp"

using namespace memplug;
using Json = nlohmann::ordered_json;

namespace {

enum class Type {
	Unsigned,
	Integer,
	String,
	Bool,
	Array,
	Object,
	Number
};

bool has_type(const Json &v, Type t)
{
	switch (t) {
	case Type::Unsigned:
		return v.is_number_unsigned();
	case Type::Integer:
		return v.is_number_integer();
	case Type::String:
		return v.is_string();
	case Type::Bool:
		return v.is_boolean();
	case Type::Array:
		return v.is_array();
	case Type::Object:
		return v.is_object();
	case Type::Number:
		return v.is_number();
	}
	return false;
}

// Every key present with its type, or null where @nullable.
void expect_keys(const Json &obj, const std::vector<std::tuple<std::string, Type, bool>> &keys)
{
	ASSERT_TRUE(obj.is_object()) << obj.dump();
	for (const auto &[key, type, nullable] : keys) {
		ASSERT_TRUE(obj.contains(key)) << "missing " << key << " in " << obj.dump();
		const Json &v = obj.at(key);
		if (nullable && v.is_null())
			continue;
		EXPECT_TRUE(has_type(v, type)) << key << " = " << v.dump();
	}
	EXPECT_EQ(obj.size(), keys.size()) << obj.dump();
}

const std::vector<std::tuple<std::string, Type, bool>> kRangeKeys = {
	{"id", Type::Unsigned, false},
	{"start", Type::String, false},
	{"size", Type::Unsigned, false},
	{"node", Type::Unsigned, true},
	{"state", Type::String, false},
	{"online_blocks", Type::Unsigned, false},
	{"total_blocks", Type::Unsigned, false},
	{"name", Type::String, false},
	{"zone_policy", Type::String, true},
	{"protect", Type::Bool, false},
	{"verify", Type::Bool, false},
	{"memmap_on_memory", Type::Bool, false},
	{"excludes", Type::Array, false},
	{"group_id", Type::Unsigned, true},
	{"pages_online", Type::Unsigned, true},
	{"pages_excluded", Type::Unsigned, true},
	{"pages_verified", Type::Unsigned, true},
	{"pages_bad", Type::Unsigned, true},
	{"add_ns", Type::Unsigned, true},
	{"remove_ns", Type::Unsigned, true},
	{"online_ns", Type::Unsigned, true},
	{"offline_ns", Type::Unsigned, true},
	{"fail_block", Type::Unsigned, true},
	{"fail_errno", Type::String, true},
	{"blocks_present", Type::Unsigned, true},
	{"rollback_attempts", Type::Unsigned, true},
	{"plugged_by", Type::String, true},
	{"fail_reason", Type::String, true},
	{"blocks_done", Type::Unsigned, true},
	{"bytes_done", Type::Unsigned, true},
	{"tier", Type::String, true},
	{"node_tier", Type::Unsigned, true},
	{"adistance", Type::Unsigned, true},
};

Range sample_range()
{
	Range r;
	r.id = 1;
	r.start = 0x40000000;
	r.size = 536870912;
	r.node = 0;
	r.state = MEMPLUG_RANGE_STATE_PLUGGED;
	r.blocks = 4;
	r.blocks_online = 4;
	r.name = "cxl0";
	r.zone_policy = MEMPLUG_ZONE_POLICY_MOVABLE;
	return r;
}

std::string render(OutputFormat format, const std::function<void(Formatter &)> &fn,
		   const std::vector<MemoryTier> &tiers = {})
{
	std::ostringstream out;
	auto f = make_formatter(format, out, tiers);
	fn(*f);
	return out.str();
}

// The document without what every one ends with: "warnings" (none here)
// and "format" 1; monitor's records carry only "format".
Json payload_of(Json doc, bool record = false)
{
	EXPECT_TRUE(doc.is_object()) << doc.dump();
	EXPECT_EQ(doc.back(), Json(kJsonFormat)) << "format last: " << doc.dump();
	EXPECT_EQ(doc.value("format", Json()), Json(1)) << doc.dump();
	doc.erase("format");
	if (record) {
		EXPECT_FALSE(doc.contains("warnings")) << doc.dump();
		return doc;
	}
	EXPECT_EQ(doc.value("warnings", Json()), Json::array()) << doc.dump();
	doc.erase("warnings");
	return doc;
}

// What @fn prints as one JSON document or record, checked for its
// "format" (and "warnings") and without them.
Json render_json(const std::function<void(Formatter &)> &fn,
		 const std::vector<MemoryTier> &tiers = {}, bool record = false)
{
	const std::string text = render(OutputFormat::Json, fn, tiers);
	EXPECT_EQ(text.back(), '\n');
	EXPECT_EQ(text.find('\n'), text.size() - 1) << "one document per line";
	return payload_of(Json::parse(text), record);
}

Json render_record(const std::function<void(Formatter &)> &fn)
{
	return render_json(fn, {}, true);
}

} // namespace

TEST(FormatHelpers, HexAndHumanSize)
{
	EXPECT_EQ(hex(0), "0x0");
	EXPECT_EQ(hex(0x40000000), "0x40000000");
	EXPECT_EQ(hex(UINT64_MAX), "0xffffffffffffffff");
	EXPECT_EQ(human_size(0), "0");
	EXPECT_EQ(human_size(1000), "1000");
	EXPECT_EQ(human_size(4096), "4K");
	EXPECT_EQ(human_size(std::uint64_t{128} << 20), "128M");
	EXPECT_EQ(human_size(std::uint64_t{1} << 30), "1G");
	EXPECT_EQ(human_size(std::uint64_t{3} << 29), "1.5G");
	EXPECT_EQ(human_size(std::uint64_t{2} << 40), "2T");
}

TEST(RangeState, Derived)
{
	Range r = sample_range();
	EXPECT_EQ(range_state_name(r), "online");
	r.blocks_online = 0;
	EXPECT_EQ(range_state_name(r), "offline");
	r.blocks_online = 2;
	EXPECT_EQ(range_state_name(r), "partial");
	r.state = MEMPLUG_RANGE_STATE_PLUGGING;
	EXPECT_EQ(range_state_name(r), "plugging");
	r.state = MEMPLUG_RANGE_STATE_UNPLUGGING;
	EXPECT_EQ(range_state_name(r), "unplugging");
	r.state = MEMPLUG_RANGE_STATE_FAILED;
	EXPECT_EQ(range_state_name(r), "failed");
	r.blocks_online = 4;
	EXPECT_EQ(range_state_name(r), "failed") << "whatever its blocks";
	r.state = 77;
	EXPECT_EQ(range_state_name(r), "unknown");
}

TEST(JsonFormat, ListMatchesTheContract)
{
	const Json doc = render_json([](Formatter &f) { f.ranges({sample_range()}); });
	ASSERT_TRUE(doc.is_object());
	EXPECT_EQ(doc.size(), 1u);
	ASSERT_TRUE(doc.at("ranges").is_array());
	ASSERT_EQ(doc["ranges"].size(), 1u);
	const Json &r = doc["ranges"][0];
	expect_keys(r, kRangeKeys);

	// The documented example, key for key and in this order.
	const Json expected = Json::parse(R"({"id":1,"start":"0x40000000","size":536870912,
		"node":0,"state":"online","online_blocks":4,"total_blocks":4,"name":"cxl0"})");
	auto it = r.begin();
	for (const auto &[key, value] : expected.items()) {
		(void)value;
		ASSERT_NE(it, r.end());
		EXPECT_EQ(it.key(), key);
		++it;
	}
	for (const auto &[key, value] : expected.items())
		EXPECT_EQ(r.at(key), value) << key;
	EXPECT_EQ(r["zone_policy"], "movable");
	EXPECT_EQ(r["fail_errno"], nullptr);
	EXPECT_EQ(r["blocks_present"], nullptr);
	EXPECT_EQ(r["rollback_attempts"], nullptr);
}

TEST(JsonFormat, FailedRange)
{
	Range r = sample_range();
	r.state = MEMPLUG_RANGE_STATE_FAILED;
	r.blocks_online = 1;
	r.blocks_present = 2;
	r.rollback_attempts = 8;
	r.fail_block = 10;
	r.fail_errno = -EBUSY;
	const Json doc = render_json([&](Formatter &f) { f.ranges({r}); });
	const Json &j = doc["ranges"][0];
	expect_keys(j, kRangeKeys);
	EXPECT_EQ(j["state"], "failed");
	EXPECT_EQ(j["online_blocks"], 1);
	EXPECT_EQ(j["total_blocks"], 4);
	EXPECT_EQ(j["blocks_present"], 2);
	EXPECT_EQ(j["rollback_attempts"], 8);
	EXPECT_EQ(j["fail_errno"], "EBUSY");
	// Keys added later come after everything that was there before them.
	EXPECT_EQ(std::prev(j.end(), 9).key(), "blocks_present");
	EXPECT_EQ(std::prev(j.end(), 8).key(), "rollback_attempts");
	EXPECT_EQ(std::prev(j.end(), 7).key(), "plugged_by");
	EXPECT_EQ(std::prev(j.end(), 6).key(), "fail_reason");
	EXPECT_EQ(std::prev(j.end(), 5).key(), "blocks_done");
	EXPECT_EQ(std::prev(j.end(), 4).key(), "bytes_done");
	EXPECT_EQ(std::prev(j.end(), 3).key(), "tier");
	EXPECT_EQ(std::prev(j.end(), 2).key(), "node_tier");
	EXPECT_EQ(std::prev(j.end()).key(), "adistance");

	// cancel prints the range object, as every single-range command.
	const Json one = render_json([&](Formatter &f) { f.range(r, RangeAction::Cancelled); });
	EXPECT_EQ(one, j);
}

TEST(JsonFormat, ListKeepsEveryKeyWhenValuesAreMissing)
{
	Range bare;
	bare.id = 2;
	bare.start = 0x100000000;
	bare.size = 0x8000000;
	bare.state = MEMPLUG_RANGE_STATE_PLUGGING;
	Range failed = sample_range();
	failed.fail_block = 11;
	failed.fail_errno = -EBUSY;
	failed.excludes = {{0x40200000, 0x200000}};

	const Json doc = render_json([&](Formatter &f) { f.ranges({bare, failed}); });
	ASSERT_EQ(doc["ranges"].size(), 2u);
	for (const auto &r : doc["ranges"])
		expect_keys(r, kRangeKeys);
	EXPECT_EQ(doc["ranges"][0]["name"], "");
	EXPECT_EQ(doc["ranges"][0]["node"], nullptr);
	EXPECT_EQ(doc["ranges"][0]["state"], "plugging");
	EXPECT_EQ(doc["ranges"][0]["online_blocks"], 0);
	EXPECT_EQ(doc["ranges"][1]["fail_errno"], "EBUSY");
	EXPECT_EQ(doc["ranges"][1]["fail_block"], 11);
	EXPECT_EQ(doc["ranges"][1]["excludes"][0]["start"], "0x40200000");
	EXPECT_EQ(doc["ranges"][1]["excludes"][0]["size"], 0x200000);

	const Json empty = render_json([](Formatter &f) { f.ranges({}); });
	EXPECT_EQ(empty.dump(), R"({"ranges":[]})");
}

TEST(JsonFormat, SingleRangeIsAListEntry)
{
	const Json one =
		render_json([](Formatter &f) { f.range(sample_range(), RangeAction::Plugged); });
	expect_keys(one, kRangeKeys);
	EXPECT_EQ(one["id"], 1);
	const Json list = render_json([](Formatter &f) { f.ranges({sample_range()}); });
	EXPECT_EQ(one, list["ranges"][0]);
}

namespace {

// The kernel's tiers: DRAM with node 0, dax/kmem's with nodes 1 and 2.
const std::vector<MemoryTier> kTiers = {{4, {0}}, {22, {1, 2}}};

// sample_range() on node 1, which memplug gave dax/kmem's distance.
Range slow_range()
{
	Range r = sample_range();
	r.node = 1;
	r.tier = MEMPLUG_TIER_SLOW;
	r.adistance = 2880;
	return r;
}

} // namespace

TEST(JsonFormat, RangeTiers)
{
	const Json doc = render_json([](Formatter &f) { f.ranges({slow_range()}); }, kTiers);
	const Json &r = doc["ranges"][0];
	expect_keys(r, kRangeKeys);
	EXPECT_EQ(r["tier"], "slow");
	EXPECT_EQ(r["node_tier"], 22);
	EXPECT_EQ(r["adistance"], 2880);

	// Auto on a node memplug gave no type: it keeps the kernel's, tier 4.
	Range kept = sample_range();
	kept.tier = MEMPLUG_TIER_AUTO;
	const Json k = render_json([&](Formatter &f) { f.ranges({kept}); }, kTiers)["ranges"][0];
	expect_keys(k, kRangeKeys);
	EXPECT_EQ(k["tier"], "auto");
	EXPECT_EQ(k["node_tier"], 4);
	ASSERT_TRUE(k.contains("adistance"));
	EXPECT_EQ(k["adistance"], nullptr);

	// No memory tiers in sysfs, or a node in none, and a module that does
	// not report the tier: every key stays, null.
	const Json none =
		render_json([](Formatter &f) { f.ranges({sample_range()}); })["ranges"][0];
	expect_keys(none, kRangeKeys);
	EXPECT_EQ(none["tier"], nullptr);
	EXPECT_EQ(none["node_tier"], nullptr);
	EXPECT_EQ(none["adistance"], nullptr);
	Range elsewhere = slow_range();
	elsewhere.node = 7;
	const Json e =
		render_json([&](Formatter &f) { f.ranges({elsewhere}); }, kTiers)["ranges"][0];
	EXPECT_EQ(e["node_tier"], nullptr);
	EXPECT_EQ(e["adistance"], 2880);
	Range nowhere = slow_range();
	nowhere.node.reset();
	EXPECT_EQ(render_json([&](Formatter &f) { f.ranges({nowhere}); },
			      kTiers)["ranges"][0]["node_tier"],
		  nullptr);
	nowhere.tier = 77;
	EXPECT_EQ(render_json([&](Formatter &f) { f.ranges({nowhere}); })["ranges"][0]["tier"],
		  "unknown(77)");

	// The single-range commands print the same object.
	const Json one = render_json(
		[](Formatter &f) { f.range(slow_range(), RangeAction::Plugged); }, kTiers);
	EXPECT_EQ(one, r);
}

TEST(TextFormat, RangeTiers)
{
	Range kept = sample_range();
	kept.id = 2;
	kept.start = 0x60000000;
	kept.tier = MEMPLUG_TIER_AUTO;
	kept.name = "";
	const std::string list = render(
		OutputFormat::Text,
		[&](Formatter &f) {
			f.ranges({slow_range(), kept});
		},
		kTiers);
	EXPECT_EQ(list, "ID  START       END         SIZE  NODE  STATE   BLOCKS  POLICY   PROTECT  "
			"TIER  MEMTIER  ADISTANCE  NAME\n"
			"1   0x40000000  0x5fffffff  512M  1     online  4/4     movable  no       "
			"slow  22       2880       cxl0\n"
			"2   0x60000000  0x7fffffff  512M  0     online  4/4     movable  no       "
			"auto  4        -          \n");

	const std::string plugged = render(
		OutputFormat::Text,
		[](Formatter &f) { f.range(slow_range(), RangeAction::Plugged); }, kTiers);
	EXPECT_EQ(plugged, "plugged range 1: 0x40000000-0x5fffffff (512M) node 1, 4/4 blocks "
			   "online, zone policy movable, tier slow (adistance 2880, memory tier "
			   "22)\n");
	// The default says nothing.
	EXPECT_EQ(render(
			  OutputFormat::Text,
			  [&](Formatter &f) { f.range(kept, RangeAction::Plugged); }, kTiers),
		  "plugged range 2: 0x60000000-0x7fffffff (512M) node 0, 4/4 blocks online, zone "
		  "policy movable\n");
	Range dram = kept;
	dram.tier = MEMPLUG_TIER_DRAM;
	EXPECT_EQ(render(OutputFormat::Text,
			 [&](Formatter &f) { f.range(dram, RangeAction::Plugged); }),
		  "plugged range 2: 0x60000000-0x7fffffff (512M) node 0, 4/4 blocks online, zone "
		  "policy movable, tier dram (the node's memory type kept)\n");
}

TEST(JsonFormat, Blocks)
{
	Block on;
	on.id = 8;
	on.range_id = 1;
	on.start = 0x40000000;
	on.size = 134217728;
	on.state = MEMPLUG_BLOCK_STATE_ONLINE;
	on.zone = "Movable";
	on.node = 0;
	Block off = on;
	off.id = 9;
	off.start = 0x48000000;
	off.state = MEMPLUG_BLOCK_STATE_OFFLINE;
	off.zone = "Movable"; // stale: must not be shown

	const Json doc = render_json([&](Formatter &f) { f.blocks({on, off}); });
	const std::vector<std::tuple<std::string, Type, bool>> keys = {
		{"block", Type::Unsigned, false}, {"range", Type::Unsigned, false},
		{"start", Type::String, false},   {"size", Type::Unsigned, false},
		{"state", Type::String, false},   {"zone", Type::String, true},
		{"node", Type::Unsigned, true},
	};
	ASSERT_EQ(doc["blocks"].size(), 2u);
	for (const auto &b : doc["blocks"])
		expect_keys(b, keys);
	EXPECT_EQ(doc["blocks"][0],
		  Json::parse(R"({"block":8,"range":1,"start":"0x40000000","size":134217728,
			"state":"online","zone":"Movable","node":0})"));
	EXPECT_EQ(doc["blocks"][1]["state"], "offline");
	EXPECT_EQ(doc["blocks"][1]["zone"], nullptr);
}

const std::vector<std::tuple<std::string, Type, bool>> kNodeKeys = {
	{"node", Type::Unsigned, false},
	{"kernel_bytes", Type::Unsigned, true},
	{"movable_bytes", Type::Unsigned, true},
	{"movable_ratio", Type::Number, true},
	{"tier", Type::Unsigned, true},
	{"adistance", Type::Unsigned, true},
	{"memplug_ranges", Type::Unsigned, false},
};

TEST(VersionWarning, WhatMatters)
{
	Status s;
	s.version = "0.2.0";
	s.controller_version = "0.2.0";
	s.protocol = 1;
	s.controller_protocol = 1;
	EXPECT_EQ(version_warning(s), std::nullopt);
	s.version = "0.2.7";
	EXPECT_EQ(version_warning(s), std::nullopt) << "the patch level may differ";
	s.version = "0.2.0-rc1";
	EXPECT_EQ(version_warning(s), std::nullopt);
	s.version = "0.3.0";
	ASSERT_TRUE(version_warning(s));
	EXPECT_NE(version_warning(s)->find("major or minor"), std::string::npos);
	s.version = "1.2.0";
	EXPECT_TRUE(version_warning(s));
	s.version = "0.20.0";
	EXPECT_TRUE(version_warning(s)) << "0.20 is not 0.2";
	s.version = "0.2";
	ASSERT_TRUE(version_warning(s));
	EXPECT_NE(version_warning(s)->find("the versions differ"), std::string::npos);
	s.version = "0.2.0";
	s.protocol = 2;
	ASSERT_TRUE(version_warning(s));
	EXPECT_NE(version_warning(s)->find("protocol version 2, memplugctl 1"), std::string::npos);
	s.protocol.reset();
	EXPECT_EQ(version_warning(s), std::nullopt);
	s.version.reset();
	EXPECT_EQ(version_warning(s), std::nullopt) << "nothing to compare";
}

TEST(JsonFormat, StatusKeysAlwaysPresent)
{
	Status full;
	full.version = "0.1.0";
	full.block_size = 0x8000000;
	full.pluggable_start = 0;
	full.pluggable_end = 0x3fffffffffff;
	full.online_cb = MEMPLUG_ONLINE_CB_MEMPLUG;
	full.online_cb_ranges = 2;
	full.ranges = 1;
	full.plugged_bytes = 0x20000000;
	full.plugs = 1;
	full.unplugs = 0;
	full.plug_failures = 0;
	full.unplug_failures = 0;
	full.vetoes = 0;
	full.event_seq = 10;
	full.event_oldest = 0;
	full.event_ring_size = 256;
	full.objects = 3;

	Status redacted;
	redacted.version = "0.1.0";
	redacted.block_size = 0x8000000;
	redacted.online_cb = MEMPLUG_ONLINE_CB_UNAVAILABLE;
	redacted.online_cb_reason = "held by virtio_mem";

	const std::vector<std::tuple<std::string, Type, bool>> keys = {
		{"version", Type::String, true},
		{"protocol", Type::Unsigned, true},
		{"controller_version", Type::String, true},
		{"controller_protocol", Type::Unsigned, true},
		{"version_warning", Type::String, true},
		{"block_size", Type::Unsigned, true},
		{"pluggable_start", Type::String, true},
		{"pluggable_end", Type::String, true},
		{"online_callback", Type::String, true},
		{"online_callback_reason", Type::String, true},
		{"online_callback_ranges", Type::Unsigned, true},
		{"ranges", Type::Unsigned, true},
		{"plugged_bytes", Type::Unsigned, true},
		{"counters", Type::Object, false},
		{"events", Type::Object, false},
		{"objects", Type::Unsigned, true},
		{"kdump", Type::Bool, false},
		{"movable_ratio_limit", Type::Number, false},
		{"nodes", Type::Array, false},
	};
	const std::vector<std::tuple<std::string, Type, bool>> counters = {
		{"plugs", Type::Unsigned, true},         {"unplugs", Type::Unsigned, true},
		{"plug_failures", Type::Unsigned, true}, {"unplug_failures", Type::Unsigned, true},
		{"vetoes", Type::Unsigned, true},
	};
	const std::vector<std::tuple<std::string, Type, bool>> events = {
		{"next_seq", Type::Unsigned, true},
		{"oldest_seq", Type::Unsigned, true},
		{"ring_size", Type::Unsigned, true},
	};

	const Json a = render_json([&](Formatter &f) { f.status(full, std::nullopt, {}); });
	expect_keys(a, keys);
	expect_keys(a["counters"], counters);
	expect_keys(a["events"], events);
	EXPECT_EQ(a["pluggable_end"], "0x3fffffffffff");
	EXPECT_EQ(a["online_callback"], "memplug");
	EXPECT_EQ(a["online_callback_reason"], nullptr);
	EXPECT_EQ(a["online_callback_ranges"], 2);

	const Json b = render_json([&](Formatter &f) { f.status(redacted, std::nullopt, {}); });
	expect_keys(b, keys);
	expect_keys(b["counters"], counters);
	EXPECT_EQ(b["pluggable_start"], nullptr);
	EXPECT_EQ(b["pluggable_end"], nullptr);
	EXPECT_EQ(b["online_callback"], "unavailable");
	EXPECT_EQ(b["online_callback_reason"], "held by virtio_mem");
	EXPECT_EQ(b["online_callback_ranges"], nullptr);
	EXPECT_EQ(b["counters"]["plugs"], nullptr);
	EXPECT_EQ(b["nodes"], Json::array()) << "no node known, not null";
	EXPECT_EQ(b["movable_ratio_limit"], 3.0);

	std::vector<NodeMemory> nodes = {{0, std::uint64_t{3} << 30, std::uint64_t{1} << 30},
					 {1, 0, std::uint64_t{4} << 30}};
	const Json c = render_json([&](Formatter &f) { f.status(redacted, nodes, {}); });
	expect_keys(c, keys);
	ASSERT_EQ(c["nodes"].size(), 2u);
	for (const auto &n : c["nodes"])
		expect_keys(n, kNodeKeys);
	EXPECT_EQ(c["nodes"][0]["movable_ratio"], 0.333);
	EXPECT_EQ(c["nodes"][1]["kernel_bytes"], 0);
	EXPECT_EQ(c["nodes"][1]["movable_ratio"], nullptr);
	EXPECT_EQ(c["nodes"][1]["tier"], nullptr);
	EXPECT_EQ(c["nodes"][1]["adistance"], nullptr);
	EXPECT_EQ(c["nodes"][1]["memplug_ranges"], 0);

	const std::string text =
		render(OutputFormat::Text, [&](Formatter &f) { f.status(redacted, nodes, {}); });
	EXPECT_NE(text.find("node 0:           kernel zones 3G, movable 1G, movable/kernel 0.33 "
			    "(limit 3.0)\n"),
		  std::string::npos)
		<< text;
	EXPECT_NE(text.find("node 1:           kernel zones 0, movable 4G, movable/kernel "
			    "unbounded (limit 3.0, EXCEEDED)\n"),
		  std::string::npos)
		<< text;
}

// Node 0 DRAM, in tier 4; node 1 device memory memplug gave dax/kmem's
// distance for two ranges, in tier 22; node 2 typed by memplug but in no
// tier sysfs shows.
const std::vector<NodeTier> kNodeTiers = {
	{0, 4u, std::nullopt, 0},
	{1, 22u, 2880u, 2},
	{2, std::nullopt, 1000u, 1},
};

TEST(JsonFormat, StatusNodesWithTiers)
{
	const std::vector<NodeMemory> memory = {{0, std::uint64_t{3} << 30, 0},
						{1, 0, std::uint64_t{1} << 30}};
	const Json doc = render_json([&](Formatter &f) { f.status(Status{}, memory, kNodeTiers); });
	ASSERT_EQ(doc["nodes"].size(), 3u);
	for (const auto &n : doc["nodes"])
		expect_keys(n, kNodeKeys);
	EXPECT_EQ(doc["nodes"][0],
		  Json::parse(R"({"node":0,"kernel_bytes":3221225472,"movable_bytes":0,
			"movable_ratio":0.0,"tier":4,"adistance":null,"memplug_ranges":0})"));
	EXPECT_EQ(doc["nodes"][1],
		  Json::parse(R"({"node":1,"kernel_bytes":0,"movable_bytes":1073741824,
			"movable_ratio":null,"tier":22,"adistance":2880,"memplug_ranges":2})"));
	EXPECT_EQ(doc["nodes"][2],
		  Json::parse(R"({"node":2,"kernel_bytes":null,"movable_bytes":null,
			"movable_ratio":null,"tier":null,"adistance":1000,"memplug_ranges":1})"));

	// Without /proc/zoneinfo the nodes are still there, their memory null.
	const Json bare =
		render_json([&](Formatter &f) { f.status(Status{}, std::nullopt, kNodeTiers); });
	ASSERT_EQ(bare["nodes"].size(), 3u);
	EXPECT_EQ(bare["nodes"][1]["kernel_bytes"], nullptr);
	EXPECT_EQ(bare["nodes"][1]["tier"], 22);
	EXPECT_EQ(bare["nodes"][1]["adistance"], 2880);
}

TEST(TextFormat, StatusNodesWithTiers)
{
	const std::vector<NodeMemory> memory = {{0, std::uint64_t{3} << 30, 0},
						{1, 0, std::uint64_t{1} << 30}};
	const std::string text = render(
		OutputFormat::Text, [&](Formatter &f) { f.status(Status{}, memory, kNodeTiers); });
	const std::string nodes = text.substr(text.find("\nnode 0:") + 1);
	EXPECT_EQ(nodes,
		  "node 0:           kernel zones 3G, movable 0, movable/kernel 0.00 (limit "
		  "3.0)\n"
		  "node 0 tier:      memory tier 4 (dram), no memory type from memplug\n"
		  "node 1:           kernel zones 0, movable 1G, movable/kernel unbounded "
		  "(limit 3.0, EXCEEDED)\n"
		  "node 1 tier:      memory tier 22, adistance 2880 from memplug (2 ranges)\n"
		  "node 2 tier:      memory tier unknown, adistance 1000 from memplug (1 "
		  "range)\n");

	const std::string bare = render(
		OutputFormat::Text, [&](Formatter &f) { f.status(Status{}, std::nullopt, {}); });
	EXPECT_EQ(bare.substr(bare.find("memory per node:")),
		  "memory per node:  unknown (/proc/zoneinfo could not be read)\n");
}

TEST(JsonFormat, Tiers)
{
	const std::vector<MemoryTier> tiers = {{4, {0}}, {22, {1, 2, 3}}, {30, {}}};
	const std::vector<MemType> memtypes = {{3, 2900, 1}, {1, 2880, 2}, {7, 1000, 1}};
	const Json doc = render_json([&](Formatter &f) { f.tiers(tiers, memtypes); });
	EXPECT_EQ(doc, Json::parse(R"({"tiers":[
		{"tier":4,"adistance_min":512,"adistance_max":639,"nodes":[0],"memplug":[]},
		{"tier":22,"adistance_min":2816,"adistance_max":2943,"nodes":[1,2,3],
		 "memplug":[{"node":1,"adistance":2880},{"node":3,"adistance":2900}]},
		{"tier":30,"adistance_min":3840,"adistance_max":3967,"nodes":[],"memplug":[]}]})"));
	// Keys in the documented order.
	const std::vector<std::string> order = {"tier", "adistance_min", "adistance_max", "nodes",
						"memplug"};
	std::vector<std::string> got;
	for (const auto &[key, value] : doc["tiers"][1].items())
		got.push_back(key);
	EXPECT_EQ(got, order);

	// Without the module, and without tiers.
	const Json bare = render_json([&](Formatter &f) { f.tiers(tiers, std::nullopt); });
	EXPECT_EQ(bare["tiers"][1]["memplug"], Json::array());
	EXPECT_EQ(render_json([](Formatter &f) { f.tiers({}, std::nullopt); }).dump(),
		  R"({"tiers":[]})");
}

TEST(TextFormat, Tiers)
{
	const std::vector<MemoryTier> tiers = {{4, {0}}, {22, {1, 2, 3}}, {30, {}}};
	const std::vector<MemType> memtypes = {{3, 2900, 1}, {1, 2880, 2}};
	EXPECT_EQ(render(OutputFormat::Text, [&](Formatter &f) { f.tiers(tiers, memtypes); }),
		  "TIER      ADISTANCE  NODES  MEMPLUG\n"
		  "4 (dram)  512-639    0      -\n"
		  "22        2816-2943  1-3    node 1 adistance 2880, node 3 adistance 2900\n"
		  "30        3840-3967  -      -\n");
	EXPECT_EQ(render(OutputFormat::Text, [&](Formatter &f) { f.tiers(tiers, std::nullopt); }),
		  "TIER      ADISTANCE  NODES  MEMPLUG\n"
		  "4 (dram)  512-639    0      -\n"
		  "22        2816-2943  1-3    -\n"
		  "30        3840-3967  -      -\n"
		  "(memplug is not loaded: no memory types of its own)\n");
	EXPECT_EQ(render(OutputFormat::Text, [](Formatter &f) { f.tiers({}, {{}}); }),
		  "TIER  ADISTANCE  NODES  MEMPLUG\n"
		  "(the kernel shows no memory tiers)\n");
}

const std::vector<std::tuple<std::string, Type, bool>> kEventKeys = {
	{"seq", Type::Unsigned, true},
	{"time_ns", Type::Unsigned, true},
	{"realtime_ns", Type::Unsigned, true},
	{"action", Type::String, false},
	{"start", Type::String, true},
	{"size", Type::Unsigned, true},
	{"start_pfn", Type::Unsigned, true},
	{"nr_pages", Type::Unsigned, true},
	{"block", Type::Unsigned, true},
	{"node", Type::Integer, true},
	{"zone", Type::String, true},
	{"range", Type::Unsigned, true},
	{"status_change_nid", Type::Integer, true},
	{"status_change_nid_normal", Type::Integer, true},
	{"veto", Type::Object, true},
	{"lost_from", Type::Unsigned, true},
	{"lost_to", Type::Unsigned, true},
	{"error", Type::String, true},
	{"reason", Type::String, true},
	{"blocks_done", Type::Unsigned, true},
	{"blocks_total", Type::Unsigned, true},
};

Event vetoed_event()
{
	Event e;
	e.seq = 15;
	e.action = MEMPLUG_EVENT_CANCEL_ONLINE;
	e.block = 8;
	e.node = -1;
	e.veto_errno = -EPERM;
	e.veto_reason = "zone policy is movable";
	return e;
}

TEST(JsonFormat, EventsAndLoss)
{
	const Event e = vetoed_event();
	const Json doc = render_json([&](Formatter &f) { f.events({e}, 10); });
	EXPECT_EQ(doc["first_seq"], 10);
	EXPECT_EQ(doc["lost"], 5);
	ASSERT_EQ(doc["events"].size(), 1u);
	const Json &ev = doc["events"][0];
	expect_keys(ev, kEventKeys);
	EXPECT_EQ(ev["action"], "cancel-online");
	EXPECT_EQ(ev["node"], nullptr) << "NUMA_NO_NODE is unknown";
	EXPECT_EQ(ev["veto"],
		  Json::parse(R"({"errno":"EPERM","reason":"zone policy is movable"})"));
	EXPECT_EQ(ev["range"], nullptr);
	EXPECT_EQ(ev["lost_from"], nullptr);

	const Json none = render_json([&](Formatter &f) { f.events({e}, 15); });
	EXPECT_EQ(none["lost"], 0);
}

TEST(JsonFormat, EventRecordsOnePerLine)
{
	Event e;
	e.seq = 3;
	e.time_ns = 5000;
	e.realtime_ns = 1795310197000000000;
	e.action = MEMPLUG_EVENT_ONLINE;
	e.start_pfn = 0x40000;
	e.nr_pages = 32768;
	e.start = 0x40000000;
	e.size = 0x8000000;
	e.block = 8;
	e.node = 0;
	e.zone = "Movable";
	e.status_change_nid = -1;
	e.status_change_nid_normal = -1;
	e.range_id = 1;
	const Json rec = render_record([&](Formatter &f) { f.event(e); });
	expect_keys(rec, kEventKeys);
	EXPECT_EQ(rec, Json::parse(R"({"seq":3,"time_ns":5000,"realtime_ns":1795310197000000000,
		"action":"online","start":"0x40000000","size":134217728,"start_pfn":262144,
		"nr_pages":32768,"block":8,"node":0,"zone":"Movable","range":1,
		"status_change_nid":-1,"status_change_nid_normal":-1,"veto":null,
		"lost_from":null,"lost_to":null,"error":null,"reason":null,
		"blocks_done":null,"blocks_total":null})"));

	const Json over = render_record([&](Formatter &f) { f.overrun(4, 9); });
	expect_keys(over, kEventKeys);
	EXPECT_EQ(over["action"], "overrun");
	EXPECT_EQ(over["lost_from"], 4);
	EXPECT_EQ(over["lost_to"], 9);
	EXPECT_EQ(over["seq"], nullptr);
	EXPECT_EQ(over["veto"], nullptr);
	EXPECT_EQ(over["block"], nullptr);
	EXPECT_EQ(over["error"], nullptr);
}

namespace {

// Event @seq, @action of range 3 at 0x40000000+512M.
Event range_event(std::uint64_t seq, std::uint32_t action)
{
	Event e;
	e.seq = seq;
	e.action = action;
	e.start = 0x40000000;
	e.size = 0x20000000;
	e.range_id = 3;
	return e;
}

// The outcome of a RANGE_ADD or RANGE_DEL the module's worker carried out,
// and the progress of one under way.
Event plug_failed_event()
{
	Event e = range_event(40, MEMPLUG_EVENT_PLUG_FAILED);
	e.error = -EBUSY;
	e.reason = "memplug: kernel refused: range conflicts with an existing resource";
	return e;
}

// The OFFLINE of block 9, the @done'th block of 512 of range 3 to go.
Event offline_event(std::uint32_t done)
{
	Event e;
	e.seq = 41;
	e.action = MEMPLUG_EVENT_OFFLINE;
	e.range_id = 3;
	e.block = 9;
	e.blocks_done = done;
	e.blocks_total = 512;
	return e;
}

} // namespace

TEST(JsonFormat, OutcomeAndProgressEvents)
{
	const Json failed = render_record([](Formatter &f) { f.event(plug_failed_event()); });
	expect_keys(failed, kEventKeys);
	EXPECT_EQ(failed["action"], "plug-failed");
	EXPECT_EQ(failed["error"], "EBUSY");
	EXPECT_EQ(failed["reason"],
		  "memplug: kernel refused: range conflicts with an existing resource");
	EXPECT_EQ(failed["veto"], nullptr);
	EXPECT_EQ(failed["blocks_done"], nullptr);

	const Json progress = render_record([](Formatter &f) { f.event(offline_event(2)); });
	expect_keys(progress, kEventKeys);
	EXPECT_EQ(progress["blocks_done"], 2);
	EXPECT_EQ(progress["blocks_total"], 512);
	EXPECT_EQ(progress["error"], nullptr);

	Event unplug_failed = plug_failed_event();
	unplug_failed.action = MEMPLUG_EVENT_UNPLUG_FAILED;
	EXPECT_EQ(render_record([&](Formatter &f) { f.event(unplug_failed); })["action"],
		  "unplug-failed");
}

TEST(TextFormat, OutcomeAndProgressEvents)
{
	const std::string failed = render(
		OutputFormat::Text, [](Formatter &f) { f.events({plug_failed_event()}, 40); });
	EXPECT_EQ(failed, "40 plug-failed range 3 0x40000000-0x5fffffff (512M) error EBUSY: "
			  "memplug: kernel refused: range conflicts with an existing resource\n");

	Event cancelled;
	cancelled.seq = 42;
	cancelled.action = MEMPLUG_EVENT_UNPLUG_FAILED;
	cancelled.range_id = 3;
	cancelled.block = 10;
	cancelled.error = -ECANCELED;
	cancelled.reason = "memplug: unplug cancelled";
	EXPECT_EQ(render(OutputFormat::Text, [&](Formatter &f) { f.events({cancelled}, 42); }),
		  "42 unplug-failed range 3 block 10 error ECANCELED: memplug: unplug cancelled\n");

	Event off = offline_event(12);
	off.zone = "Movable";
	EXPECT_EQ(render(OutputFormat::Text, [&](Formatter &f) { f.events({off}, 41); }),
		  "41 offline range 3 block 9 zone Movable 12/512 blocks\n");
}

TEST(TextFormat, FailedEvent)
{
	Event e = range_event(31, MEMPLUG_EVENT_FAILED);
	e.node = 0;
	const std::string text =
		render(OutputFormat::Text, [&](Formatter &f) { f.events({e}, 31); });
	EXPECT_EQ(text, "31 failed range 3 0x40000000-0x5fffffff (512M) node 0\n");
	const Json j = render_record([&](Formatter &f) { f.event(e); });
	EXPECT_EQ(j["action"], "failed");
}

TEST(TextFormat, EventLines)
{
	Event e = vetoed_event();
	e.realtime_ns = 1795310197123456789;
	e.range_id = 2;
	const std::string line = render(OutputFormat::Text, [&](Formatter &f) { f.event(e); });
	EXPECT_EQ(line, "2026-11-22T01:16:37.123456Z 15 cancel-online range 2 block 8 vetoed "
			"EPERM: zone policy is movable\n");
	const std::string over = render(OutputFormat::Text, [&](Formatter &f) { f.overrun(4, 9); });
	EXPECT_NE(over.find(" OVERRUN: events 4 to 9 (6) are lost: the kernel's ring overwrote "
			    "them before they could be read\n"),
		  std::string::npos)
		<< over;
}

// Whatever the kernel hands back, one record stays one line.
TEST(TextFormat, ControlCharactersAreEscaped)
{
	Range r = sample_range();
	r.name = "a\nb\x1b[2J";
	const std::string list = render(OutputFormat::Text, [&](Formatter &f) { f.ranges({r}); });
	EXPECT_NE(list.find("a\\x0ab\\x1b[2J"), std::string::npos) << list;
	EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), 2);

	Event e = vetoed_event();
	e.veto_reason = "two\nlines";
	const std::string line = render(OutputFormat::Text, [&](Formatter &f) { f.event(e); });
	EXPECT_NE(line.find("two\\x0alines\n"), std::string::npos) << line;
	EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
}

TEST(TextFormat, OnlineCallback)
{
	const auto shown = [](const Status &s) {
		const std::string text = render(
			OutputFormat::Text, [&](Formatter &f) { f.status(s, std::nullopt, {}); });
		const std::size_t at = text.find("online callback:  ");
		EXPECT_NE(at, std::string::npos) << text;
		if (at == std::string::npos)
			return std::string();
		const std::size_t from = at + std::string("online callback:  ").size();
		return text.substr(from, text.find('\n', from) - from);
	};
	Status s;
	EXPECT_EQ(shown(s), "-");
	s.online_cb = MEMPLUG_ONLINE_CB_MEMPLUG;
	EXPECT_EQ(shown(s), "memplug");
	s.online_cb_ranges = 2;
	EXPECT_EQ(shown(s), "memplug (held for 2 ranges)");
	s.online_cb_ranges = 1;
	EXPECT_EQ(shown(s), "memplug (held for 1 range)");
	s.online_cb = MEMPLUG_ONLINE_CB_IDLE;
	s.online_cb_ranges = 0;
	EXPECT_EQ(shown(s), "idle (taken when a range needs --verify or --exclude)");
	s.online_cb = MEMPLUG_ONLINE_CB_UNAVAILABLE;
	s.online_cb_reason = "held by another driver (virtio_mem)";
	EXPECT_EQ(shown(s), "unavailable (held by another driver (virtio_mem))");
	s.online_cb = 9;
	s.online_cb_reason.reset();
	EXPECT_EQ(shown(s), "unknown(9)");

	const Json j = render_json([](Formatter &f) {
		Status idle;
		idle.online_cb = MEMPLUG_ONLINE_CB_IDLE;
		idle.online_cb_ranges = 0;
		f.status(idle, std::nullopt, {});
	});
	EXPECT_EQ(j["online_callback"], "idle");
	EXPECT_EQ(j["online_callback_reason"], nullptr);
	EXPECT_EQ(j["online_callback_ranges"], 0);
}

TEST(TextFormat, FailedRangeInTheList)
{
	Range r = sample_range();
	r.state = MEMPLUG_RANGE_STATE_FAILED;
	r.blocks_online = 0;
	r.blocks_present = 2;
	Range whole = sample_range();
	whole.id = 2;
	whole.start = 0x60000000;
	whole.blocks_present = 4;
	whole.name = "";
	const std::string list = render(OutputFormat::Text, [&](Formatter &f) {
		f.ranges({r, whole});
	});
	EXPECT_EQ(list, "ID  START       END         SIZE  NODE  STATE   BLOCKS           POLICY   "
			"PROTECT  TIER  MEMTIER  ADISTANCE  NAME\n"
			"1   0x40000000  0x5fffffff  512M  0     failed  0/4 (2 present)  movable  "
			"no       -     -        -          cxl0\n"
			"2   0x60000000  0x7fffffff  512M  0     online  4/4              movable  "
			"no       -     -        -          \n");

	// A failed removal leaves its reason, said below the table.
	r.fail_reason = "memplug: a memory block could not be offlined";
	r.fail_errno = -EBUSY;
	r.fail_block = 9;
	const std::string reasons = render(OutputFormat::Text, [&](Formatter &f) {
		f.ranges({r, whole});
	});
	EXPECT_EQ(reasons.substr(list.size()),
		  "range 1: last failure: memplug: a memory block could not be offlined (EBUSY), "
		  "memory block 9\n");
	const Json j = render_json([&](Formatter &f) { f.range(r, RangeAction::Unplugged); });
	EXPECT_EQ(j["fail_reason"], "memplug: a memory block could not be offlined");
	EXPECT_EQ(j["fail_errno"], "EBUSY");

	// cancel shows the range as list does.
	const std::string cancelled = render(
		OutputFormat::Text, [&](Formatter &f) { f.range(whole, RangeAction::Cancelled); });
	EXPECT_EQ(cancelled, render(OutputFormat::Text, [&](Formatter &f) { f.ranges({whole}); }));
}

TEST(TextFormat, Tables)
{
	const std::string list =
		render(OutputFormat::Text, [](Formatter &f) { f.ranges({sample_range()}); });
	EXPECT_EQ(list.rfind("ID  START", 0), 0u) << list;
	EXPECT_NE(list.find("0x5fffffff"), std::string::npos);
	EXPECT_NE(list.find("512M"), std::string::npos);
	EXPECT_NE(list.find("4/4"), std::string::npos);
	EXPECT_NE(list.find("cxl0"), std::string::npos);

	const std::string plugged = render(OutputFormat::Text, [](Formatter &f) {
		f.range(sample_range(), RangeAction::Plugged);
	});
	EXPECT_EQ(plugged, "plugged range 1: 0x40000000-0x5fffffff (512M) node 0, 4/4 blocks "
			   "online, zone policy movable\n");

	Status s;
	s.version = "0.1.0";
	const std::string status =
		render(OutputFormat::Text, [&](Formatter &f) { f.status(s, std::nullopt, {}); });
	EXPECT_NE(status.find("hidden (needs CAP_SYS_ADMIN)"), std::string::npos) << status;
}

TEST(Format, Candidates)
{
	Candidate usable;
	usable.start = 0x50000000;
	usable.end = 0x7fffffff;
	usable.size = 0x30000000;
	usable.type = "Persistent Memory (legacy)";
	usable.usable = true;
	Candidate plugged = usable;
	plugged.start = 0x40000000;
	plugged.end = 0x4fffffff;
	plugged.size = 0x10000000;
	plugged.usable = false;
	plugged.reason = "plugged by memplug (range 3)";
	plugged.range = 3;

	const Json doc = render_json([&](Formatter &f) { f.candidates({plugged, usable}); });
	ASSERT_EQ(doc.size(), 1u);
	ASSERT_EQ(doc["candidates"].size(), 2u);
	const std::vector<std::tuple<std::string, Type, bool>> keys = {
		{"start", Type::String, false},  {"end", Type::String, false},
		{"size", Type::Unsigned, false}, {"type", Type::String, false},
		{"usable", Type::Bool, false},   {"needs_force", Type::Bool, false},
		{"reason", Type::String, true},  {"range", Type::Unsigned, true},
	};
	for (const auto &c : doc["candidates"])
		expect_keys(c, keys);
	EXPECT_EQ(doc["candidates"][1],
		  Json::parse(R"j({"start":"0x50000000","end":"0x7fffffff","size":805306368,
			"type":"Persistent Memory (legacy)","usable":true,"needs_force":false,
			"reason":null,"range":null})j"));
	EXPECT_EQ(doc["candidates"][0]["range"], 3);
	EXPECT_EQ(render_json([](Formatter &f) { f.candidates({}); }).dump(),
		  R"({"candidates":[]})");

	const std::string text = render(OutputFormat::Text, [&](Formatter &f) {
		f.candidates({plugged, usable});
	});
	EXPECT_EQ(text, "START       END         SIZE  TYPE                        STATUS\n"
			"0x40000000  0x4fffffff  256M  Persistent Memory (legacy)  plugged by "
			"memplug (range 3)\n"
			"0x50000000  0x7fffffff  768M  Persistent Memory (legacy)  usable\n");
}

TEST(Format, CandidatesThatNeedForce)
{
	Candidate reserved;
	reserved.start = 0x80000000;
	reserved.end = 0x87ffffff;
	reserved.size = 0x8000000;
	reserved.type = "Reserved";
	reserved.needs_force = true;
	reserved.reason = std::string(kReservedNeedsForce);
	Candidate region;
	region.start = 0x1050000000;
	region.end = 0x108fffffff;
	region.size = 0x40000000;
	region.type = "CXL region0";
	region.usable = true;

	const Json doc = render_json([&](Formatter &f) { f.candidates({reserved, region}); });
	EXPECT_EQ(doc["candidates"][0],
		  Json::parse(R"j({"start":"0x80000000","end":"0x87ffffff","size":134217728,
			"type":"Reserved","usable":false,"needs_force":true,
			"reason":"firmware-reserved: may be MMIO or firmware data; use --force only if you know RAM backs it",
			"range":null})j"));
	EXPECT_EQ(doc["candidates"][1]["type"], "CXL region0");
	EXPECT_EQ(doc["candidates"][1]["needs_force"], false);

	const std::string text = render(OutputFormat::Text, [&](Formatter &f) {
		f.candidates({reserved, region});
	});
	EXPECT_EQ(text, "START         END           SIZE  TYPE         STATUS\n"
			"0x80000000    0x87ffffff    128M  Reserved     needs --force: "
			"firmware-reserved: may be MMIO or firmware data; use --force only if you "
			"know RAM backs it\n"
			"0x1050000000  0x108fffffff  1G    CXL region0  usable\n");
}

TEST(JsonFormat, DocumentsEndWithWarningsAndFormat)
{
	std::ostringstream out;
	std::vector<std::string> warnings;
	auto f = make_formatter(OutputFormat::Json, out, {}, &warnings);
	// What is warned of before the document is printed is in it.
	warnings.push_back("node 0 \"ratio\"");
	f->ranges({});
	EXPECT_EQ(out.str(),
		  "{\"ranges\":[],\"warnings\":[\"node 0 \\\"ratio\\\"\"],\"format\":1}\n");

	// Monitor's records carry the format only.
	out.str("");
	f->overrun(4, 9);
	const Json rec = Json::parse(out.str());
	EXPECT_EQ(rec.back(), 1);
	EXPECT_EQ(rec["format"], 1);
	EXPECT_FALSE(rec.contains("warnings"));

	// The text formatter prints no warnings: they went to stderr.
	out.str("");
	make_formatter(OutputFormat::Text, out, {}, &warnings)->ranges({});
	EXPECT_EQ(out.str().find("ratio"), std::string::npos) << out.str();
}

TEST(JsonFormat, ErrorDocument)
{
	std::ostringstream out;
	print_json_error(out, Error::kernel("unplugging range 4", ENOENT, "no range with this id"),
			 1, {"first"});
	EXPECT_EQ(
		out.str(),
		R"j({"error":{"kind":"kernel","message":"unplugging range 4: no range with this id (ENOENT)","errno":"ENOENT","reason":"no range with this id","signal":null,"exit_code":1},"warnings":["first"],"format":1})j"
		"\n");

	out.str("");
	print_json_error(out, Error::cancelled("plugging 0x40000000+1G", SIGTERM), 143, {});
	Json doc = Json::parse(out.str());
	EXPECT_EQ(doc["error"]["kind"], "cancelled");
	EXPECT_EQ(doc["error"]["signal"], "SIGTERM");
	EXPECT_EQ(doc["error"]["errno"], nullptr);
	EXPECT_EQ(doc["error"]["exit_code"], 143);

	out.str("");
	print_json_error(out, "usage", "--start is required", 2, {});
	EXPECT_EQ(
		out.str(),
		R"j({"error":{"kind":"usage","message":"--start is required","errno":null,"reason":null,"signal":null,"exit_code":2},"warnings":[],"format":1})j"
		"\n");
}
