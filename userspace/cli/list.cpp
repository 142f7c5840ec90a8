// SPDX-License-Identifier: GPL-2.0
#include "common.hpp"

namespace memplug::cli {

std::shared_ptr<ListOptions> setup_list(CLI::App &sub)
{
	auto opts = std::make_shared<ListOptions>();
	add_json_flag(sub, opts->json);
	return opts;
}

int run_list(const ListOptions &opts, Context &ctx)
{
	auto backend = connect(ctx);
	const auto ranges = backend->range_dump().value();
	formatter(opts.json, ctx)->ranges(ranges);
	return 0;
}

} // namespace memplug::cli
