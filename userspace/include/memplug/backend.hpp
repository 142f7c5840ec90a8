// SPDX-License-Identifier: GPL-2.0
//
// The requests memplugctl makes of the memplug module, as an interface: the
// netlink Client implements it, unit tests substitute a fake.
//
// Every request but status_get() needs CAP_SYS_ADMIN; without it the
// kernel refuses with EPERM. A range_add() with force also needs
// CAP_SYS_RAWIO, and is refused (EPERM) while the kernel is locked down.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "memplug/error.hpp"
#include "memplug/monitor.hpp"
#include "memplug/types.hpp"

namespace memplug {

class Backend {
public:
	virtual ~Backend() = default;

	virtual Result<Status> status_get() = 0;
	// With request.hold the new range belongs to this backend's socket
	// until range_set() commits it; closing the socket rolls it back.
	virtual Result<Range> range_add(const RangeAddRequest &request) = 0;
	// Offlines and removes the range in the calling thread. A signal
	// arriving meanwhile makes the kernel give up with EINTR.
	virtual Result<Range> range_del(std::uint32_t id) = 0;
	virtual Result<Range> range_get(std::uint32_t id) = 0;
	virtual Result<std::vector<Range>> range_dump() = 0;
	virtual Result<Range> range_set(const RangeSetRequest &request) = 0;
	// Stops the kernel's rollback of a range whose owner went away, or
	// of a failed range that is still whole: a whole range becomes
	// plugged, what is left of another stays failed. EINVAL for a range
	// with no rollback to stop, EBUSY while an unplug of it runs.
	virtual Result<Range> range_cancel(std::uint32_t id) = 0;
	// Blocks of one range, or of all ranges without @range_id.
	virtual Result<std::vector<Block>> block_dump(std::optional<std::uint32_t> range_id) = 0;
	// Events still in the ring with seq >= @first_seq, oldest first.
	virtual Result<std::vector<Event>> event_dump(std::uint64_t first_seq) = 0;
	// Joins the "monitor" multicast group on a socket of its own. Needs
	// CAP_SYS_ADMIN: without it the kernel refuses with EPERM.
	virtual Result<std::unique_ptr<EventStream>> subscribe() = 0;
};

} // namespace memplug
