// SPDX-License-Identifier: GPL-2.0
//
// decode_status(), decode_range() and decode_block() on a generic netlink
// reply whose attribute stream is the input after its first byte (which
// picks the decoder and the command). A decode that succeeds must agree
// with an independent reading of the attributes as the spec types them
// (each long enough for its type, the last of each type counts, required
// ones present, every errno a negative errno, every nest in order), and
// the record must go through the text and JSON output, the JSON parsing
// back with the same values.
#include <cerrno>
#include <sstream>

#include <nlohmann/json.hpp>

#include "fuzz.hpp"
#include "memplug/codec.hpp"
#include "memplug/format.hpp"
#include "memplug/tiers.hpp"

using namespace memplug;
using fuzz::Tlv;
using fuzz::value;

namespace {

constexpr std::uint16_t kFamily = 0x1d;

bool is_errno(const std::optional<std::int32_t> &e)
{
	return !e || (*e < 0 && *e >= -4095);
}

// Both formats; the JSON document, parsed back.
template <typename Print>
nlohmann::json print(Print print)
{
	std::ostringstream text;
	print(*make_formatter(OutputFormat::Text, text));
	FUZZ_CHECK(!text.str().empty());
	std::ostringstream json;
	print(*make_formatter(OutputFormat::Json, json));
	const std::string doc = json.str();
	FUZZ_CHECK(!doc.empty() && doc.back() == '\n');
	FUZZ_CHECK(doc.find('\n') == doc.size() - 1); // one line
	return nlohmann::json::parse(doc);
}

void check_status(const nlmsghdr *hdr, const std::vector<Tlv> &a)
{
	const auto s = decode_status(hdr);
	if (!s) {
		FUZZ_CHECK(s.error().errnum() == EPROTO);
		return;
	}
	FUZZ_CHECK(fuzz::well_formed(a, proto::status_attrs));
	FUZZ_CHECK(s->version == value(a, proto::status::version));
	FUZZ_CHECK(s->block_size == value(a, proto::status::block_size));
	FUZZ_CHECK(s->pluggable_start == value(a, proto::status::pluggable_start));
	FUZZ_CHECK(s->pluggable_end == value(a, proto::status::pluggable_end));
	FUZZ_CHECK(s->online_cb == value(a, proto::status::online_cb));
	FUZZ_CHECK(s->online_cb_reason == value(a, proto::status::online_cb_reason));
	FUZZ_CHECK(s->ranges == value(a, proto::status::ranges));
	FUZZ_CHECK(s->plugged_bytes == value(a, proto::status::plugged_bytes));
	FUZZ_CHECK(s->plugs == value(a, proto::status::plugs));
	FUZZ_CHECK(s->unplugs == value(a, proto::status::unplugs));
	FUZZ_CHECK(s->plug_failures == value(a, proto::status::plug_failures));
	FUZZ_CHECK(s->unplug_failures == value(a, proto::status::unplug_failures));
	FUZZ_CHECK(s->vetoes == value(a, proto::status::vetoes));
	FUZZ_CHECK(s->event_seq == value(a, proto::status::event_seq));
	FUZZ_CHECK(s->event_oldest == value(a, proto::status::event_oldest));
	FUZZ_CHECK(s->event_ring_size == value(a, proto::status::event_ring_size));
	FUZZ_CHECK(s->objects == value(a, proto::status::objects));
	FUZZ_CHECK(s->kdump == value(a, proto::status::kdump));
	FUZZ_CHECK(s->online_cb_ranges == value(a, proto::status::online_cb_ranges));

	// Every MEMTYPE nest, in order, each with its NODE, ADISTANCE and RANGES.
	std::vector<MemType> memtypes;
	for (const Tlv &t : a) {
		if (t.type != proto::status::memtype.id)
			continue;
		const auto nested = fuzz::walk(t.data, t.len);
		const auto node = value(nested, proto::memtype::node);
		const auto adistance = value(nested, proto::memtype::adistance);
		const auto ranges = value(nested, proto::memtype::ranges);
		FUZZ_CHECK(node && adistance && ranges);
		memtypes.push_back({*node, *adistance, *ranges});
	}
	FUZZ_CHECK(s->memtypes == memtypes);

	// Each node memplug typed once, unknown to the kernel's tiers.
	const auto tiers = node_tiers({}, {}, s->memtypes);
	const auto j = print([&](Formatter &f) { f.status(*s, std::nullopt, tiers); });
	FUZZ_CHECK(j["nodes"].size() == tiers.size());
	for (std::size_t i = 0; i < tiers.size(); i++) {
		FUZZ_CHECK(j["nodes"][i]["node"] == tiers[i].node);
		FUZZ_CHECK(j["nodes"][i]["tier"] == nullptr);
		FUZZ_CHECK(j["nodes"][i]["adistance"] == tiers[i].adistance.value());
		FUZZ_CHECK(j["nodes"][i]["memplug_ranges"] == tiers[i].memplug_ranges);
	}
	FUZZ_CHECK(j["block_size"] == (s->block_size ? nlohmann::json(*s->block_size) : nullptr));
	FUZZ_CHECK(j["kdump"] == s->kdump);
	FUZZ_CHECK(j["online_callback_ranges"] ==
		   (s->online_cb_ranges ? nlohmann::json(*s->online_cb_ranges) : nullptr));
}

void check_range(const nlmsghdr *hdr, const std::vector<Tlv> &a)
{
	const auto r = decode_range(hdr);
	if (!r) {
		FUZZ_CHECK(r.error().errnum() == EPROTO);
		return;
	}
	FUZZ_CHECK(fuzz::well_formed(a, proto::range_attrs));
	FUZZ_CHECK(r->id == value(a, proto::range::id));
	FUZZ_CHECK(r->start == value(a, proto::range::start));
	FUZZ_CHECK(r->size == value(a, proto::range::size));
	FUZZ_CHECK(r->node == value(a, proto::range::node));
	FUZZ_CHECK(r->name == value(a, proto::range::name).value_or(""));
	FUZZ_CHECK(r->state == value(a, proto::range::state).value_or(0));
	FUZZ_CHECK(r->zone_policy == value(a, proto::range::zone_policy));
	FUZZ_CHECK(r->protect == (value(a, proto::range::protect).value_or(0) != 0));
	FUZZ_CHECK(r->verify == value(a, proto::range::verify));
	FUZZ_CHECK(r->memmap_on_memory == value(a, proto::range::memmap_on_memory));
	FUZZ_CHECK(r->defer_online == value(a, proto::range::defer_online));
	FUZZ_CHECK(r->group_id == value(a, proto::range::group_id));
	FUZZ_CHECK(r->blocks == value(a, proto::range::blocks));
	FUZZ_CHECK(r->blocks_online == value(a, proto::range::blocks_online));
	FUZZ_CHECK(r->pages_online == value(a, proto::range::pages_online));
	FUZZ_CHECK(r->pages_excluded == value(a, proto::range::pages_excluded));
	FUZZ_CHECK(r->pages_verified == value(a, proto::range::pages_verified));
	FUZZ_CHECK(r->pages_bad == value(a, proto::range::pages_bad));
	FUZZ_CHECK(r->add_ns == value(a, proto::range::add_ns));
	FUZZ_CHECK(r->remove_ns == value(a, proto::range::remove_ns));
	FUZZ_CHECK(r->online_ns == value(a, proto::range::online_ns));
	FUZZ_CHECK(r->offline_ns == value(a, proto::range::offline_ns));
	FUZZ_CHECK(r->fail_block == value(a, proto::range::fail_block));
	FUZZ_CHECK(r->fail_errno == value(a, proto::range::fail_errno));
	FUZZ_CHECK(is_errno(r->fail_errno));
	FUZZ_CHECK(r->blocks_present == value(a, proto::range::blocks_present));
	FUZZ_CHECK(r->rollback_attempts == value(a, proto::range::rollback_attempts));
	FUZZ_CHECK(r->plugged_by == value(a, proto::range::plugged_by));
	FUZZ_CHECK(r->fail_reason == value(a, proto::range::fail_reason));
	FUZZ_CHECK(r->blocks_done == value(a, proto::range::blocks_done));
	FUZZ_CHECK(r->bytes_done == value(a, proto::range::bytes_done));
	FUZZ_CHECK(r->tier == value(a, proto::range::tier));
	FUZZ_CHECK(r->adistance == value(a, proto::range::adistance));

	// Every EXCLUDE nest, in order, each with its own START and SIZE.
	std::vector<Exclude> excludes;
	for (const Tlv &t : a) {
		if (t.type != proto::range::exclude.id)
			continue;
		const auto nested = fuzz::walk(t.data, t.len);
		const auto start = value(nested, proto::exclude::start);
		const auto size = value(nested, proto::exclude::size);
		FUZZ_CHECK(start && size);
		excludes.push_back({*start, *size});
	}
	FUZZ_CHECK(r->excludes == excludes);

	const auto j = print([&](Formatter &f) { f.ranges({*r}); })["ranges"][0];
	FUZZ_CHECK(j["id"] == r->id);
	FUZZ_CHECK(j["start"] == hex(r->start));
	FUZZ_CHECK(j["size"] == r->size);
	FUZZ_CHECK(j["excludes"].size() == r->excludes.size());
	FUZZ_CHECK(j["state"] == range_state_name(*r));
	FUZZ_CHECK(j["blocks_present"] ==
		   (r->blocks_present ? nlohmann::json(*r->blocks_present) : nullptr));
	FUZZ_CHECK(j["rollback_attempts"] ==
		   (r->rollback_attempts ? nlohmann::json(*r->rollback_attempts) : nullptr));
	FUZZ_CHECK(j["bytes_done"] == (r->bytes_done ? nlohmann::json(*r->bytes_done) : nullptr));
	FUZZ_CHECK(j["tier"] == (r->tier ? nlohmann::json(tier_name(*r->tier)) : nullptr));
	FUZZ_CHECK(j["node_tier"] == nullptr); // no memory tiers given
	FUZZ_CHECK(j["adistance"] == (r->adistance ? nlohmann::json(*r->adistance) : nullptr));
	print([&](Formatter &f) { f.range(*r, RangeAction::Plugged); });
	print([&](Formatter &f) { f.range(*r, RangeAction::Cancelled); });
}

void check_block(const nlmsghdr *hdr, const std::vector<Tlv> &a)
{
	const auto b = decode_block(hdr);
	if (!b) {
		FUZZ_CHECK(b.error().errnum() == EPROTO);
		return;
	}
	FUZZ_CHECK(fuzz::well_formed(a, proto::block_attrs));
	FUZZ_CHECK(b->id == value(a, proto::block::id));
	FUZZ_CHECK(b->range_id == value(a, proto::block::range_id).value_or(0));
	FUZZ_CHECK(b->start == value(a, proto::block::start));
	FUZZ_CHECK(b->size == value(a, proto::block::size).value_or(0));
	FUZZ_CHECK(b->state == value(a, proto::block::state));
	FUZZ_CHECK(b->zone == value(a, proto::block::zone));
	FUZZ_CHECK(b->node == value(a, proto::block::node));

	const auto j = print([&](Formatter &f) { f.blocks({*b}); })["blocks"][0];
	FUZZ_CHECK(j["block"] == b->id);
	FUZZ_CHECK(j["start"] == hex(b->start));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	if (size < 1)
		return 0;
	const unsigned which = data[0] % 3;
	static constexpr std::uint8_t cmds[] = {MEMPLUG_CMD_STATUS_GET, MEMPLUG_CMD_RANGE_GET,
						MEMPLUG_CMD_BLOCK_GET};
	const auto msg = fuzz::genl_message(kFamily, cmds[which], MEMPLUG_FAMILY_VERSION, data + 1,
					    size - 1);
	const auto *hdr = reinterpret_cast<const nlmsghdr *>(msg.data());
	const auto attrs = fuzz::genl_attrs(msg);
	switch (which) {
	case 0:
		check_status(hdr, attrs);
		break;
	case 1:
		check_range(hdr, attrs);
		break;
	default:
		check_block(hdr, attrs);
		break;
	}
	return 0;
}
