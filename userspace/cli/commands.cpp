// SPDX-License-Identifier: GPL-2.0
//
// The subcommands of memplugctl. Adding one: an entry here and its file.
#include "command.hpp"

#include "cli.hpp"

namespace memplug::cli {

namespace {

constexpr Command kCommands[] = {
	command<setup_status, run_status>(
		"status", "Show the module's version, block size, pluggable range and counters, "
			  "and the kernel and movable memory and memory tier of each NUMA node"),
	command<setup_plug, run_plug>(
		"plug", "Add a physical range as memory and online it; all or nothing"),
	command<setup_unplug, run_unplug>(
		"unplug", "Offline and remove a range; on failure it stays plugged as it was"),
	command<setup_list, run_list>("list", "List the plugged ranges"),
	command<setup_blocks, run_blocks>("blocks", "List the memory blocks of memplug's ranges"),
	command<setup_events, run_events>("events",
					  "Print the events still held in the module's ring"),
	command<setup_protect, run_protect>(
		"protect", "Refuse offlining the range's blocks through sysfs, by anyone; only "
			   "unplug may take them offline"),
	command<setup_unprotect, run_protect>(
		"unprotect", "Allow the range's blocks to be offlined through sysfs again"),
	command<setup_cancel, run_cancel>(
		"cancel", "Stop a plug, an unplug or the kernel's rollback of a range; returns at "
			  "once with the range as it is"),
	command<setup_online, run_online>(
		"online", "Online every block of a range; all or nothing, rolled back on failure",
		{.survive_kill = true}),
	command<setup_offline, run_offline>(
		"offline",
		"Offline every block of a range, which stays plugged; all or nothing, rolled "
		"back on failure",
		{.survive_kill = true}),
	command<setup_monitor, run_monitor>(
		"monitor", "Print the module's events as they happen, one line each; lost events "
			   "are read back from the ring or reported"),
	command<setup_candidates, run_candidates>(
		"candidates",
		"List the regions of /proc/iomem that memplug could plug, trimmed to memory "
		"blocks, or why not (needs root to see addresses)"),
	command<setup_tiers, run_tiers>(
		"tiers",
		"Show the kernel's memory tiers, fastest first, their nodes and the abstract "
		"distances memplug gave them"),
	command<setup_apply, run_apply>(
		"apply", "Make the plugged ranges match the configuration directory "
			 "(/etc/memplug/ranges.d): plug what is missing, report what differs"),
};

} // namespace

std::span<const Command> commands()
{
	return kCommands;
}

} // namespace memplug::cli
