// SPDX-License-Identifier: GPL-2.0
#include "common.hpp"
#include "memplug/parse.hpp"

namespace memplug::cli {

namespace {

std::shared_ptr<ProtectOptions> setup(CLI::App &sub, bool protect)
{
	auto opts = std::make_shared<ProtectOptions>();
	opts->protect = protect;
	ProtectOptions *o = opts.get();
	add_parsed<std::uint32_t>(
		sub, "ID", "Range id, as shown by list",
		[](std::string_view t) { return parse_u32(t, "range id"); },
		[o](std::uint32_t v) { o->id = v; })
		->required();
	add_json_flag(sub, opts->json);
	return opts;
}

} // namespace

std::shared_ptr<ProtectOptions> setup_protect(CLI::App &sub)
{
	return setup(sub, true);
}

std::shared_ptr<ProtectOptions> setup_unprotect(CLI::App &sub)
{
	return setup(sub, false);
}

int run_protect(const ProtectOptions &opts, Context &ctx)
{
	auto backend = connect(ctx);
	const Range range = set_protect(*backend, opts.id, opts.protect).value();
	formatter(opts.json, ctx)
		->range(range, opts.protect ? RangeAction::Protected : RangeAction::Unprotected);
	return 0;
}

} // namespace memplug::cli
