// SPDX-License-Identifier: GPL-2.0
#include "memplug/progress.hpp"

#include <cmath>
#include <cstdio>

namespace memplug {

namespace {

// Shown once an operation has run this long: a quick one shows nothing.
constexpr std::chrono::milliseconds kDelay{1000};
// Drawn at most this often, so the terminal is not flooded.
constexpr std::chrono::milliseconds kInterval{200};

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kGiB = kMiB * 1024.0;

// "15.0/64.0 GiB", in the unit that suits @total.
std::string sizes(std::uint64_t done, std::uint64_t total)
{
	const bool gib = static_cast<double>(total) >= kGiB;
	const double unit = gib ? kGiB : kMiB;
	char buf[64];
	std::snprintf(buf, sizeof(buf), "%.1f/%.1f %s", static_cast<double>(done) / unit,
		      static_cast<double>(total) / unit, gib ? "GiB" : "MiB");
	return buf;
}

// "2.1 GiB/s", "350 MiB/s"
std::string rate(double bytes_per_second)
{
	char buf[32];
	if (bytes_per_second >= kGiB)
		std::snprintf(buf, sizeof(buf), "%.1f GiB/s", bytes_per_second / kGiB);
	else
		std::snprintf(buf, sizeof(buf), "%.0f MiB/s", bytes_per_second / kMiB);
	return buf;
}

// "about 25 s left", "about 3 min left"
std::string time_left(double seconds)
{
	char buf[32];
	if (seconds < 100.0)
		std::snprintf(buf, sizeof(buf), "about %.0f s left", std::ceil(seconds));
	else
		std::snprintf(buf, sizeof(buf), "about %.0f min left", std::round(seconds / 60.0));
	return buf;
}

} // namespace

std::string progress_text(const Progress &p, std::optional<double> bytes_per_second)
{
	std::string text =
		p.what + ": " + std::to_string(p.done) + "/" + std::to_string(p.total) + " blocks";
	if (p.bytes_total == 0)
		return text;
	text += ", " + sizes(p.bytes_done, p.bytes_total);
	if (!bytes_per_second || *bytes_per_second <= 0.0)
		return text;
	text += ", " + rate(*bytes_per_second);
	if (p.bytes_done < p.bytes_total)
		text += ", " + time_left(static_cast<double>(p.bytes_total - p.bytes_done) /
					 *bytes_per_second);
	return text;
}

ProgressLine::ProgressLine(std::ostream &out, bool enabled, Clock::time_point start)
    : out_(out)
    , enabled_(enabled)
    , start_(start)
{
}

void ProgressLine::update(const Progress &progress, Clock::time_point now)
{
	if (!enabled_)
		return;
	if (progress.what != what_) {
		what_ = progress.what;
		first_at_ = now;
		first_bytes_ = progress.bytes_done;
	}
	if (now - start_ < kDelay || (drawn_at_ && now - *drawn_at_ < kInterval))
		return;

	std::optional<double> bytes_per_second;
	const std::chrono::duration<double> took = now - first_at_;
	if (took.count() > 0.0 && progress.bytes_done > first_bytes_)
		bytes_per_second =
			static_cast<double>(progress.bytes_done - first_bytes_) / took.count();
	const std::string text = progress_text(progress, bytes_per_second);
	// Spaces over what is left of a longer line before.
	const std::size_t pad = width_ > text.size() ? width_ - text.size() : 0;
	out_ << '\r' << text << std::string(pad, ' ') << std::flush;
	width_ = text.size();
	drawn_at_ = now;
}

void ProgressLine::clear()
{
	if (width_ == 0)
		return;
	out_ << '\r' << std::string(width_, ' ') << '\r' << std::flush;
	width_ = 0;
}

} // namespace memplug
