// SPDX-License-Identifier: GPL-2.0
#include "memplug/iomem.hpp"

#include <algorithm>
#include <cerrno>

#include "memplug/parse.hpp"

namespace memplug {

namespace {

Error malformed(std::size_t line, const std::string &why)
{
	return Error::system("parsing /proc/iomem", EPROTO,
			     "line " + std::to_string(line) + ": " + why);
}

// parse_kernel_hex() into @value; false if it is not that.
bool parse_hex(std::string_view s, std::uint64_t &value)
{
	const auto v = parse_kernel_hex(s);
	if (v)
		value = *v;
	return v.has_value();
}

// An inclusive interval.
struct Span {
	std::uint64_t start;
	std::uint64_t end;
};

// The parts of @whole that none of @covered (sorted, inside @whole) cover.
std::vector<Span> gaps(Span whole, const std::vector<Span> &covered)
{
	std::vector<Span> out;
	std::uint64_t next = whole.start; // first address not yet accounted for
	bool done = false;
	for (const auto &c : covered) {
		if (done)
			break;
		if (c.start > next)
			out.push_back({next, c.start - 1});
		if (c.end >= next) {
			if (c.end == whole.end) {
				done = true;
				break;
			}
			next = c.end + 1;
		}
	}
	if (!done && next <= whole.end)
		out.push_back({next, whole.end});
	return out;
}

// The range of memplug's that holds [start, end], if any.
std::optional<std::uint32_t> owner(const std::vector<Range> &ranges, std::uint64_t start,
				   std::uint64_t end)
{
	for (const auto &r : ranges)
		if (r.size && start >= r.start && end <= r.start + (r.size - 1))
			return r.id;
	return std::nullopt;
}

bool is_claim(std::string_view name)
{
	return name.substr(0, kMemplugClaim.size()) == kMemplugClaim;
}

// The range id a claim's name carries ("memplug range 3"), if well formed.
std::optional<std::uint32_t> claim_id(std::string_view name)
{
	auto id = parse_u32(name.substr(kMemplugClaim.size()), "range id");
	if (!id)
		return std::nullopt;
	return *id;
}

bool is_cxl_window(std::string_view name)
{
	constexpr std::string_view prefix = "CXL Window ";
	return name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix;
}

// "region0", as the CXL core names its regions.
bool is_region_name(std::string_view name)
{
	constexpr std::string_view prefix = "region";
	if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix)
		return false;
	name.remove_prefix(prefix.size());
	return std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// How memplug treats a region, which decides its free parts.
enum class Kind {
	None,      // not a candidate
	Device,    // Soft Reserved, Persistent Memory: plugged as it is
	Reserved,  // firmware-reserved: FORCE only
	CxlWindow, // outside its regions: FORCE only
	CxlRegion, // committed: plugged as it is; else FORCE only
};

Kind kind_of(const std::vector<IomemEntry> &entries, std::size_t i)
{
	const std::string &name = entries[i].name;
	if (name == "Persistent Memory (legacy)" || name == "Persistent Memory" ||
	    name == "Soft Reserved")
		return Kind::Device;
	if (name == "Reserved")
		return Kind::Reserved;
	if (is_cxl_window(name))
		return Kind::CxlWindow;
	if (is_cxl_region(entries, i))
		return Kind::CxlRegion;
	return Kind::None;
}

} // namespace

Result<std::vector<IomemEntry>> parse_iomem(std::string_view text)
{
	std::vector<IomemEntry> entries;
	std::size_t lineno = 0;
	while (!text.empty()) {
		const std::size_t nl = text.find('\n');
		std::string_view line = text.substr(0, nl);
		text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
		lineno++;
		if (line.find_first_not_of(" \t\r") == std::string_view::npos)
			continue;

		const std::size_t indent = line.find_first_not_of(' ');
		line.remove_prefix(indent);
		const std::size_t dash = line.find('-');
		const std::size_t sep = line.find(" : ");
		if (dash == std::string_view::npos || sep == std::string_view::npos || dash > sep)
			return malformed(lineno, "expected \"START-END : NAME\", got \"" +
							 std::string(line) + "\"");
		IomemEntry e;
		if (!parse_hex(line.substr(0, dash), e.start) ||
		    !parse_hex(line.substr(dash + 1, sep - dash - 1), e.end) || e.end < e.start)
			return malformed(lineno,
					 "bad address range in \"" + std::string(line) + "\"");
		e.name = std::string(line.substr(sep + 3));
		while (!e.name.empty() && (e.name.back() == '\r' || e.name.back() == ' '))
			e.name.pop_back();
		e.indent = static_cast<unsigned>(indent);

		// The enclosing entry: the last one less deeply indented.
		for (int i = static_cast<int>(entries.size()) - 1; i >= 0;) {
			if (entries[static_cast<std::size_t>(i)].indent < e.indent) {
				e.parent = i;
				break;
			}
			i = entries[static_cast<std::size_t>(i)].parent;
		}
		entries.push_back(std::move(e));
	}
	return entries;
}

bool iomem_hidden(const std::vector<IomemEntry> &entries)
{
	return !entries.empty() && std::all_of(entries.begin(), entries.end(), [](const auto &e) {
		return e.start == 0 && e.end == 0;
	});
}

bool is_candidate_type(std::string_view name)
{
	return name == "Persistent Memory (legacy)" || name == "Persistent Memory" ||
	       name == "Soft Reserved" || name == "Reserved" || is_cxl_window(name);
}

bool is_cxl_region(const std::vector<IomemEntry> &entries, std::size_t i)
{
	const int parent = entries[i].parent;
	return parent >= 0 && is_region_name(entries[i].name) &&
	       is_cxl_window(entries[static_cast<std::size_t>(parent)].name);
}

std::vector<std::string> cxl_regions(const std::vector<IomemEntry> &entries)
{
	std::vector<std::string> out;
	for (std::size_t i = 0; i < entries.size(); i++)
		if (is_cxl_region(entries, i) &&
		    std::find(out.begin(), out.end(), entries[i].name) == out.end())
			out.push_back(entries[i].name);
	return out;
}

bool needs_range_ids(const std::vector<IomemEntry> &entries)
{
	return std::any_of(entries.begin(), entries.end(), [&](const IomemEntry &e) {
		return e.name == kMemplugResource &&
		       (e.parent < 0 ||
			!is_claim(entries[static_cast<std::size_t>(e.parent)].name));
	});
}

std::vector<Candidate> find_candidates(const std::vector<IomemEntry> &entries,
				       std::uint64_t block_size, const std::vector<Range> &ranges,
				       const std::vector<std::string> &committed)
{
	std::vector<Candidate> out;
	if (block_size == 0)
		return out;
	// A region counts at the top level or inside another that counts:
	// not, e.g., a "Reserved" inside "PCI MMCONFIG". Parents come first.
	std::vector<Kind> kinds(entries.size(), Kind::None);
	for (std::size_t i = 0; i < entries.size(); i++) {
		const int parent = entries[i].parent;
		if (parent < 0 || kinds[static_cast<std::size_t>(parent)] != Kind::None)
			kinds[i] = kind_of(entries, i);
	}
	for (std::size_t i = 0; i < entries.size(); i++) {
		const IomemEntry &region = entries[i];
		const Kind kind = kinds[i];
		if (kind == Kind::None)
			continue;
		const std::string type =
			kind == Kind::CxlRegion ? "CXL " + region.name : region.name;
		// Why a free part of this region needs FORCE, if it does.
		std::optional<std::string_view> force;
		if (kind == Kind::Reserved) {
			force = kReservedNeedsForce;
		} else if (kind == Kind::CxlWindow) {
			force = kCxlWindowNeedsForce;
		} else if (kind == Kind::CxlRegion) {
			const auto it = std::find(committed.begin(), committed.end(), region.name);
			if (it == committed.end())
				force = kCxlRegionNotCommitted;
		}

		std::vector<Span> covered;
		std::optional<Candidate> plugged; // adjacent memplug children merge
		auto flush_plugged = [&] {
			if (!plugged)
				return;
			plugged->reason = plugged->range
						  ? "plugged by memplug (range " +
							    std::to_string(*plugged->range) + ")"
						  : std::string("plugged by memplug");
			out.push_back(*plugged);
			plugged.reset();
		};
		for (std::size_t j = i + 1; j < entries.size(); j++) {
			const IomemEntry &child = entries[j];
			if (child.parent != static_cast<int>(i))
				continue;
			const Span s{std::max(child.start, region.start),
				     std::min(child.end, region.end)};
			if (s.start > s.end)
				continue;
			covered.push_back(s);
			if (kinds[j] != Kind::None)
				continue; // reported as a region of its own
			Candidate c;
			c.start = s.start;
			c.end = s.end;
			c.size = s.end - s.start + 1;
			c.type = type;
			// memplug's claim of a range, or its memory itself (before
			// the claim): never another driver's.
			const bool claim = is_claim(child.name);
			if (claim || child.name == kMemplugResource) {
				c.range = claim ? claim_id(child.name) : std::nullopt;
				if (!c.range)
					c.range = owner(ranges, s.start, s.end);
				if (plugged && plugged->end + 1 == s.start &&
				    plugged->range == c.range) {
					plugged->end = s.end;
					plugged->size = plugged->end - plugged->start + 1;
					continue;
				}
				flush_plugged();
				plugged = c;
				continue;
			}
			flush_plugged();
			c.reason = "busy: claimed by " + child.name;
			out.push_back(c);
		}
		flush_plugged();

		std::sort(covered.begin(), covered.end(),
			  [](const Span &a, const Span &b) { return a.start < b.start; });
		for (const Span &gap : gaps({region.start, region.end}, covered)) {
			// Inward to whole blocks, in 128 bits so that nothing
			// overflows at the top of the address space.
			using U128 = unsigned __int128;
			const U128 bs = block_size;
			const U128 first = (U128{gap.start} + bs - 1) / bs * bs;
			const U128 past = (U128{gap.end} + 1) / bs * bs; // exclusive
			Candidate c;
			c.type = type;
			if (past > first) {
				c.start = static_cast<std::uint64_t>(first);
				c.end = static_cast<std::uint64_t>(past - 1);
				if (force) {
					c.needs_force = true;
					c.reason = std::string(*force);
				} else {
					c.usable = true;
				}
			} else {
				c.start = gap.start;
				c.end = gap.end;
				c.reason = "too small";
			}
			c.size = c.end - c.start + 1;
			out.push_back(c);
		}
	}
	std::stable_sort(out.begin(), out.end(),
			 [](const Candidate &a, const Candidate &b) { return a.start < b.start; });
	return out;
}

} // namespace memplug
