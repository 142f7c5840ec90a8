// SPDX-License-Identifier: GPL-2.0
#include "memplug/config.hpp"

#include <algorithm>
#include <map>
#include <system_error>

#include "memplug/format.hpp"
#include "memplug/host.hpp"
#include "memplug/parse.hpp"

namespace memplug {

namespace {

constexpr std::string_view kSpace = " \t\r";

std::string_view trim(std::string_view text)
{
	const auto first = text.find_first_not_of(kSpace);
	if (first == std::string_view::npos)
		return {};
	const auto last = text.find_last_not_of(kSpace);
	return text.substr(first, last - first + 1);
}

// One "key = value" line of a file.
struct Line {
	std::string key;
	std::string value;
	unsigned number = 0;
};

// The error collector of one file.
class FileErrors {
public:
	FileErrors(const std::filesystem::path &file, std::vector<std::string> &errors)
	    : file_(file.string())
	    , errors_(errors)
	    , before_(errors.size())
	{
	}

	void at(unsigned line, const std::string &message)
	{
		errors_.push_back(file_ + ":" + std::to_string(line) + ": " + message);
	}

	void whole(const std::string &message) { errors_.push_back(file_ + ": " + message); }

	bool any() const { return errors_.size() > before_; }

private:
	std::string file_;
	std::vector<std::string> &errors_;
	std::size_t before_;
};

// An Error's words without the "--key: " CLI11 puts before a parser's.
std::string value_message(const Error &error, std::string_view key)
{
	std::string text = error.message();
	const std::string prefix = "--" + std::string(key) + ": ";
	if (text.rfind(prefix, 0) == 0)
		text.erase(0, prefix.size());
	return text;
}

// The @index-th top-level entry of @entries called @description.
const IomemEntry *find_iomem(const std::vector<IomemEntry> &entries, std::string_view description,
			     std::uint64_t index)
{
	std::uint64_t seen = 0;
	for (const auto &e : entries) {
		if (e.parent != -1 || e.name != description)
			continue;
		if (seen++ == index)
			return &e;
	}
	return nullptr;
}

std::string span(std::uint64_t start, std::uint64_t size)
{
	return hex(start) + "+" + human_size(size);
}

std::string yes_no(bool value)
{
	return value ? "yes" : "no";
}

std::string excludes_text(std::vector<Exclude> excludes)
{
	if (excludes.empty())
		return "none";
	std::sort(excludes.begin(), excludes.end(),
		  [](const Exclude &a, const Exclude &b) { return a.start < b.start; });
	std::string text;
	for (const auto &ex : excludes) {
		if (!text.empty())
			text += ",";
		text += hex(ex.start) + "-" + hex(ex.start + ex.size - 1);
	}
	return text;
}

bool overlaps(std::uint64_t a_start, std::uint64_t a_size, std::uint64_t b_start,
	      std::uint64_t b_size)
{
	return a_start < b_start + b_size && b_start < a_start + a_size;
}

} // namespace

std::optional<ConfiguredRange> parse_config_file(const std::filesystem::path &file,
						 std::string_view text, const PlugKeys &keys,
						 const std::function<Result<std::string>()> &iomem,
						 std::vector<std::string> &errors)
{
	FileErrors err(file, errors);
	std::vector<Line> lines;
	std::map<std::string, unsigned, std::less<>> seen; // key -> its line

	unsigned number = 0;
	while (!text.empty()) {
		number++;
		const auto nl = text.find('\n');
		const std::string_view raw = text.substr(0, nl);
		text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);

		const std::string_view line = trim(raw);
		if (line.empty() || line.front() == '#')
			continue;
		const auto eq = line.find('=');
		if (eq == std::string_view::npos) {
			err.at(number, "expected 'key = value'");
			continue;
		}
		const std::string key(trim(line.substr(0, eq)));
		const std::string value(trim(line.substr(eq + 1)));
		if (key.empty()) {
			err.at(number, "expected 'key = value', found no key");
			continue;
		}

		std::optional<PlugKeys::Kind> kind;
		if (key == "iomem" || key == "index")
			kind = PlugKeys::Kind::Value;
		else
			kind = keys.kind(key);
		if (!kind) {
			err.at(number, "unknown key '" + key + "'");
			continue;
		}
		if (*kind != PlugKeys::Kind::Repeated) {
			auto [it, fresh] = seen.emplace(key, number);
			if (!fresh) {
				err.at(number, "duplicate key '" + key + "' (first on line " +
						       std::to_string(it->second) + ")");
				continue;
			}
		} else {
			seen.emplace(key, number);
		}

		if (*kind == PlugKeys::Kind::Flag) {
			if (value != "yes" && value != "no") {
				err.at(number,
				       key + ": invalid value '" + value + "': expected yes or no");
				continue;
			}
		} else if (key == "iomem") {
			if (value.empty()) {
				err.at(number, "iomem: expected the description of a /proc/iomem "
					       "range");
				continue;
			}
		} else if (key == "index") {
			if (auto n = parse_u64(value, "index"); !n) {
				err.at(number, n.error().message());
				continue;
			}
		} else if (auto ok = keys.check(key, value); !ok) {
			err.at(number, value_message(ok.error(), key));
			continue;
		}
		lines.push_back({key, value, number});
	}

	auto value_of = [&lines](std::string_view key) -> const Line * {
		for (const auto &l : lines)
			if (l.key == key)
				return &l;
		return nullptr;
	};
	const Line *start = value_of("start");
	const Line *size = value_of("size");
	const Line *description = value_of("iomem");
	const Line *index = value_of("index");

	// Where the range is: start and size, or an iomem range.
	std::string start_text;
	std::string size_text;
	std::optional<std::uint64_t> iomem_size;
	if (start && description) {
		err.at(description->number,
		       "iomem and start are mutually exclusive (start on line " +
			       std::to_string(start->number) + ")");
	} else if (start) {
		if (index)
			err.at(index->number, "index needs iomem");
		if (!seen.contains("size")) // not a size refused above
			err.at(start->number, "start needs size");
		start_text = start->value;
		if (size)
			size_text = size->value;
	} else if (description) {
		const std::uint64_t n = index ? parse_u64(index->value, "index").value() : 0;
		auto text_of_iomem = iomem();
		auto entries =
			text_of_iomem
				? parse_iomem(*text_of_iomem)
				: Result<std::vector<IomemEntry>>(std::move(text_of_iomem).error());
		const IomemEntry *entry = nullptr;
		if (!entries)
			err.at(description->number, "iomem: " + entries.error().message());
		else if (iomem_hidden(*entries))
			err.at(description->number,
			       "iomem: /proc/iomem shows no addresses (it needs CAP_SYS_ADMIN)");
		else if (!(entry = find_iomem(*entries, description->value, n)))
			err.at(description->number,
			       "iomem: no top-level /proc/iomem range '" + description->value +
				       "'" +
				       (n ? " with index " + std::to_string(n) : std::string()));
		if (entry) {
			start_text = hex(entry->start);
			iomem_size = entry->end - entry->start + 1;
			size_text = size ? size->value : std::to_string(*iomem_size);
		}
	} else if (!err.any()) {
		err.whole("needs start and size, or iomem");
	}
	if (err.any())
		return std::nullopt;

	std::vector<std::pair<std::string, std::string>> options;
	options.emplace_back("start", start_text);
	options.emplace_back("size", size_text);
	for (const auto &l : lines)
		if (l.key != "start" && l.key != "size" && l.key != "iomem" && l.key != "index")
			options.emplace_back(l.key, l.value);
	auto request = keys.request(options);
	if (!request) {
		err.whole(request.error().message());
		return std::nullopt;
	}
	if (iomem_size && request->size > *iomem_size) {
		err.at(size->number, "size: " + human_size(request->size) +
					     " is more than the iomem range's " +
					     human_size(*iomem_size));
		return std::nullopt;
	}
	if (!request->name)
		request->name = file.stem().string();
	return ConfiguredRange{file, std::move(*request)};
}

Config read_config(const std::filesystem::path &dir, const PlugKeys &keys,
		   const std::filesystem::path &iomem_path)
{
	Config config;
	std::vector<std::filesystem::path> files;
	std::error_code ec;
	std::filesystem::directory_iterator it(dir, ec);
	if (ec) {
		config.errors.push_back(dir.string() + ": " + ec.message());
		return config;
	}
	for (const auto &entry : it)
		if (entry.path().extension() == ".conf" && !entry.is_directory())
			files.push_back(entry.path());
	std::sort(files.begin(), files.end());

	std::optional<Result<std::string>> iomem_text;
	auto iomem = [&]() -> Result<std::string> {
		if (!iomem_text)
			iomem_text = read_text_file(iomem_path);
		return *iomem_text;
	};
	for (const auto &file : files) {
		auto text = read_text_file(file);
		if (!text) {
			config.errors.push_back(file.string() + ": " + text.error().message());
			continue;
		}
		if (auto range = parse_config_file(file, *text, keys, iomem, config.errors))
			config.ranges.push_back(std::move(*range));
	}

	// No two files may name the same memory.
	for (std::size_t i = 0; i < config.ranges.size(); i++) {
		for (std::size_t j = 0; j < i; j++) {
			const PlugRequest &a = config.ranges[j].request;
			const PlugRequest &b = config.ranges[i].request;
			if (overlaps(a.start, a.size, b.start, b.size))
				config.errors.push_back(config.ranges[i].file.string() +
							": range " + span(b.start, b.size) +
							" overlaps " + span(a.start, a.size) +
							" of " + config.ranges[j].file.string());
		}
	}
	return config;
}

std::string_view apply_action_name(ApplyAction action)
{
	switch (action) {
	case ApplyAction::Plug:
		return "plug";
	case ApplyAction::Keep:
		return "keep";
	case ApplyAction::Protect:
		return "protect";
	case ApplyAction::Unprotect:
		return "unprotect";
	case ApplyAction::Differs:
		return "differs";
	case ApplyAction::Replace:
		return "replace";
	case ApplyAction::Conflict:
		return "conflict";
	case ApplyAction::Extra:
		return "extra";
	case ApplyAction::Prune:
		return "prune";
	}
	return "unknown";
}

std::vector<std::string> range_differences(const PlugRequest &request, const Range &range)
{
	std::vector<std::string> diffs;
	auto differ = [&diffs](const std::string &what, const std::string &is,
			       const std::string &configured) {
		diffs.push_back(what + " " + is + ", configured " + configured);
	};
	if (range.state != MEMPLUG_RANGE_STATE_PLUGGED)
		diffs.push_back("state " + range_state_name(range));
	const std::string name = request.name.value_or("");
	if (range.name != name)
		differ("name", "'" + range.name + "'", "'" + name + "'");
	if (request.node && range.node && *range.node != *request.node)
		differ("node", std::to_string(*range.node), std::to_string(*request.node));

	const std::string online = std::string(online_type_name(request.online));
	const std::string state = range_state_name(range);
	if (range.state == MEMPLUG_RANGE_STATE_PLUGGED) {
		if (request.online == OnlineType::None && state != "offline")
			differ("blocks", state, "online none");
		else if (request.online != OnlineType::None && state != "online")
			differ("blocks", state, "online " + online);
	}
	const ZonePolicy zone = request.zone.value_or(default_zone_policy(request.online));
	if (range.zone_policy && *range.zone_policy != static_cast<std::uint32_t>(zone))
		differ("zone", zone_policy_name(*range.zone_policy),
		       zone_policy_name(static_cast<std::uint32_t>(zone)));
	if (range.verify != request.verify)
		differ("verify", yes_no(range.verify), yes_no(request.verify));
	if (range.memmap_on_memory != request.memmap_on_memory)
		differ("memmap-on-memory", yes_no(range.memmap_on_memory),
		       yes_no(request.memmap_on_memory));
	if (excludes_text(range.excludes) != excludes_text(request.excludes))
		differ("exclude", excludes_text(range.excludes), excludes_text(request.excludes));

	const TierRequest tier = request.tier.value_or(TierRequest{});
	if (range.tier && *range.tier != static_cast<std::uint32_t>(tier.tier))
		differ("tier", tier_name(*range.tier),
		       tier_name(static_cast<std::uint32_t>(tier.tier)));
	else if (range.tier && tier.tier == Tier::Adistance && tier.adistance &&
		 range.adistance != tier.adistance)
		differ("tier", range.adistance ? std::to_string(*range.adistance) : "none",
		       std::to_string(*tier.adistance));
	return diffs;
}

std::vector<ApplyStep> plan_apply(const std::vector<ConfiguredRange> &config,
				  const std::vector<Range> &plugged, bool prune)
{
	std::vector<ApplyStep> steps;
	std::vector<bool> described(plugged.size(), false);
	std::vector<ApplyStep> removals;

	for (std::size_t i = 0; i < config.size(); i++) {
		const PlugRequest &req = config[i].request;
		ApplyStep step;
		step.config = i;
		const Range *same = nullptr;
		std::vector<const Range *> overlapping;
		for (std::size_t p = 0; p < plugged.size(); p++) {
			const Range &r = plugged[p];
			if (r.start == req.start && r.size == req.size) {
				same = &r;
				described[p] = true;
			} else if (overlaps(r.start, r.size, req.start, req.size)) {
				overlapping.push_back(&r);
			}
		}
		if (same) {
			step.range = *same;
			step.details = range_differences(req, *same);
			std::optional<bool> protect;
			if (same->protect != req.protect)
				protect = req.protect;
			if (step.details.empty() && !protect)
				step.action = ApplyAction::Keep;
			else if (step.details.empty())
				step.action =
					*protect ? ApplyAction::Protect : ApplyAction::Unprotect;
			else if (prune)
				step.action = ApplyAction::Replace;
			else {
				step.action = ApplyAction::Differs;
				step.set_protect = protect;
				if (protect)
					step.details.push_back("protect " + yes_no(same->protect) +
							       ", configured " +
							       yes_no(req.protect) +
							       " (set in place)");
			}
		} else if (!overlapping.empty() && !prune) {
			step.action = ApplyAction::Conflict;
			for (const Range *r : overlapping)
				step.details.push_back("overlaps range " + std::to_string(r->id) +
						       " " + span(r->start, r->size));
		} else {
			step.action = ApplyAction::Plug;
		}
		steps.push_back(std::move(step));
	}

	std::vector<const Range *> extra;
	for (std::size_t p = 0; p < plugged.size(); p++)
		if (!described[p])
			extra.push_back(&plugged[p]);
	std::sort(extra.begin(), extra.end(),
		  [](const Range *a, const Range *b) { return a->start < b->start; });
	for (const Range *r : extra) {
		ApplyStep step;
		step.action = prune ? ApplyAction::Prune : ApplyAction::Extra;
		step.range = *r;
		step.details.push_back("in no configuration file");
		steps.push_back(std::move(step));
	}
	return steps;
}

namespace {

void record(ApplyStep &step, const Result<Range> &result)
{
	if (result) {
		step.outcome = ApplyOutcome::Done;
		step.result = *result;
	} else {
		step.outcome = ApplyOutcome::Failed;
		step.error = result.error().message();
	}
}

} // namespace

void execute_apply(Backend &backend, const System &system,
		   const std::vector<ConfiguredRange> &config, std::vector<ApplyStep> &steps,
		   const Warn &warn, const OpHooks &hooks)
{
	auto stopped = [&hooks] {
		return hooks.stop && hooks.stop() != 0;
	};
	auto unplug_step = [&](ApplyStep &step) {
		UnplugRequest req;
		req.id = step.range->id;
		auto result = unplug(backend, req, hooks);
		record(step, result);
		return static_cast<bool>(result);
	};

	// Removals first: they may free what a plug needs.
	for (auto &step : steps) {
		if (step.action != ApplyAction::Prune && step.action != ApplyAction::Replace)
			continue;
		if (stopped())
			break;
		unplug_step(step);
	}
	for (auto &step : steps) {
		std::optional<bool> protect;
		if (step.action == ApplyAction::Protect || step.action == ApplyAction::Unprotect)
			protect = step.action == ApplyAction::Protect;
		else if (step.action == ApplyAction::Differs)
			protect = step.set_protect;
		if (protect) {
			if (stopped())
				break;
			record(step, set_protect(backend, step.range->id, *protect));
		} else if (step.action == ApplyAction::Keep || step.action == ApplyAction::Extra ||
			   step.action == ApplyAction::Conflict ||
			   step.action == ApplyAction::Differs) {
			step.outcome = ApplyOutcome::Done;
			step.result = step.range;
		}
	}
	for (auto &step : steps) {
		if (step.action != ApplyAction::Plug && step.action != ApplyAction::Replace)
			continue;
		if (step.action == ApplyAction::Replace && step.outcome == ApplyOutcome::Failed)
			continue; // still plugged as it was
		if (stopped())
			break;
		record(step, plug(backend, system, config[*step.config].request, warn, hooks));
	}
	// What a signal stopped before it began stays planned.
}

bool apply_succeeded(const std::vector<ApplyStep> &steps)
{
	return std::none_of(steps.begin(), steps.end(), [](const ApplyStep &s) {
		return s.outcome == ApplyOutcome::Failed || s.action == ApplyAction::Conflict ||
		       s.action == ApplyAction::Differs;
	});
}

} // namespace memplug
