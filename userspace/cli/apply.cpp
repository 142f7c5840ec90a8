// SPDX-License-Identifier: GPL-2.0
#include <algorithm>

#include "common.hpp"
#include "exit_code.hpp"
#include "memplug/config.hpp"

namespace memplug::cli {

namespace {

constexpr const char *kDefaultConfigDir = "/etc/memplug/ranges.d";

// plug's options as configuration keys: every long option that
// setup_plug() binds but --help and --json, parsed by the very callbacks
// plug runs.
class PlugOptionKeys final : public PlugKeys {
public:
	std::optional<Kind> kind(std::string_view key) const override
	{
		App bound;
		const CLI::Option *opt = bound.option(key);
		if (!opt)
			return std::nullopt;
		if (opt->get_items_expected_max() == 0)
			return Kind::Flag;
		if (opt->get_items_expected_max() > 1)
			return Kind::Repeated;
		return Kind::Value;
	}

	Result<void> check(std::string_view key, std::string_view value) const override
	{
		App bound;
		CLI::Option *opt = bound.option(key);
		if (!opt)
			return Error::usage("unknown key '" + std::string(key) + "'");
		try {
			opt->add_result(std::string(value));
			opt->run_callback();
		} catch (const CLI::Error &e) {
			return Error::usage(e.what());
		}
		return {};
	}

	Result<PlugRequest>
	request(const std::vector<std::pair<std::string, std::string>> &options) const override
	{
		App bound;
		std::vector<std::string> args;
		for (const auto &[key, value] : options) {
			const CLI::Option *opt = bound.option(key);
			if (opt && opt->get_items_expected_max() == 0) {
				if (value == "yes")
					args.push_back("--" + key);
			} else {
				args.push_back("--" + key + "=" + value);
			}
		}
		// CLI11 takes the arguments last first.
		std::reverse(args.begin(), args.end());
		try {
			bound.app.parse(args);
		} catch (const CLI::Error &e) {
			return Error::usage(e.what());
		}
		return bound.options->request;
	}

private:
	// A plug subcommand of its own, for one use.
	struct App {
		CLI::App app{"plug"};
		std::shared_ptr<PlugOptions> options = setup_plug(app);

		CLI::Option *option(std::string_view key)
		{
			if (key.empty() || key == "help" || key == "json" || key.front() == '-')
				return nullptr;
			return app.get_option_no_throw("--" + std::string(key));
		}
	};
};

} // namespace

std::unique_ptr<PlugKeys> plug_keys()
{
	return std::make_unique<PlugOptionKeys>();
}

std::shared_ptr<ApplyOptions> setup_apply(CLI::App &sub)
{
	auto opts = std::make_shared<ApplyOptions>();
	opts->config_dir = kDefaultConfigDir;
	sub.add_option("--config-dir", opts->config_dir,
		       "The directory of *.conf files, one range each (default: " +
			       std::string(kDefaultConfigDir) + ")")
		->type_name("DIR");
	sub.add_flag("--dry-run", opts->dry_run, "Print what apply would do and change nothing");
	sub.add_flag("--prune", opts->prune,
		     "Also unplug what no file describes: plugged ranges in no file, and "
		     "ranges that differ from their file in more than protect, which are then "
		     "plugged again as configured");
	add_json_flag(sub, opts->json);
	sub.footer("Each *.conf file of the directory, in lexical order, names one range with\n"
		   "'key = value' lines: the long options of plug without their dashes (flags\n"
		   "take yes or no; exclude may repeat), or instead of start 'iomem =\n"
		   "DESCRIPTION' and 'index = N', the N-th (from 0) top-level /proc/iomem range\n"
		   "so described, all of it unless size is given. name defaults to the file's\n"
		   "name without .conf. '#' starts a comment line. The whole configuration is\n"
		   "checked first: an error is printed as FILE:LINE: message and nothing changes\n"
		   "(exit 2).\n"
		   "\n"
		   "Then one line per range, with what apply did:\n"
		   "  keep       plugged as configured; left alone\n"
		   "  plug       configured and not plugged: plugged as plug would\n"
		   "  protect    plugged as configured but for protect, which is set in place\n"
		   "  unprotect  (and the other way)\n"
		   "  differs    plugged with the configured start and size but other settings\n"
		   "             (zone, online, verify, ...): reported and left; protect is set\n"
		   "  replace    the same with --prune: unplugged and plugged as configured\n"
		   "  conflict   overlaps a plugged range of another start or size: left alone\n"
		   "             (with --prune that range is pruned and this one plugged)\n"
		   "  extra      plugged and in no file: reported and left\n"
		   "  prune      the same with --prune: unplugged\n"
		   "Removals come first, then protect, then the plugs, one after the other; a\n"
		   "failure is reported with the kernel's reason and the others proceed. Exit\n"
		   "status 0 when every configured range is plugged as configured (extra ranges\n"
		   "do not count), else 1. A second apply prints only keep (and extra) lines\n"
		   "and changes nothing.");
	return opts;
}

// SIGINT and SIGTERM are not blocked: they cancel the plug or unplug under
// way, and the steps not yet begun are left.
int run_apply(const ApplyOptions &opts, Context &ctx)
{
	const auto keys = plug_keys();
	const Config config = read_config(opts.config_dir, *keys, ctx.system.files.iomem);
	if (!config.errors.empty()) {
		constexpr std::string_view nothing =
			"apply: errors in the configuration; nothing was changed";
		std::string message;
		for (const auto &e : config.errors) {
			ctx.err << "memplugctl: " << e << '\n';
			message += e + '\n';
		}
		ctx.err << "memplugctl: " << nothing << std::endl;
		const int code = static_cast<int>(ExitCode::Usage);
		// With --json, the same lines in the error document.
		if (opts.json)
			print_json_error(ctx.out, "usage", message.append(nothing), code,
					 ctx.warnings);
		return code;
	}

	StopSignals signals;
	signals.install(false).value();
	auto backend = connect(ctx);
	const std::vector<Range> plugged = backend->range_dump().value();
	std::vector<ApplyStep> steps = plan_apply(config.ranges, plugged, opts.prune);
	if (!opts.dry_run) {
		ProgressLine line(ctx.err, ctx.progress && !opts.json);
		execute_apply(*backend, ctx.system, config.ranges, steps, warning(ctx, line),
			      operation_hooks(ctx, line));
		line.clear();
	}
	formatter(opts.json, ctx)->apply(steps, config.ranges, opts.dry_run);

	if (const int sig = StopSignals::which(); sig != 0) {
		ctx.err << "memplugctl: apply: stopped by " << signal_name(sig) << std::endl;
		return 128 + sig;
	}
	for (const auto &step : steps) {
		if (step.outcome != ApplyOutcome::Failed)
			continue;
		ctx.err << "memplugctl: apply: " << apply_action_name(step.action) << ' ';
		if (step.config)
			ctx.err << config.ranges[*step.config].file.string();
		else
			ctx.err << "range " << step.range->id;
		ctx.err << ": " << step.error.value_or("") << '\n';
	}
	return apply_succeeded(steps) ? 0 : static_cast<int>(ExitCode::Failed);
}

} // namespace memplug::cli
