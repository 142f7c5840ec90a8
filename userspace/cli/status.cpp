// SPDX-License-Identifier: GPL-2.0
#include "common.hpp"
#include "memplug/zoneinfo.hpp"

namespace memplug::cli {

std::shared_ptr<StatusOptions> setup_status(CLI::App &sub)
{
	auto opts = std::make_shared<StatusOptions>();
	add_json_flag(sub, opts->json);
	return opts;
}

int run_status(const StatusOptions &opts, Context &ctx)
{
	auto backend = connect(ctx);
	const Status status = backend->status_get().value();
	// Readable by anyone; a failure only leaves the per-node lines out.
	auto nodes = read_node_memory(ctx.system.files.zoneinfo);
	formatter(opts.json, ctx)->status(status, nodes ? std::optional(*nodes) : std::nullopt);
	return 0;
}

} // namespace memplug::cli
