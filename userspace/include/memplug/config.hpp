// SPDX-License-Identifier: GPL-2.0
//
// The ranges memplugctl apply keeps plugged: one *.conf file per range in
// a configuration directory (/etc/memplug/ranges.d), and the plan that
// makes the plugged set match them.
//
// A file holds "key = value" lines; blank lines and lines starting with
// '#' are ignored, whitespace around key and value is trimmed. The keys
// are the long options of memplugctl plug without their dashes, with the
// same values (flags take yes or no, exclude may repeat), plus two only a
// file has: "iomem = DESCRIPTION" and "index = N" name the N-th (0-based)
// top-level /proc/iomem range with exactly that description instead of
// start, the whole of it unless size takes that many bytes from its
// start. name defaults to the file's name without ".conf".
//
// Which keys exist and how their values are parsed is not known here:
// PlugKeys gives them (memplugctl derives them from plug's options), so
// that the files can never drift from the command line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "memplug/backend.hpp"
#include "memplug/error.hpp"
#include "memplug/iomem.hpp"
#include "memplug/ops.hpp"

namespace memplug {

// The options of plug, as a configuration file uses them.
class PlugKeys {
public:
	enum class Kind {
		Value,    // key = value, once
		Flag,     // key = yes | no, once
		Repeated, // key = value, any number of times
	};

	virtual ~PlugKeys() = default;

	// The kind of option @key is, or nothing when plug has no such option.
	virtual std::optional<Kind> kind(std::string_view key) const = 0;
	// Checks @value of option @key on its own, with plug's parser; the
	// Error says what is wrong with it.
	virtual Result<void> check(std::string_view key, std::string_view value) const = 0;
	// The request plug makes of these options (flags given as yes or no),
	// in the order given; the Error is what plug would say of them
	// together.
	virtual Result<PlugRequest>
	request(const std::vector<std::pair<std::string, std::string>> &options) const = 0;
};

// One range of the configuration.
struct ConfiguredRange {
	std::filesystem::path file;
	PlugRequest request; // start, size and name resolved
};

// The configuration, or every error found in it: "FILE:LINE: message",
// or "FILE: message" for what concerns the whole file.
struct Config {
	std::vector<ConfiguredRange> ranges; // in the order of their files
	std::vector<std::string> errors;
};

// Parses the file @file holding @text. @iomem gives the text of
// /proc/iomem the first time a file names its range by description; it is
// asked at most once per file. Errors are appended to @errors; returns the
// range only when the file has none.
std::optional<ConfiguredRange> parse_config_file(const std::filesystem::path &file,
						 std::string_view text, const PlugKeys &keys,
						 const std::function<Result<std::string>()> &iomem,
						 std::vector<std::string> &errors);

// Reads every *.conf file of @dir in lexical order (other files are
// ignored) and checks that no two name overlapping ranges. /proc/iomem is
// read from @iomem_path, once, and only if a file names a range by it.
Config read_config(const std::filesystem::path &dir, const PlugKeys &keys,
		   const std::filesystem::path &iomem_path);

// What apply does with a configured or a plugged range.
enum class ApplyAction {
	Plug,      // configured, not plugged: plug it
	Keep,      // plugged as configured: nothing to do
	Protect,   // plugged as configured but for protect: set it
	Unprotect, // the same, the other way
	// Plugged with the configured start and size but other settings that
	// cannot change in place: reported and left (protect is still set).
	Differs,
	Replace,  // the same with prune: unplugged and plugged as configured
	Conflict, // configured, overlaps another plugged range: left alone
	Extra,    // plugged, in no file: reported and left
	Prune,    // plugged, in no file, and prune: unplugged
};

// "plug", "keep", "protect", "unprotect", "differs", "replace",
// "conflict", "extra", "prune".
std::string_view apply_action_name(ApplyAction action);

enum class ApplyOutcome {
	Planned, // not done yet (a dry run)
	Done,    // done, or nothing to do
	Failed,  // tried and failed; @error says why
};

struct ApplyStep {
	ApplyAction action = ApplyAction::Keep;
	// Index into the configuration's ranges; nothing for Extra and Prune.
	std::optional<std::size_t> config;
	// The plugged range concerned (before the step); nothing for Plug.
	std::optional<Range> range;
	// Differs, Replace: "zone kernel, configured movable"; Conflict:
	// "overlaps range 3 0x40000000+256M".
	std::vector<std::string> details;
	// Differs: protect set in place as well.
	std::optional<bool> set_protect;

	ApplyOutcome outcome = ApplyOutcome::Planned;
	std::optional<Range> result; // the range after the step
	std::optional<std::string> error;
};

// How @range differs from @request in what stays fixed while it is
// plugged (protect aside): "zone kernel, configured movable", ...
std::vector<std::string> range_differences(const PlugRequest &request, const Range &range);

// The steps that make @plugged match @config: one per configured range,
// in the configuration's order, then one per plugged range no file names
// exactly (with start and size), ascending by start. Without @prune,
// such ranges are Extra and a configured range that differs is Differs;
// with it, Prune and Replace. A configured range that overlaps a
// plugged range without matching it is a Conflict, with @prune a Plug
// after the plugged one's Prune.
std::vector<ApplyStep> plan_apply(const std::vector<ConfiguredRange> &config,
				  const std::vector<Range> &plugged, bool prune);

// Carries @steps out through plug(), unplug() and set_protect(): first
// every removal (Prune, and the unplug of Replace), then every protect,
// then every plug, one after the other. A failure is recorded in its step
// and the others still proceed.
void execute_apply(Backend &backend, const System &system,
		   const std::vector<ConfiguredRange> &config, std::vector<ApplyStep> &steps,
		   const Warn &warn, const OpHooks &hooks = {});

// Whether the plugged set matches (or, planned, would match) the
// configuration after @steps: none failed, none is a Conflict or Differs.
// Extra ranges do not count.
bool apply_succeeded(const std::vector<ApplyStep> &steps);

} // namespace memplug
