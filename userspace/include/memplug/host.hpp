// SPDX-License-Identifier: GPL-2.0
//
// The files of the running system that memplugctl reads besides memory
// block files: a kernel parameter, /proc/iomem, /proc/zoneinfo, the CXL
// regions' commit state, the memory tiers and the nodes with memory. Every
// path can be replaced, so the unit tests run on fixture trees.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "memplug/error.hpp"
#include "memplug/sysfs.hpp"

namespace memplug {

struct HostFiles {
	std::filesystem::path memmap_on_memory =
		"/sys/module/memory_hotplug/parameters/memmap_on_memory";
	std::filesystem::path iomem = "/proc/iomem";
	std::filesystem::path zoneinfo = "/proc/zoneinfo";
	// The CXL core's devices: regionN/commit is 1 for a committed region.
	std::filesystem::path cxl_devices = "/sys/bus/cxl/devices";
	// The kernel's memory tiers: memory_tierK/nodelist (tiers.hpp).
	std::filesystem::path memory_tiering = "/sys/devices/virtual/memory_tiering";
	// The NUMA nodes with memory, as a node list.
	std::filesystem::path node_has_memory = "/sys/devices/system/node/has_memory";

	// The same files under @root: root/sys/module/..., root/proc/iomem,
	// root/proc/zoneinfo, root/sys/bus/cxl/devices,
	// root/sys/devices/virtual/memory_tiering,
	// root/sys/devices/system/node/has_memory.
	static HostFiles under(const std::filesystem::path &root);
};

// Everything memplugctl reads of the machine, kernel aside.
struct System {
	MemorySysfs memory;
	HostFiles files;
};

// The whole content of @path. A missing or unreadable file is an Error of
// kind System with the errno of open(2) or read(2).
Result<std::string> read_text_file(const std::filesystem::path &path);

// Whether the CXL region @name ("region0") is committed: its commit file
// reads 1. A region the CXL core does not show (not loaded, no such
// region, unreadable) is not.
bool cxl_region_committed(const HostFiles &files, std::string_view name);

// memory_hotplug.memmap_on_memory as sysfs shows it: "Y" (6.1) or "force"
// (6.12) is on, "N" is off; anything else is unknown.
std::optional<bool> parse_memmap_on_memory(std::string_view text);

// Refuses, as an Error of kind Failed, unless the kernel was booted with
// memory_hotplug.memmap_on_memory enabled: without it the kernel refuses
// MHP_MEMMAP_ON_MEMORY (and before 6.x it cannot be changed at run time).
Result<void> check_memmap_on_memory(const HostFiles &files);

} // namespace memplug
