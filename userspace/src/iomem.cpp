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
	       name == "Soft Reserved" || name == "Reserved";
}

std::vector<Candidate> find_candidates(const std::vector<IomemEntry> &entries,
				       std::uint64_t block_size, const std::vector<Range> &ranges)
{
	std::vector<Candidate> out;
	if (block_size == 0)
		return out;
	for (std::size_t i = 0; i < entries.size(); i++) {
		const IomemEntry &region = entries[i];
		if (!is_candidate_type(region.name))
			continue;
		if (region.parent >= 0 &&
		    !is_candidate_type(entries[static_cast<std::size_t>(region.parent)].name))
			continue; // e.g. "Reserved" inside "PCI MMCONFIG"

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
			if (is_candidate_type(child.name))
				continue; // reported as a region of its own
			Candidate c;
			c.start = s.start;
			c.end = s.end;
			c.size = s.end - s.start + 1;
			c.type = region.name;
			if (child.name == kMemplugResource) {
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
			c.type = region.name;
			if (past > first) {
				c.start = static_cast<std::uint64_t>(first);
				c.end = static_cast<std::uint64_t>(past - 1);
				c.usable = true;
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
