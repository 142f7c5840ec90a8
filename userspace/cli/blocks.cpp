// SPDX-License-Identifier: GPL-2.0
#include "common.hpp"
#include "memplug/parse.hpp"

namespace memplug::cli {

std::shared_ptr<BlocksOptions> setup_blocks(CLI::App &sub)
{
	auto opts = std::make_shared<BlocksOptions>();
	BlocksOptions *o = opts.get();
	add_parsed<std::uint32_t>(
		sub, "ID", "Only the blocks of this range",
		[](std::string_view t) { return parse_u32(t, "range id"); },
		[o](std::uint32_t v) { o->range_id = v; });
	add_json_flag(sub, opts->json);
	return opts;
}

int run_blocks(const BlocksOptions &opts, Context &ctx)
{
	auto backend = connect(ctx);
	const auto blocks = backend->block_dump(opts.range_id).value();
	formatter(opts.json, ctx)->blocks(blocks);
	return 0;
}

} // namespace memplug::cli
