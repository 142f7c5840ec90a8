// SPDX-License-Identifier: GPL-2.0
#include "memplug/await.hpp"

#include <cerrno>

namespace memplug {

namespace {

using Clock = std::chrono::steady_clock;

// The longest single wait on the socket: a stop request and the deadline
// are looked at in between. A signal ends a wait at once, unless it came
// just before it began.
constexpr std::chrono::milliseconds kSlice{200};
// RANGE_GET after this long without any news of the range.
constexpr std::chrono::milliseconds kQuiet{1000};

constexpr const char *kLost = "the kernel's reason was lost in an event overrun";

// One wait for the outcome of one request. Each step says whether the
// wait is over: ended_ then says how, or error_ why it cannot go on.
class Waiter {
public:
	Waiter(Backend &backend, EventStream &stream, const AwaitRequest &request)
	    : backend_(backend)
	    , stream_(stream)
	    , request_(request)
	    , id_(request.range.id)
	{
	}

	Result<Outcome> run()
	{
		auto last_news = Clock::now();
		while (!step(last_news)) {
		}
		if (error_)
			return std::move(*error_);
		return std::move(*ended_);
	}

private:
	bool end(Outcome::End how, std::optional<Error> error = std::nullopt, int signal = 0)
	{
		ended_ = Outcome{how, std::move(error), signal};
		return true;
	}
	bool fail(Error error)
	{
		error_ = std::move(error);
		return true;
	}

	// One wait on the socket, and what it brought.
	bool step(Clock::time_point &last_news)
	{
		if (request_.hooks.stop) {
			if (const int signal = request_.hooks.stop())
				return end(Outcome::End::Stopped, std::nullopt, signal);
		}
		auto slice = kSlice;
		if (request_.deadline) {
			const auto left = std::chrono::ceil<std::chrono::milliseconds>(
				*request_.deadline - Clock::now());
			if (left.count() <= 0)
				return end(Outcome::End::Deadline);
			slice = std::min(slice, left);
		}
		auto received = stream_.receive(slice);
		if (!received)
			return fail(std::move(received).error());
		if (take(*received))
			return true;
		if (news_) {
			news_ = false;
			last_news = Clock::now();
		}
		// The kernel dropped messages for us, or is silent about the
		// range: RANGE_GET says where it stands.
		if (received->overflow || Clock::now() - last_news >= kQuiet) {
			if (poll())
				return true;
			last_news = Clock::now();
		}
		return false;
	}

	// The context the request's refusal would have had (nl.cpp).
	std::string context() const
	{
		if (request_.awaited == Awaited::Added)
			return "adding the range";
		return "removing range " + std::to_string(id_);
	}

	bool take(const Received &received)
	{
		for (const Event &e : received.events) {
			if (event(e))
				return true;
		}
		return false;
	}

	// What @e says of the range: progress, or the outcome.
	bool event(const Event &e)
	{
		if (e.range_id != id_)
			return false;
		news_ = true;
		if (e.blocks_done && e.blocks_total)
			report(*e.blocks_done, *e.blocks_total, std::nullopt);
		tell_block(e);
		// An earlier request's outcome, which a fallback to RANGE_GET
		// may have overtaken.
		if (e.time_ns && *e.time_ns < request_.since_ns)
			return false;
		const std::uint32_t done = request_.awaited == Awaited::Added
						   ? MEMPLUG_EVENT_PLUG
						   : MEMPLUG_EVENT_UNPLUG;
		if (e.action == done)
			return end(Outcome::End::Done);
		if (request_.awaited == Awaited::Gone) {
			// Gone, or left to a rollback; or the rollback gave up:
			// the range says which, and why.
			if (e.action == MEMPLUG_EVENT_PLUG_FAILED ||
			    e.action == MEMPLUG_EVENT_FAILED)
				return judge_range();
			return false;
		}
		const std::uint32_t failed = request_.awaited == Awaited::Added
						     ? MEMPLUG_EVENT_PLUG_FAILED
						     : MEMPLUG_EVENT_UNPLUG_FAILED;
		if (e.action != failed)
			return false;
		return end(Outcome::End::Failed,
			   Error::kernel(context(), e.error.value_or(0), e.reason.value_or("")));
	}

	// RANGE_GET, and a look for the outcome event: the kernel reports an
	// outcome under the lock RANGE_GET takes, so when the range shows
	// that its operation ended, the event is on the socket already, with
	// the module's words.
	bool poll()
	{
		if (!judge_range())
			return false;
		if (error_)
			return true;
		const Outcome judged = std::move(*ended_);
		ended_.reset();
		auto late = stream_.receive(std::chrono::milliseconds(0));
		if (late && take(*late))
			return true;
		error_.reset();
		ended_ = judged;
		return true;
	}

	// Where RANGE_GET finds the range: the outcome, if its operation ended.
	bool judge_range()
	{
		auto got = backend_.range_get(id_);
		if (!got) {
			if (got.error().errnum() != ENOENT)
				return fail(std::move(got).error());
			if (request_.awaited == Awaited::Added)
				return end(
					Outcome::End::Failed,
					Error::failed(context(),
						      std::string("the range is gone; ") + kLost));
			return end(Outcome::End::Done);
		}
		const Range &r = *got;
		const auto failure = [&] {
			return end(Outcome::End::Failed,
				   Error::kernel(context(), r.fail_errno.value_or(0),
						 r.fail_reason.value_or(kLost)));
		};
		switch (request_.awaited) {
		case Awaited::Added:
			if (r.state == MEMPLUG_RANGE_STATE_PLUGGED ||
			    (r.state == MEMPLUG_RANGE_STATE_PLUGGING && r.blocks &&
			     r.blocks_present == r.blocks))
				return end(Outcome::End::Done);
			if (r.state != MEMPLUG_RANGE_STATE_PLUGGING)
				return failure();
			break;
		case Awaited::Removed:
			if (r.state != MEMPLUG_RANGE_STATE_UNPLUGGING)
				return failure();
			break;
		case Awaited::Gone:
			if (r.state == MEMPLUG_RANGE_STATE_FAILED)
				return failure();
			// Someone cancelled the rollback: the range stays.
			if (r.state == MEMPLUG_RANGE_STATE_PLUGGED)
				return end(Outcome::End::Failed,
					   Error::failed(context(),
							 "its rollback was cancelled; range " +
								 std::to_string(id_) +
								 " is plugged"));
			break;
		}
		if (r.blocks_done && r.blocks)
			report(*r.blocks_done, *r.blocks, r.bytes_done);
		return false;
	}

	// A block of the range onlined or offlined since the request, as a
	// step: "offlined memory block 12 (3/8)".
	void tell_block(const Event &e)
	{
		if (!request_.hooks.step || !e.block ||
		    (e.time_ns && *e.time_ns < request_.since_ns))
			return;
		std::string text;
		if (e.action == MEMPLUG_EVENT_ONLINE)
			text = "onlined";
		else if (e.action == MEMPLUG_EVENT_OFFLINE)
			text = "offlined";
		else
			return;
		text += " memory block " + std::to_string(*e.block);
		if (e.blocks_done && e.blocks_total)
			text += " (" + std::to_string(*e.blocks_done) + "/" +
				std::to_string(*e.blocks_total) + ")";
		if (e.action == MEMPLUG_EVENT_ONLINE && e.zone)
			text += ", zone " + *e.zone;
		request_.hooks.step(text);
	}

	void report(std::uint32_t done, std::uint32_t total, std::optional<std::uint64_t> bytes)
	{
		if (!request_.hooks.progress || total == 0)
			return;
		Progress p;
		p.what = request_.what;
		p.done = done;
		p.total = total;
		p.bytes_total = request_.range.size;
		p.bytes_done = bytes.value_or(request_.range.size / total * done);
		request_.hooks.progress(p);
	}

	Backend &backend_;
	EventStream &stream_;
	const AwaitRequest &request_;
	const std::uint32_t id_;
	bool news_ = false; // an event of the range came since last asked
	std::optional<Outcome> ended_;
	std::optional<Error> error_;
};

} // namespace

Result<Outcome> await_outcome(Backend &backend, EventStream &stream, const AwaitRequest &request)
{
	return Waiter(backend, stream, request).run();
}

} // namespace memplug
