// SPDX-License-Identifier: GPL-2.0
//
// parse_iomem() and find_candidates() (memplugctl candidates) on the input
// as /proc/iomem, every other CXL region committed. A parse that succeeds
// gives ordered intervals whose parent is the nearest earlier entry
// indented less, and reads the same when written back in the kernel's
// format. Every candidate, for a small and a large block size, lies inside
// a candidate region, has a size that matches its bounds, and is usable or
// needs --force only if block aligned, at least one block and clear of
// every child resource of its region; when the input is a resource tree as
// the kernel's is (children inside their parent, siblings in order and
// apart), also clear of every other such part. Usable parts lie in device
// memory or a committed CXL region, parts that need --force carry the
// kernel's reason for their region, and memplug's claims are never busy.
#include <algorithm>
#include <cinttypes>
#include <string>

#include "fuzz.hpp"
#include "memplug/iomem.hpp"

using namespace memplug;

namespace {

using U128 = unsigned __int128;

std::string render(const std::vector<IomemEntry> &entries)
{
	std::string text;
	char buf[48];
	for (const auto &e : entries) {
		std::snprintf(buf, sizeof(buf), "%" PRIx64 "-%" PRIx64 " : ", e.start, e.end);
		text += std::string(e.indent, ' ') + buf + e.name + "\n";
	}
	return text;
}

bool same(const std::vector<IomemEntry> &a, const std::vector<IomemEntry> &b)
{
	return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto &x, const auto &y) {
		return x.start == y.start && x.end == y.end && x.name == y.name &&
		       x.indent == y.indent && x.parent == y.parent;
	});
}

bool overlap(std::uint64_t s1, std::uint64_t e1, std::uint64_t s2, std::uint64_t e2)
{
	return s1 <= e2 && s2 <= e1;
}

// Whether @entries nest as a kernel resource tree does.
bool is_tree(const std::vector<IomemEntry> &entries)
{
	std::vector<int> last_child(entries.size() + 1, -1); // [0]: the top level
	for (std::size_t i = 0; i < entries.size(); i++) {
		const IomemEntry &e = entries[i];
		if (e.parent >= 0) {
			const IomemEntry &p = entries[static_cast<std::size_t>(e.parent)];
			if (e.start < p.start || e.end > p.end)
				return false;
		}
		int &prev = last_child[static_cast<std::size_t>(e.parent + 1)];
		if (prev >= 0 && entries[static_cast<std::size_t>(prev)].end >= e.start)
			return false;
		prev = static_cast<int>(i);
	}
	return true;
}

bool is_device(std::string_view name)
{
	return name == "Persistent Memory (legacy)" || name == "Persistent Memory" ||
	       name == "Soft Reserved";
}

// The type find_candidates() gives the parts of entry @r.
std::string type_of(const std::vector<IomemEntry> &entries, std::size_t r)
{
	return is_cxl_region(entries, r) ? "CXL " + entries[r].name : entries[r].name;
}

void check_candidates(const std::vector<IomemEntry> &entries, std::uint64_t bs)
{
	const bool tree = is_tree(entries);
	std::vector<Range> ranges;
	for (std::size_t i = 0; i < entries.size(); i++) {
		if (entries[i].name != kMemplugResource || ranges.size() >= 8)
			continue;
		Range r;
		r.id = static_cast<std::uint32_t>(i + 1);
		r.start = entries[i].start;
		r.size = entries[i].end - entries[i].start + 1;
		ranges.push_back(r);
	}
	const auto regions = cxl_regions(entries);
	std::vector<std::string> committed;
	for (std::size_t i = 0; i < regions.size(); i += 2)
		committed.push_back(regions[i]);
	const auto is_committed = [&](const std::string &name) {
		return std::find(committed.begin(), committed.end(), name) != committed.end();
	};

	const std::string busy_claim = "busy: claimed by " + std::string(kMemplugClaim);

	const auto out = find_candidates(entries, bs, ranges, committed);
	for (std::size_t k = 0; k < out.size(); k++) {
		const Candidate &c = out[k];
		FUZZ_CHECK(k == 0 || out[k - 1].start <= c.start);
		FUZZ_CHECK(c.start <= c.end);
		FUZZ_CHECK(c.size == c.end - c.start + 1);
		FUZZ_CHECK(c.usable != c.reason.has_value());
		FUZZ_CHECK(!(c.usable && c.needs_force));
		FUZZ_CHECK(!c.range || c.reason->rfind("plugged by memplug", 0) == 0);
		FUZZ_CHECK(!c.reason || c.reason->rfind(busy_claim, 0) != 0);

		// Inside a region of its type; a part that could be plugged
		// also clear of that region's children, and allowed by it.
		const auto inside = [&](std::size_t r) {
			const IomemEntry &e = entries[r];
			return type_of(entries, r) == c.type && e.start <= c.start &&
			       c.end <= e.end;
		};
		const auto clear = [&](std::size_t r) {
			return std::none_of(entries.begin(), entries.end(), [&](const auto &e) {
				return e.parent == static_cast<int>(r) &&
				       overlap(c.start, c.end, e.start, e.end);
			});
		};
		const auto allows = [&](std::size_t r) {
			const IomemEntry &e = entries[r];
			if (c.usable)
				return is_device(e.name) ||
				       (is_cxl_region(entries, r) && is_committed(e.name));
			if (e.name == "Reserved")
				return *c.reason == kReservedNeedsForce;
			if (is_cxl_region(entries, r))
				return !is_committed(e.name) && *c.reason == kCxlRegionNotCommitted;
			return *c.reason == kCxlWindowNeedsForce;
		};
		bool found = false, found_clear = false;
		for (std::size_t r = 0; r < entries.size(); r++) {
			if (!inside(r))
				continue;
			found = true;
			found_clear = found_clear || (clear(r) && allows(r));
		}
		FUZZ_CHECK(found);

		const U128 first = (U128{c.start} + bs - 1) / bs * bs;
		const U128 past = (U128{c.end} + 1) / bs * bs;
		if (c.reason && *c.reason == "too small")
			FUZZ_CHECK(past <= first); // not even one block fits
		const auto pluggable = [](const Candidate &x) {
			return x.usable || x.needs_force;
		};
		if (!pluggable(c))
			continue;
		FUZZ_CHECK(first == c.start && past == U128{c.end} + 1 && past > first);

		FUZZ_CHECK(found_clear);
		for (std::size_t m = 0; m < k && tree; m++)
			if (pluggable(out[m]))
				FUZZ_CHECK(!overlap(c.start, c.end, out[m].start, out[m].end));
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	const auto entries = parse_iomem(fuzz::as_text(data, size));
	if (!entries) {
		FUZZ_CHECK(entries.error().errnum() == EPROTO);
		return 0;
	}
	for (std::size_t i = 0; i < entries->size(); i++) {
		const IomemEntry &e = (*entries)[i];
		FUZZ_CHECK(e.start <= e.end);
		FUZZ_CHECK(e.name.empty() || (e.name.back() != ' ' && e.name.back() != '\r'));
		// The parent: the nearest earlier entry indented less.
		int parent = -1;
		for (std::size_t j = i; j-- > 0;) {
			if ((*entries)[j].indent < e.indent) {
				parent = static_cast<int>(j);
				break;
			}
		}
		FUZZ_CHECK(e.parent == parent);
	}
	const auto again = parse_iomem(render(*entries));
	FUZZ_CHECK(again.ok() && same(*entries, *again));
	if (iomem_hidden(*entries))
		FUZZ_CHECK(std::all_of(entries->begin(), entries->end(),
				       [](const auto &e) { return e.start == 0 && e.end == 0; }));

	check_candidates(*entries, 4096);
	check_candidates(*entries, std::uint64_t{128} << 20);
	return 0;
}
