// SPDX-License-Identifier: GPL-2.0
//
// The subcommands of memplugctl. Adding one: an entry here and its file.
#include "command.hpp"

#include "cli.hpp"

namespace memplug::cli {

namespace {

// The examples of each command, in the order of the table.
constexpr Example kStatusExamples[] = {
	{"memplugctl status", "Show the module's state and each node's memory and tier"},
	{"memplugctl status --json", "The same as one JSON object, for scripts"},
};
constexpr Example kPlugExamples[] = {
	{"memplugctl plug --start 0x40000000 --size 1G",
	 "Plug 1 GiB at 0x40000000 and online it movable"},
	{"memplugctl plug --start 0x880000000 --size 16G --name cxl0 --tier slow --timeout 60",
	 "Plug a CXL region as slow memory named cxl0; give up after a minute"},
	{"memplugctl plug --start 0x40000000 --size 1G --verify --exclude 0x40200000-0x40200fff",
	 "Verify each page as it is onlined and keep one known bad page out"},
};
constexpr Example kUnplugExamples[] = {
	{"memplugctl unplug 1", "Offline and remove range 1, waiting for the kernel"},
	{"memplugctl unplug 1 --timeout 60", "Retry while range 1 is busy, for at most 60 seconds"},
};
constexpr Example kListExamples[] = {
	{"memplugctl list", "One line per plugged range: id, addresses, state, blocks"},
	{"memplugctl list --json", "Every field of every range as JSON"},
};
constexpr Example kBlocksExamples[] = {
	{"memplugctl blocks", "Every memory block of every range, with its state and zone"},
	{"memplugctl blocks 1", "Only the blocks of range 1"},
};
constexpr Example kEventsExamples[] = {
	{"memplugctl events", "Every event the module's ring still holds"},
	{"memplugctl events --since 120 --json",
	 "The events from sequence number 120 on, as JSON, and any lost"},
};
constexpr Example kProtectExamples[] = {
	{"memplugctl protect 1", "Refuse offlining range 1's blocks through sysfs"},
};
constexpr Example kUnprotectExamples[] = {
	{"memplugctl unprotect 1", "Allow range 1's blocks to be offlined through sysfs again"},
};
constexpr Example kCancelExamples[] = {
	{"memplugctl cancel 2", "Stop the plug or unplug of range 2 running in another shell"},
	{"memplugctl cancel 2 && memplugctl monitor --range 2 --count 1",
	 "Stop it and wait for the event that says how it ended"},
};
constexpr Example kOnlineExamples[] = {
	{"memplugctl online 1", "Online range 1's blocks into the zones of its policy"},
	{"memplugctl online 1 --zone kernel",
	 "Online them into ZONE_NORMAL, usable by the kernel but harder to remove"},
};
constexpr Example kOfflineExamples[] = {
	{"memplugctl offline 1", "Offline range 1's blocks; the range stays plugged"},
};
constexpr Example kMonitorExamples[] = {
	{"memplugctl monitor", "Print the events as they happen until Ctrl-C"},
	{"memplugctl monitor --range 1 --count 1 --timeout 30",
	 "Wait at most 30 seconds for the next event of range 1"},
	{"memplugctl monitor --json --state-file /var/lib/memplug/monitor.seq",
	 "As memplug-monitor.service does: after a restart, go on after the last event"},
};
constexpr Example kCandidatesExamples[] = {
	{"memplugctl candidates", "The regions of /proc/iomem that could be plugged (as root)"},
	{"memplugctl candidates --json", "The same as JSON"},
};
constexpr Example kTiersExamples[] = {
	{"memplugctl tiers", "The kernel's memory tiers, their nodes and memplug's distances"},
};
constexpr Example kApplyExamples[] = {
	{"memplugctl apply --dry-run",
	 "Show what apply would plug, keep or report, and change nothing"},
	{"memplugctl apply", "Plug the ranges of /etc/memplug/ranges.d that are not plugged"},
	{"memplugctl apply --prune --config-dir /run/memplug/ranges.d",
	 "Make the plugged set exactly that directory's: unplug what no file names"},
};

constexpr Command kCommands[] = {
	command<setup_status, run_status>(
		"status",
		"Show the module's version, block size, pluggable range and counters, "
		"and the kernel and movable memory and memory tier of each NUMA node",
		kStatusExamples),
	command<setup_plug, run_plug>(
		"plug", "Add a physical range as memory and online it; all or nothing",
		kPlugExamples),
	command<setup_unplug, run_unplug>(
		"unplug", "Offline and remove a range; on failure it stays plugged as it was",
		kUnplugExamples),
	command<setup_list, run_list>("list", "List the plugged ranges", kListExamples),
	command<setup_blocks, run_blocks>("blocks", "List the memory blocks of memplug's ranges",
					  kBlocksExamples),
	command<setup_events, run_events>(
		"events", "Print the events still held in the module's ring", kEventsExamples),
	command<setup_protect, run_protect>(
		"protect",
		"Refuse offlining the range's blocks through sysfs, by anyone; only "
		"unplug may take them offline",
		kProtectExamples),
	command<setup_unprotect, run_protect>(
		"unprotect", "Allow the range's blocks to be offlined through sysfs again",
		kUnprotectExamples),
	command<setup_cancel, run_cancel>(
		"cancel",
		"Stop a plug, an unplug or the kernel's rollback of a range; returns at "
		"once with the range as it is",
		kCancelExamples),
	command<setup_online, run_online>(
		"online", "Online every block of a range; all or nothing, rolled back on failure",
		kOnlineExamples, {.survive_kill = true}),
	command<setup_offline, run_offline>(
		"offline",
		"Offline every block of a range, which stays plugged; all or nothing, rolled "
		"back on failure",
		kOfflineExamples, {.survive_kill = true}),
	command<setup_monitor, run_monitor>(
		"monitor",
		"Print the module's events as they happen, one line each; lost events "
		"are read back from the ring or reported",
		kMonitorExamples),
	command<setup_candidates, run_candidates>(
		"candidates",
		"List the regions of /proc/iomem that memplug could plug, trimmed to memory "
		"blocks, or why not (needs root to see addresses)",
		kCandidatesExamples),
	command<setup_tiers, run_tiers>(
		"tiers",
		"Show the kernel's memory tiers, fastest first, their nodes and the abstract "
		"distances memplug gave them",
		kTiersExamples),
	command<setup_apply, run_apply>(
		"apply",
		"Make the plugged ranges match the configuration directory "
		"(/etc/memplug/ranges.d): plug what is missing, report what differs",
		kApplyExamples),
};

} // namespace

std::span<const Command> commands()
{
	return kCommands;
}

const char *program_description()
{
	return "memplugctl drives the memplug kernel module over generic netlink. It plugs "
	       "ranges of physical memory the kernel does not manage (device memory, CXL "
	       "regions, persistent memory used as RAM) into the running kernel as "
	       "hot-plugged memory blocks and onlines them, lists them and their blocks, "
	       "onlines, offlines and protects them, follows the module's events, and "
	       "removes them again. Each change is all or nothing: what fails, or is "
	       "cancelled by a signal, is rolled back. It also lists the regions of "
	       "/proc/iomem that could be plugged and the kernel's memory tiers.";
}

} // namespace memplug::cli
