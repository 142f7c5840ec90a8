// SPDX-License-Identifier: GPL-2.0
#include "memplug/monitor.hpp"

#include <cerrno>
#include <cstdio>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include "fd.hpp"
#include "memplug/backend.hpp"
#include "memplug/format.hpp"
#include "memplug/host.hpp"
#include "memplug/parse.hpp"

namespace memplug {

namespace {

using Clock = std::chrono::steady_clock;

// The state of one monitor run.
class Follower {
public:
	Follower(Backend &backend, const MonitorOptions &options, Formatter &out)
	    : backend_(backend)
	    , options_(options)
	    , out_(out)
	{
	}

	const MonitorResult &result() const { return result_; }
	bool done() const { return done_; }

	// Everything up to @seq counts as seen.
	void start_after(std::uint64_t seq) { last_ = seq; }

	// Reads the ring from @from on: what it no longer holds is an
	// overrun, the rest is handled like live events.
	Result<void> catch_up(std::uint64_t from)
	{
		auto events = backend_.event_dump(from);
		if (!events)
			return std::move(std::move(events).error().add_context(
				"reading missed events from seq " + std::to_string(from)));
		if (!events->empty() && events->front().seq > from)
			lose(from, events->front().seq - 1);
		for (const auto &e : *events) {
			if (done_)
				break;
			if (e.seq > last_)
				take(e);
		}
		return {};
	}

	// A live event: a duplicate of what the ring gave us is dropped, a
	// jump means loss, to be read back from the ring.
	Result<void> live(const Event &e)
	{
		if (e.seq <= last_)
			return {};
		if (e.seq > last_ + 1) {
			if (auto ok = catch_up(last_ + 1); !ok)
				return ok;
			if (done_ || e.seq <= last_)
				return {};
			// Not even the ring had them.
			if (e.seq > last_ + 1)
				lose(last_ + 1, e.seq - 1);
		}
		take(e);
		return {};
	}

	std::uint64_t last() const { return last_; }
	const std::optional<Error> &error() const { return error_; }

private:
	void take(const Event &e)
	{
		last_ = e.seq;
		if (!options_.range || e.range_id == *options_.range) {
			out_.event(e);
			result_.printed++;
			if (options_.count && result_.printed >= *options_.count)
				done_ = true;
		}
		handled(e.seq);
	}

	void lose(std::uint64_t from, std::uint64_t to)
	{
		out_.overrun(from, to);
		result_.overruns++;
		result_.lost += to - from + 1;
		last_ = to;
		handled(to);
	}

	void handled(std::uint64_t seq)
	{
		if (!options_.handled || error_)
			return;
		if (auto ok = options_.handled(seq); !ok) {
			error_ = std::move(ok).error();
			done_ = true;
		}
	}

	Backend &backend_;
	const MonitorOptions &options_;
	Formatter &out_;
	MonitorResult result_;
	std::uint64_t last_ = 0; // the newest seq handled (printed or filtered)
	bool done_ = false;
	std::optional<Error> error_; // of options_.handled
};

} // namespace

Result<MonitorResult> monitor(Backend &backend, EventStream &stream, const MonitorOptions &options,
			      Formatter &out, const std::function<bool()> &stop)
{
	Follower f(backend, options, out);
	auto finish = [&](MonitorEnd end) -> Result<MonitorResult> {
		if (f.error())
			return *f.error();
		MonitorResult r = f.result();
		r.end = end;
		return r;
	};
	if (options.count && *options.count == 0)
		return finish(MonitorEnd::Count);

	const auto start = Clock::now();
	if (options.since) {
		// Sequence numbers start at 1.
		const std::uint64_t from = std::max<std::uint64_t>(*options.since, 1);
		f.start_after(from - 1);
		if (auto ok = f.catch_up(from); !ok)
			return std::move(ok).error();
	} else {
		// The group is joined: every event from the next seq on reaches
		// us, or its loss shows. That is where the monitor starts.
		auto status = backend.status_get();
		if (!status)
			return std::move(status).error();
		if (!status->event_seq)
			return Error::system("starting the monitor", EPROTO,
					     "the module did not report its next event seq");
		f.start_after(*status->event_seq - 1);
	}

	for (;;) {
		if (f.done())
			return finish(MonitorEnd::Count);
		if (stop && stop())
			return finish(MonitorEnd::Interrupted);
		std::optional<std::chrono::milliseconds> left;
		if (options.timeout) {
			left = std::chrono::ceil<std::chrono::milliseconds>(
				start + *options.timeout - Clock::now());
			if (left->count() <= 0)
				return finish(MonitorEnd::Timeout);
		}
		auto received = stream.receive(left);
		if (!received)
			return std::move(received).error();
		for (const auto &e : received->events) {
			if (auto ok = f.live(e); !ok)
				return std::move(ok).error();
			if (f.done())
				break;
		}
		// The kernel dropped messages for us: whatever followed the last
		// event we have is in the ring, or lost.
		if (received->overflow && !f.done()) {
			if (auto ok = f.catch_up(f.last() + 1); !ok)
				return std::move(ok).error();
		}
	}
}

Result<std::optional<std::uint64_t>> read_seq_file(const std::filesystem::path &path)
{
	std::error_code ec;
	if (!std::filesystem::exists(path, ec) && !ec)
		return std::optional<std::uint64_t>();
	auto text = read_text_file(path);
	if (!text)
		return std::move(text).error();
	std::string_view number = *text;
	while (!number.empty() && (number.back() == '\n' || number.back() == ' '))
		number.remove_suffix(1);
	if (number.empty())
		return std::optional<std::uint64_t>();
	auto seq = parse_u64(number, "sequence number");
	if (!seq)
		return std::move(std::move(seq).error().add_context(path.string()));
	return std::optional<std::uint64_t>(*seq);
}

Result<void> write_seq_file(const std::filesystem::path &path, std::uint64_t seq)
{
	const std::string tmp = path.string() + ".tmp";
	const std::string text = std::to_string(seq) + "\n";
	{
		Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
		if (fd.get() < 0)
			return Error::system("writing " + tmp, errno);
		if (::write(fd.get(), text.data(), text.size()) !=
		    static_cast<ssize_t>(text.size()))
			return Error::system("writing " + tmp, errno ? errno : EIO);
		if (::fsync(fd.get()) != 0)
			return Error::system("writing " + tmp, errno);
	}
	if (std::rename(tmp.c_str(), path.c_str()) != 0)
		return Error::system("renaming " + tmp + " to " + path.string(), errno);
	return {};
}

} // namespace memplug
