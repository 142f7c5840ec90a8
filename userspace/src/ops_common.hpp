// SPDX-License-Identifier: GPL-2.0
//
// Helpers shared by the operations in ops.cpp and online.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "memplug/backend.hpp"
#include "memplug/error.hpp"
#include "memplug/types.hpp"

namespace memplug {

// "memory block 8"
std::string block_name(std::uint64_t id);

// The blocks the kernel reports must be exactly those @range covers: their
// ids are what memplugctl writes to in sysfs.
Result<void> check_blocks(const std::vector<Block> &blocks, const Range &range,
			  std::uint64_t block_size);

// memplug's own explanation, from the event ring, of a vetoed online or
// offline of @block at or after @since_ns (monotonic_ns()), as "memplug
// vetoed it: <reason> (<ERRNO>)"; nothing if memplug did not veto it.
std::optional<std::string> veto_reason(Backend &backend, std::uint64_t first_seq,
				       std::uint64_t since_ns, std::uint64_t block);

} // namespace memplug
