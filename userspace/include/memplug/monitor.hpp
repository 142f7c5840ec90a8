// SPDX-License-Identifier: GPL-2.0
//
// memplugctl monitor: the module's events as they happen, with every loss
// either repaired or reported.
//
// Sequence numbers are module-wide and consecutive from 1. The monitor
// joins the "monitor" multicast group first, then (with a starting seq)
// reads the ring from there, then follows the live events, dropping what
// it has already seen. When the socket overflows (ENOBUFS) or the live
// seq jumps, the missing events are read back from the ring; what the ring
// no longer holds is reported as an overrun record, never skipped quietly.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "memplug/error.hpp"
#include "memplug/types.hpp"

namespace memplug {

class Backend;
class Formatter;

// What one wait on the event socket brought.
struct Received {
	std::vector<Event> events; // in the order the kernel sent them
	bool overflow = false;     // the kernel dropped messages for us (ENOBUFS)
	bool timed_out = false;    // the wait ended without anything
	bool interrupted = false;  // a signal ended the wait
};

// A membership of the "monitor" group.
class EventStream {
public:
	virtual ~EventStream() = default;

	// Waits until something arrives, @timeout passes (nothing: no limit)
	// or a signal arrives, then returns everything queued.
	virtual Result<Received> receive(std::optional<std::chrono::milliseconds> timeout) = 0;
};

struct MonitorOptions {
	// End after this many events have been printed (after filtering).
	std::optional<std::uint64_t> count;
	// End after this long.
	std::optional<std::chrono::milliseconds> timeout;
	// Only events of this range (overrun records are always printed).
	std::optional<std::uint32_t> range;
	// Start with the ring's events from this seq on; without it, with the
	// events after the monitor started.
	std::optional<std::uint64_t> since;
	// Told the seq of every event handled (printed, or left out by
	// @range) and the last seq of every overrun, after it was printed;
	// an Error ends the monitor with it.
	std::function<Result<void>(std::uint64_t seq)> handled;
};

enum class MonitorEnd {
	Count,       // --count events printed
	Timeout,     // --timeout passed first
	Interrupted, // @stop said so (SIGINT, SIGTERM)
};

struct MonitorResult {
	MonitorEnd end = MonitorEnd::Interrupted;
	std::uint64_t printed = 0;  // events printed
	std::uint64_t overruns = 0; // overrun records printed
	std::uint64_t lost = 0;     // events they cover
};

// Follows @stream, whose group membership must already exist, printing
// each event and overrun to @out. @stop is asked after every wait.
// Returns how it ended; errors (the ring cannot be read, a malformed
// event) end it early.
Result<MonitorResult> monitor(Backend &backend, EventStream &stream, const MonitorOptions &options,
			      Formatter &out, const std::function<bool()> &stop);

// monitor --state-file: the seq of the last event handled, kept across
// restarts. What @path holds: nothing when the file does not exist or is
// empty, else its decimal number; anything else is an Error.
Result<std::optional<std::uint64_t>> read_seq_file(const std::filesystem::path &path);
// Replaces @path with @seq atomically: written to a temporary file beside
// it, then renamed over it, so that a reader finds the old number or the
// new one, never part of one.
Result<void> write_seq_file(const std::filesystem::path &path, std::uint64_t seq);

} // namespace memplug
