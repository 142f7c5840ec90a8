// SPDX-License-Identifier: GPL-2.0
//
// The progress of a long operation (plug's onlining, unplug's removal) as
// one line on a terminal: rewritten in place with \r, shown only once the
// operation has run for a second, at most five times a second, and erased
// before anything else is printed. A quick operation shows nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace memplug {

// How far an operation on a range has come.
struct Progress {
	std::string what;        // "unplugging range 3"
	std::uint32_t done = 0;  // blocks
	std::uint32_t total = 0; // blocks
	std::uint64_t bytes_done = 0;
	std::uint64_t bytes_total = 0; // 0: sizes unknown, shown in blocks only
};

// "unplugging range 3: 120/512 blocks, 15.0/64.0 GiB, 2.1 GiB/s, about 25 s
// left": sizes in GiB from 1 GiB on, else MiB; the rate and the time left
// at that rate only with a @bytes_per_second above 0.
std::string progress_text(const Progress &progress, std::optional<double> bytes_per_second);

class ProgressLine {
public:
	using Clock = std::chrono::steady_clock;

	// Nothing is drawn unless @enabled (stderr is a terminal and the
	// output is not JSON). The operation started at @start.
	ProgressLine(std::ostream &out, bool enabled, Clock::time_point start = Clock::now());
	ProgressLine(const ProgressLine &) = delete;
	ProgressLine &operator=(const ProgressLine &) = delete;
	~ProgressLine() { clear(); }

	// Draws @progress, as of @now, if the operation has run for more than
	// a second and the line was not drawn in the last 200 ms. The rate is
	// that since the first report of the same what.
	void update(const Progress &progress, Clock::time_point now = Clock::now());
	// Erases the line if it is shown: \r, spaces over it, \r.
	void clear();

private:
	std::ostream &out_;
	bool enabled_;
	Clock::time_point start_;
	// The first report of what is shown, from which the rate is taken.
	std::string what_;
	Clock::time_point first_at_;
	std::uint64_t first_bytes_ = 0;
	std::optional<Clock::time_point> drawn_at_;
	std::size_t width_ = 0; // of the line shown, 0 for none
};

} // namespace memplug
