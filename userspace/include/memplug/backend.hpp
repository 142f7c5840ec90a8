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
	// Checks the request, claims the range and queues its add to the
	// module's worker: the reply shows the range PLUGGING, and the add's
	// outcome comes as a PLUG or PLUG_FAILED event (subscribe() first to
	// see it). With request.hold the new range belongs to this backend's
	// socket until range_set() commits it; closing the socket, or
	// range_cancel(), rolls it back.
	virtual Result<Range> range_add(const RangeAddRequest &request) = 0;
	// Checks that the range may be removed now (EBUSY while a plug,
	// unplug or rollback of it runs) and queues its removal to the
	// module's worker: the reply shows the range UNPLUGGING, and the
	// outcome comes as an UNPLUG or UNPLUG_FAILED event. The removal
	// belongs to this backend's socket: once that is closed, it has a
	// bounded time to end and is cancelled after it.
	virtual Result<Range> range_del(std::uint32_t id) = 0;
	virtual Result<Range> range_get(std::uint32_t id) = 0;
	virtual Result<std::vector<Range>> range_dump() = 0;
	virtual Result<Range> range_set(const RangeSetRequest &request) = 0;
	// Stops what is being done to a range, and does not wait: the reply
	// shows the range as it is, and the outcome comes as an event. A
	// plug's add is undone (PLUG_FAILED, ECANCELED), a held range not
	// yet committed rolled back (ending in UNPLUG); an unplug's removal
	// is dropped or interrupted (UNPLUG_FAILED, ECANCELED; the range as
	// it was); the kernel's rollback of a range whose owner went away, or
	// of a failed range that is still whole, stops: a whole range
	// becomes plugged, what is left of another stays failed. EINVAL for
	// a range with nothing to stop.
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
