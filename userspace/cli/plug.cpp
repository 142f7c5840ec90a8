// SPDX-License-Identifier: GPL-2.0
#include "common.hpp"
#include "memplug/parse.hpp"

namespace memplug::cli {

std::shared_ptr<PlugOptions> setup_plug(CLI::App &sub)
{
	auto opts = std::make_shared<PlugOptions>();
	PlugRequest *req = &opts->request;

	add_parsed<std::uint64_t>(sub, "--start", "Physical start address, hex with 0x",
				  parse_address, [req](std::uint64_t v) { req->start = v; })
		->required()
		->type_name("ADDR");
	add_parsed<std::uint64_t>(
		sub, "--size",
		"Bytes: decimal or 0x hex, with an optional K/M/G/T or KiB/MiB/GiB/TiB "
		"(binary multiples; KB, GB... are refused as ambiguous); decimals "
		"such as 1.5G or 0.5GiB when they come to whole bytes",
		parse_size, [req](std::uint64_t v) { req->size = v; })
		->required()
		->type_name("SIZE");
	add_parsed<std::uint32_t>(
		sub, "--node", "NUMA node (default: the node of the address)",
		[](std::string_view t) { return parse_u32(t, "node"); },
		[req](std::uint32_t v) { req->node = v; })
		->type_name("N");
	add_parsed<OnlineType>(sub, "--online",
			       "How to online the blocks: none, online, kernel, movable "
			       "(default: movable)",
			       parse_online_type, [req](OnlineType v) { req->online = v; })
		->type_name("TYPE");
	add_parsed<ZonePolicy>(sub, "--zone",
			       "Zones the kernel may online the blocks into: movable, kernel, "
			       "any (default: follows --online)",
			       parse_zone_policy, [req](ZonePolicy v) { req->zone = v; })
		->type_name("POLICY");
	add_parsed<TierRequest>(sub, "--tier",
				"Memory tier of the range's node: auto, dram, slow, or an abstract "
				"distance from 1 to 32767 (default: auto; see below)",
				parse_tier, [req](TierRequest v) { req->tier = v; })
		->type_name("TIER");
	sub.add_option_function<std::vector<std::string>>(
		   "--exclude",
		   [req](const std::vector<std::string> &texts) {
			   for (const auto &text : texts) {
				   auto ex = parse_exclude(text);
				   if (!ex)
					   throw CLI::ValidationError("--exclude",
								      ex.error().message());
				   req->excludes.push_back(*ex);
			   }
		   },
		   "Keep the physical addresses START to END (inclusive, page aligned, hex "
		   "with 0x) out of the page allocator; repeatable")
		->type_name("START-END");
	sub.add_flag("--protect", req->protect,
		     "Refuse offlining the range's blocks through sysfs; only unplug may");
	sub.add_flag("--verify", req->verify,
		     "Verify the pages as they are onlined and keep bad ones out");
	sub.add_flag("--memmap-on-memory", req->memmap_on_memory,
		     "Put the memmap on the range itself (needs the boot parameter "
		     "memory_hotplug.memmap_on_memory=1)");
	sub.add_flag("--force", req->force,
		     "Plug what memplug otherwise refuses: firmware-reserved memory, a CXL "
		     "window outside a committed region, addresses nothing describes; only "
		     "if you know RAM backs it. Needs CAP_SYS_RAWIO and a kernel that is not "
		     "locked down");
	sub.add_flag("--strict-ratio", req->strict_ratio,
		     "Refuse, instead of warning, when onlining movable takes the node's "
		     "movable/kernel memory ratio above 3.0 (see below)");
	sub.add_option_function<std::string>(
		   "--name", [req](const std::string &v) { req->name = v; },
		   "A label for the range")
		->type_name("LABEL");
	add_parsed<std::chrono::milliseconds>(
		sub, "--timeout",
		"Give up after this many seconds: an add still under way is cancelled, a range "
		"being onlined is rolled back, and nothing stays plugged (exit 5)",
		parse_timeout, [req](std::chrono::milliseconds v) { req->timeout = v; })
		->type_name("SECONDS");
	add_json_flag(sub, opts->json);
	sub.footer("Movable memory: the kernel cannot use ZONE_MOVABLE for its own allocations\n"
		   "(page tables, slab, the struct pages of further hotplugs), so too much\n"
		   "movable memory per kernel memory can run the kernel out of memory. The\n"
		   "kernel's own auto-movable policy allows 301%. plug warns when onlining\n"
		   "movable takes the node's movable memory above 3.0 times its kernel-zone\n"
		   "memory (DMA, DMA32, Normal, from /proc/zoneinfo); --strict-ratio refuses.\n"
		   "\n"
		   "Memory tiers: --tier gives the range's node a memory type, whose abstract\n"
		   "distance puts the node in the kernel's memory tier distance/128 (memplugctl\n"
		   "tiers lists them; lower is faster, and the kernel demotes cold pages to\n"
		   "slower tiers). dram is DRAM's distance, 576 (tier 4); slow five times that,\n"
		   "2880 (tier 22), as dax/kmem gives device memory; N is abstract distance N.\n"
		   "auto takes the firmware's distance (HMAT, CDAT) where the kernel has one,\n"
		   "else slow for a node without CPUs and dram for one with; with auto, a node\n"
		   "that already has memory memplug did not bring, or a memory type from\n"
		   "another range, keeps it.\n"
		   "\n"
		   "plug waits until the kernel has added the memory and every block is online.\n"
		   "SIGINT or SIGTERM cancels it: the add is cancelled or the range removed\n"
		   "again, nothing stays plugged, and the exit status is 130 or 143. On a\n"
		   "terminal a progress line shows the onlining once it takes over a second.");

	// Contradictions are usage errors, found before anything is sent.
	sub.callback([req] {
		if (!req->zone)
			return;
		if ((req->online == OnlineType::Movable && *req->zone == ZonePolicy::Kernel) ||
		    (req->online == OnlineType::Kernel && *req->zone == ZonePolicy::Movable))
			throw CLI::ValidationError(
				"--zone",
				"--online " + std::string(online_type_name(req->online)) +
					" contradicts --zone " +
					zone_policy_name(static_cast<std::uint32_t>(*req->zone)));
	});
	return opts;
}

// SIGINT and SIGTERM are not blocked: they end a wait for the kernel and
// cut a sysfs write short, and the plug then cancels what it started.
int run_plug(const PlugOptions &opts, Context &ctx)
{
	StopSignals signals;
	signals.install(false).value();
	auto backend = connect(ctx);
	ProgressLine line(ctx.err, ctx.progress && !opts.json);
	const Range range = plug(*backend, ctx.system, opts.request, warning(ctx, line),
				 operation_hooks(ctx, line))
				    .value();
	line.clear();
	formatter(opts.json, ctx)->range(range, RangeAction::Plugged);
	return 0;
}

} // namespace memplug::cli
