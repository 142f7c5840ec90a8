// SPDX-License-Identifier: GPL-2.0
//
// Memory block files in sysfs. Every operation touches exactly the files of
// the block it is given: the block id follows from the address
// (id = address / block size), so nothing ever walks
// /sys/devices/system/memory or the node directories.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "memplug/error.hpp"

namespace memplug {

class MemorySysfs {
public:
	static constexpr std::string_view kDefaultRoot = "/sys/devices/system/memory";

	// @root replaces /sys/devices/system/memory (unit tests use a
	// temporary directory).
	explicit MemorySysfs(std::filesystem::path root = std::filesystem::path(kDefaultRoot));

	const std::filesystem::path &root() const { return root_; }

	// The block that holds @address; @block_size must not be 0.
	static std::uint64_t block_id(std::uint64_t address, std::uint64_t block_size);

	// <root>/memory<id>/state
	std::filesystem::path state_path(std::uint64_t id) const;

	// The content of memory<id>/state without the newline: "online",
	// "offline", "going-offline".
	Result<std::string> read_state(std::uint64_t id) const;

	// The zone an online block is in: the first word of
	// memory<id>/valid_zones, which for an online block names just its
	// zone ("Movable", "Normal").
	Result<std::string> read_zone(std::uint64_t id) const;

	// Writes @state ("online", "online_kernel", "online_movable",
	// "offline") with a single write(2), so the kernel's errno for the
	// transition is reported as it is.
	Result<void> write_state(std::uint64_t id, std::string_view state) const;

	// <root>/block_size_bytes (hexadecimal, without 0x).
	Result<std::uint64_t> block_size() const;

	// <root>/auto_online_blocks: "offline", "online", "online_kernel",
	// "online_movable".
	Result<std::string> auto_online_blocks() const;

private:
	Result<std::string> read_file(const std::filesystem::path &path) const;

	std::filesystem::path root_;
};

} // namespace memplug
