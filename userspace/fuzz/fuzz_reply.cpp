// SPDX-License-Identifier: GPL-2.0
//
// decode_status(), decode_range() and decode_block() on a generic netlink
// reply whose attribute stream is the input after its first byte (which
// picks the decoder and the command). A decode that succeeds must agree
// with an independent reading of the attributes (the last of each type
// counts, required ones present, every errno a negative errno), and the
// record must go through the text and JSON output, the JSON parsing back
// with the same values.
#include <cerrno>
#include <sstream>

#include <nlohmann/json.hpp>

#include "fuzz.hpp"
#include "memplug/codec.hpp"
#include "memplug/format.hpp"

using namespace memplug;
using fuzz::has;
using fuzz::string_value;
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
	FUZZ_CHECK(s->version == string_value(a, MEMPLUG_A_STATUS_VERSION));
	FUZZ_CHECK(s->block_size == value<std::uint64_t>(a, MEMPLUG_A_STATUS_BLOCK_SIZE));
	FUZZ_CHECK(s->pluggable_start == value<std::uint64_t>(a, MEMPLUG_A_STATUS_PLUGGABLE_START));
	FUZZ_CHECK(s->pluggable_end == value<std::uint64_t>(a, MEMPLUG_A_STATUS_PLUGGABLE_END));
	FUZZ_CHECK(s->online_cb == value<std::uint32_t>(a, MEMPLUG_A_STATUS_ONLINE_CB));
	FUZZ_CHECK(s->online_cb_reason == string_value(a, MEMPLUG_A_STATUS_ONLINE_CB_REASON));
	FUZZ_CHECK(s->ranges == value<std::uint32_t>(a, MEMPLUG_A_STATUS_RANGES));
	FUZZ_CHECK(s->plugged_bytes == value<std::uint64_t>(a, MEMPLUG_A_STATUS_PLUGGED_BYTES));
	FUZZ_CHECK(s->plugs == value<std::uint64_t>(a, MEMPLUG_A_STATUS_PLUGS));
	FUZZ_CHECK(s->unplugs == value<std::uint64_t>(a, MEMPLUG_A_STATUS_UNPLUGS));
	FUZZ_CHECK(s->plug_failures == value<std::uint64_t>(a, MEMPLUG_A_STATUS_PLUG_FAILURES));
	FUZZ_CHECK(s->unplug_failures == value<std::uint64_t>(a, MEMPLUG_A_STATUS_UNPLUG_FAILURES));
	FUZZ_CHECK(s->vetoes == value<std::uint64_t>(a, MEMPLUG_A_STATUS_VETOES));
	FUZZ_CHECK(s->event_seq == value<std::uint64_t>(a, MEMPLUG_A_STATUS_EVENT_SEQ));
	FUZZ_CHECK(s->event_oldest == value<std::uint64_t>(a, MEMPLUG_A_STATUS_EVENT_OLDEST));
	FUZZ_CHECK(s->event_ring_size == value<std::uint32_t>(a, MEMPLUG_A_STATUS_EVENT_RING_SIZE));
	FUZZ_CHECK(s->objects == value<std::uint32_t>(a, MEMPLUG_A_STATUS_OBJECTS));
	FUZZ_CHECK(s->kdump == has(a, MEMPLUG_A_STATUS_KDUMP));
	FUZZ_CHECK(s->online_cb_ranges ==
		   value<std::uint32_t>(a, MEMPLUG_A_STATUS_ONLINE_CB_RANGES));

	const auto j = print([&](Formatter &f) { f.status(*s, std::nullopt); });
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
	FUZZ_CHECK(r->id == value<std::uint32_t>(a, MEMPLUG_A_RANGE_ID));
	FUZZ_CHECK(r->start == value<std::uint64_t>(a, MEMPLUG_A_RANGE_START));
	FUZZ_CHECK(r->size == value<std::uint64_t>(a, MEMPLUG_A_RANGE_SIZE));
	FUZZ_CHECK(r->node == value<std::uint32_t>(a, MEMPLUG_A_RANGE_NODE));
	FUZZ_CHECK(r->name == string_value(a, MEMPLUG_A_RANGE_NAME).value_or(""));
	FUZZ_CHECK(r->state == value<std::uint32_t>(a, MEMPLUG_A_RANGE_STATE).value_or(0));
	FUZZ_CHECK(r->zone_policy == value<std::uint32_t>(a, MEMPLUG_A_RANGE_ZONE_POLICY));
	FUZZ_CHECK(r->protect ==
		   (value<std::uint8_t>(a, MEMPLUG_A_RANGE_PROTECT).value_or(0) != 0));
	FUZZ_CHECK(r->verify == has(a, MEMPLUG_A_RANGE_VERIFY));
	FUZZ_CHECK(r->memmap_on_memory == has(a, MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY));
	FUZZ_CHECK(r->defer_online == has(a, MEMPLUG_A_RANGE_DEFER_ONLINE));
	FUZZ_CHECK(r->group_id == value<std::uint32_t>(a, MEMPLUG_A_RANGE_GROUP_ID));
	FUZZ_CHECK(r->blocks == value<std::uint32_t>(a, MEMPLUG_A_RANGE_BLOCKS));
	FUZZ_CHECK(r->blocks_online == value<std::uint32_t>(a, MEMPLUG_A_RANGE_BLOCKS_ONLINE));
	FUZZ_CHECK(r->pages_online == value<std::uint64_t>(a, MEMPLUG_A_RANGE_PAGES_ONLINE));
	FUZZ_CHECK(r->pages_excluded == value<std::uint64_t>(a, MEMPLUG_A_RANGE_PAGES_EXCLUDED));
	FUZZ_CHECK(r->pages_verified == value<std::uint64_t>(a, MEMPLUG_A_RANGE_PAGES_VERIFIED));
	FUZZ_CHECK(r->pages_bad == value<std::uint64_t>(a, MEMPLUG_A_RANGE_PAGES_BAD));
	FUZZ_CHECK(r->add_ns == value<std::uint64_t>(a, MEMPLUG_A_RANGE_ADD_NS));
	FUZZ_CHECK(r->remove_ns == value<std::uint64_t>(a, MEMPLUG_A_RANGE_REMOVE_NS));
	FUZZ_CHECK(r->online_ns == value<std::uint64_t>(a, MEMPLUG_A_RANGE_ONLINE_NS));
	FUZZ_CHECK(r->offline_ns == value<std::uint64_t>(a, MEMPLUG_A_RANGE_OFFLINE_NS));
	FUZZ_CHECK(r->fail_block == value<std::uint32_t>(a, MEMPLUG_A_RANGE_FAIL_BLOCK));
	FUZZ_CHECK(r->fail_errno == value<std::int32_t>(a, MEMPLUG_A_RANGE_FAIL_ERRNO));
	FUZZ_CHECK(is_errno(r->fail_errno));
	FUZZ_CHECK(r->blocks_present == value<std::uint32_t>(a, MEMPLUG_A_RANGE_BLOCKS_PRESENT));
	FUZZ_CHECK(r->rollback_attempts ==
		   value<std::uint32_t>(a, MEMPLUG_A_RANGE_ROLLBACK_ATTEMPTS));

	// Every EXCLUDE nest, in order, each with its own START and SIZE.
	std::vector<Exclude> excludes;
	for (const Tlv &t : a) {
		if (t.type != MEMPLUG_A_RANGE_EXCLUDE)
			continue;
		const auto nested = fuzz::walk(t.data, t.len);
		const auto start = value<std::uint64_t>(nested, MEMPLUG_A_EXCLUDE_START);
		const auto size = value<std::uint64_t>(nested, MEMPLUG_A_EXCLUDE_SIZE);
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
	FUZZ_CHECK(b->id == value<std::uint32_t>(a, MEMPLUG_A_BLOCK_ID));
	FUZZ_CHECK(b->range_id == value<std::uint32_t>(a, MEMPLUG_A_BLOCK_RANGE_ID).value_or(0));
	FUZZ_CHECK(b->start == value<std::uint64_t>(a, MEMPLUG_A_BLOCK_START));
	FUZZ_CHECK(b->size == value<std::uint64_t>(a, MEMPLUG_A_BLOCK_SIZE).value_or(0));
	FUZZ_CHECK(b->state == value<std::uint32_t>(a, MEMPLUG_A_BLOCK_STATE));
	FUZZ_CHECK(b->zone == string_value(a, MEMPLUG_A_BLOCK_ZONE));
	FUZZ_CHECK(b->node == value<std::uint32_t>(a, MEMPLUG_A_BLOCK_NODE));

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
