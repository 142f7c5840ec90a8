// SPDX-License-Identifier: GPL-2.0
#include "common.hpp"

namespace memplug::cli {

std::shared_ptr<StatusOptions> setup_status(CLI::App &app)
{
	auto opts = std::make_shared<StatusOptions>();
	auto *sub = app.add_subcommand(
		"status", "Show the module's version, block size, pluggable range and counters");
	add_json_flag(*sub, opts->json);
	return opts;
}

int run_status(const StatusOptions &opts, Context &ctx)
{
	auto backend = connect(ctx);
	const Status status = backend->status_get().value();
	formatter(opts.json, ctx)->status(status);
	return 0;
}

} // namespace memplug::cli
