// SPDX-License-Identifier: GPL-2.0
//
// Waiting for the memplug module's worker.
//
// RANGE_ADD and RANGE_DEL do not wait for memory to be added or removed:
// they check, queue the work and reply at once, and the outcome comes as an
// event of the "monitor" group (PLUG or PLUG_FAILED, UNPLUG or
// UNPLUG_FAILED). await_outcome() waits for that event on a membership
// made before the request was sent, so that the outcome cannot pass
// unseen. Events can still be lost (the socket overflows, ENOBUFS); then,
// and whenever nothing has been heard of the range for a second, RANGE_GET
// says where the range stands.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "memplug/backend.hpp"
#include "memplug/error.hpp"
#include "memplug/monitor.hpp"
#include "memplug/progress.hpp"
#include "memplug/types.hpp"

namespace memplug {

// Hears of one step of an operation as it happens, in a few words:
// "committed range 3".
using Step = std::function<void(const std::string &)>;

// What a long operation asks of its caller while it runs.
struct OpHooks {
	// Asked while waiting and between blocks: 0 to go on, or the signal
	// (SIGINT, SIGTERM) that asks to cancel the operation.
	std::function<int()> stop;
	// Told how far the operation has come, whenever that changes.
	std::function<void(const Progress &)> progress;
	// Told of each step (memplugctl --verbose): the requests and their
	// replies, each block onlined or offlined, the verification, the
	// commit, a rollback. Unset: nobody listens.
	Step step;
};

// What the module's worker is awaited to do to a range.
enum class Awaited {
	Added,   // RANGE_ADD's add: PLUG, or PLUG_FAILED
	Removed, // RANGE_DEL's removal: UNPLUG, or UNPLUG_FAILED
	// The end of a range whose add failed or was cancelled: gone (UNPLUG,
	// or a PLUG_FAILED that left nothing), or FAILED when the kernel's
	// rollback of what it had added gave up.
	Gone,
};

struct AwaitRequest {
	Awaited awaited = Awaited::Added;
	// The range as the request's reply showed it: its id, and its size
	// and blocks for the progress.
	Range range;
	// monotonic_ns() before the request was sent: an outcome the kernel
	// reported before then is that of an earlier request.
	std::uint64_t since_ns = 0;
	// Give up waiting then (Outcome::End::Deadline).
	std::optional<std::chrono::steady_clock::time_point> deadline;
	// stop() ends the wait (Outcome::End::Stopped); progress() hears of
	// the ONLINE and OFFLINE events of the range and of RANGE_GET's
	// BLOCKS_DONE.
	OpHooks hooks;
	// What the progress says is under way: "unplugging range 3".
	std::string what;
};

struct Outcome {
	enum class End {
		Done,     // what was awaited happened
		Failed,   // it failed: error
		Deadline, // the deadline came first; the operation goes on
		Stopped,  // hooks.stop asked to stop: signal; the operation goes on
	};
	End end = End::Done;
	// Why it failed, as the request's refusal would have said it: the
	// context of the request ("adding the range", "removing range 3"),
	// the errno and the module's words.
	std::optional<Error> error;
	int signal = 0;
};

// Waits on @stream, a membership of the "monitor" group made before the
// request was sent, for what @request awaits. Errors: the stream or
// RANGE_GET failed; the operation then goes on in the kernel.
Result<Outcome> await_outcome(Backend &backend, EventStream &stream, const AwaitRequest &request);

} // namespace memplug
