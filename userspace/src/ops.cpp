// SPDX-License-Identifier: GPL-2.0
#include "memplug/ops.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>

#include "memplug/format.hpp"
#include "memplug/zoneinfo.hpp"
#include "ops_common.hpp"

namespace memplug {

namespace {

// unplug --timeout retries a busy range after 100 ms, then 200 ms, ...,
// at most 1 s apart.
constexpr std::chrono::milliseconds kRetryFirst{100};
constexpr std::chrono::milliseconds kRetryMax{1000};

std::string seconds(std::chrono::milliseconds ms)
{
	char buf[32];
	if (ms.count() % 1000 == 0)
		std::snprintf(buf, sizeof(buf), "%llds", static_cast<long long>(ms.count() / 1000));
	else
		std::snprintf(buf, sizeof(buf), "%.3gs", static_cast<double>(ms.count()) / 1000.0);
	return buf;
}

// ", 2 of 4 blocks still present" for a range that lost some of its
// blocks (a failed one, or one being rolled back); nothing otherwise.
std::string blocks_present(const Range &r)
{
	if (!r.blocks || !r.blocks_present || *r.blocks_present >= *r.blocks)
		return {};
	return ", " + std::to_string(*r.blocks_present) + " of " + std::to_string(*r.blocks) +
	       " blocks still present";
}

// A sentence on where a range stands after a failed unplug, for failure
// messages: its blocks as RANGE_GET counts them, the block the kernel
// stopped at and why, and whether every block is as it was before (from
// two BLOCK_GET dumps).
std::string describe_range(const Range &r, const std::optional<std::vector<Block>> &before,
			   const std::optional<std::vector<Block>> &after)
{
	std::string text = "range " + std::to_string(r.id) + " remains ";
	const std::string state = range_state_name(r);
	if (r.state != MEMPLUG_RANGE_STATE_PLUGGED)
		text += state; // failed, or being removed by someone else
	else if (state == "online")
		text += "plugged and online";
	else
		text += "plugged (" + state + ")";
	text += blocks_present(r);
	if (r.blocks && r.blocks_online)
		text += ", " + std::to_string(*r.blocks_online) + "/" + std::to_string(*r.blocks) +
			" blocks online";
	if (before && after) {
		std::vector<std::string> changed;
		for (const auto &a : *after) {
			auto b = std::find_if(before->begin(), before->end(),
					      [&](const Block &x) { return x.id == a.id; });
			if (b == before->end())
				continue;
			const auto shown = [](const Block &x) {
				return x.online() ? "online (" + x.zone.value_or("?") + ")"
						  : block_state_name(x.state);
			};
			if (shown(*b) != shown(a))
				changed.push_back(block_name(a.id) + " was " + shown(*b) + ", is " +
						  shown(a));
		}
		if (after->size() != before->size())
			changed.push_back("the kernel now reports " +
					  std::to_string(after->size()) + " blocks instead of " +
					  std::to_string(before->size()));
		if (changed.empty()) {
			text += ", every block as it was before";
		} else {
			text += ", but changed: ";
			for (std::size_t i = 0; i < changed.size(); i++)
				text += (i ? ", " : "") + changed[i];
		}
	}
	return text;
}

// "memory block 9 could not be offlined (EBUSY)" from RANGE_GET's
// FAIL_BLOCK/FAIL_ERRNO.
std::optional<std::string> describe_failure(const Range &r)
{
	if (!r.fail_block)
		return std::nullopt;
	std::string text = block_name(*r.fail_block) + " could not be offlined";
	if (r.fail_errno)
		text += " (" + errno_name(*r.fail_errno) + ")";
	return text;
}

using Clock = std::chrono::steady_clock;

// The longest sleep between two looks at a stop request.
constexpr std::chrono::milliseconds kStopCheck{100};

// Tells @hooks of a step, if it listens.
void step(const OpHooks &hooks, const std::string &text)
{
	if (hooks.step)
		hooks.step(text);
}

// The signal that asks @hooks' operation to stop, or 0.
int stop_requested(const OpHooks &hooks)
{
	return hooks.stop ? hooks.stop() : 0;
}

// Sleeps @ms, or until @hooks.stop asks to stop; returns its signal or 0.
int pause(std::chrono::milliseconds ms, const OpHooks &hooks)
{
	const auto until = Clock::now() + ms;
	for (;;) {
		if (const int signal = stop_requested(hooks))
			return signal;
		const auto left =
			std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
		if (left.count() <= 0)
			return 0;
		const auto step = std::min(left, kStopCheck);
		timespec ts{};
		ts.tv_sec = static_cast<time_t>(step.count() / 1000);
		ts.tv_nsec = static_cast<long>(step.count() % 1000) * 1000000;
		// A signal ends it early, and the loop looks at why.
		nanosleep(&ts, nullptr);
	}
}

// "timed out after 2s", of kind Timeout, for the caller to give context.
Error timed_out(std::chrono::milliseconds timeout, int errnum = 0, std::string still = {})
{
	return Error(ErrorKind::Timeout, {}, errnum, "timed out after " + seconds(timeout) + still);
}

// A RANGE_CANCEL that found nothing to stop (EINVAL) or no range (ENOENT)
// came after the operation ended: its outcome is on its way all the same.
bool ended_meanwhile(const Error &error)
{
	return error.errnum() == EINVAL || error.errnum() == ENOENT;
}

// Whether a plug onlines its blocks into ZONE_MOVABLE.
bool onlines_movable(const PlugRequest &request, ZonePolicy policy)
{
	if (request.online == OnlineType::None)
		return false;
	return request.online == OnlineType::Movable || policy == ZonePolicy::Movable;
}

// The movable ratio guard of a plug onto @node: a warning, or with
// --strict-ratio a refusal. What cannot be checked is warned about too,
// and refused under --strict-ratio.
Result<void> check_movable_ratio(const System &system, const PlugRequest &request,
				 std::uint32_t node, const Warn &warn)
{
	auto nodes = read_node_memory(system.files.zoneinfo);
	if (!nodes) {
		const std::string why = "cannot check the movable/kernel memory ratio of node " +
					std::to_string(node) + ": " + nodes.error().message();
		if (request.strict_ratio)
			return Error::failed("--strict-ratio", why);
		warn(why);
		return {};
	}
	const MovableRatio ratio = movable_ratio_after(*nodes, node, request.size);
	if (!ratio.exceeds())
		return {};
	const std::string text = ratio.describe(request.size);
	if (request.strict_ratio)
		return Error::failed("--strict-ratio",
				     "refusing: " + text + "; " + kMovableRatioWhy);
	warn(text + "; " + kMovableRatioWhy + ". Plugging anyway; --strict-ratio refuses this.");
	return {};
}

// What every step of one plug needs to know.
struct PlugJob {
	Backend &backend;
	const System &system;
	const PlugRequest &request;
	const Warn &warn;
	std::string what; // "plugging 0x40000000+512M", the context of its errors
	ZonePolicy policy;
	bool movable; // whether it onlines into ZONE_MOVABLE
	const OpHooks &hooks;
	std::optional<Clock::time_point> deadline; // of --timeout
};

// The refusals that need no kernel round trip: nothing sent, nothing changed.
Result<void> validate_plug(const PlugJob &job)
{
	if (job.request.memmap_on_memory) {
		if (auto ok = check_memmap_on_memory(job.system.files); !ok)
			return ok;
	}
	if (job.movable && job.request.node)
		return check_movable_ratio(job.system, job.request, *job.request.node, job.warn);
	return {};
}

// STATUS_GET, which must report the memory block size.
Result<Status> module_status(const PlugJob &job)
{
	auto status = job.backend.status_get();
	if (!status)
		return std::move(std::move(status).error().add_context(job.what));
	if (!status->block_size || *status->block_size == 0)
		return Error::system(job.what, EPROTO,
				     "the module did not report its memory block size");
	return status;
}

// RANGE_ADD with HOLD, so that the kernel removes the range again if
// memplugctl dies before it commits.
Result<Range> claim_range(const PlugJob &job)
{
	const PlugRequest &request = job.request;
	RangeAddRequest add;
	add.start = request.start;
	add.size = request.size;
	add.node = request.node;
	add.name = request.name;
	add.zone_policy = job.policy;
	add.protect = request.protect;
	add.verify = request.verify;
	add.memmap_on_memory = request.memmap_on_memory;
	add.excludes = request.excludes;
	add.force = request.force;
	add.tier = request.tier;
	add.hold = true;
	// Whatever the kernel's auto-online policy, the blocks come back
	// offline and are onlined here exactly as asked.
	add.defer_online = true;
	step(job.hooks, "add requested: " + hex(request.start) + "+" + human_size(request.size) +
				(request.node ? " on node " + std::to_string(*request.node) : ""));
	auto added = job.backend.range_add(add);
	if (!added)
		return std::move(std::move(added).error().add_context(job.what));
	step(job.hooks, "add replied: range " + std::to_string(added->id) + " " +
				range_state_name(*added) +
				(added->node ? " on node " + std::to_string(*added->node) : ""));
	return added;
}

// Without --node, the kernel's reply is the first word on the node.
Result<void> check_ratio_of_range_node(const PlugJob &job, const Range &range)
{
	if (job.movable && !job.request.node && range.node)
		return check_movable_ratio(job.system, job.request, *range.node, job.warn);
	return {};
}

// One BLOCK_GET dump, checked to be exactly the blocks of @range.
Result<std::vector<Block>> range_blocks(const PlugJob &job, const Range &range,
					std::uint64_t block_size)
{
	auto blocks = job.backend.block_dump(range.id);
	if (!blocks)
		return blocks;
	if (auto ok = check_blocks(*blocks, range, block_size); !ok)
		return std::move(ok).error();
	return blocks;
}

// Onlines @block through sysfs as the request asks, unless it already is
// where it should be.
Result<void> online_block(const PlugJob &job, const Status &status, const Block &block)
{
	auto problem = block_problem(block, job.request.online, job.policy);
	if (!problem)
		return {}; // already online where it should be
	if (block.online())
		return Error::failed(block_name(block.id),
				     "onlined behind memplug's back, " + *problem);
	const std::uint64_t before = monotonic_ns();
	auto written =
		job.system.memory.write_state(block.id, online_type_sysfs(job.request.online));
	if (!written) {
		Error error = std::move(written).error();
		if (auto why = veto_reason(job.backend, status.event_seq.value_or(0), before,
					   block.id))
			error.add_note(*why);
		return error;
	}
	return {};
}

// Why the plug must stop now: a signal asks to cancel it, or its deadline
// passed.
std::optional<Error> interruption(const PlugJob &job)
{
	if (const int signal = stop_requested(job.hooks))
		return Error::cancelled({}, signal);
	if (job.deadline && Clock::now() >= *job.deadline)
		return timed_out(*job.request.timeout);
	return std::nullopt;
}

// Onlines the blocks in online_order(), as --online asks; none for none.
// Stops between two blocks at the deadline or when asked to.
Result<void> online_blocks(const PlugJob &job, const Status &status, const Range &range,
			   const std::vector<Block> &blocks)
{
	if (job.request.online == OnlineType::None)
		return {};
	Progress progress;
	progress.what = "plugging range " + std::to_string(range.id);
	progress.total = static_cast<std::uint32_t>(blocks.size());
	progress.bytes_total = range.size;
	for (const std::size_t i : online_order(blocks.size())) {
		if (auto why = interruption(job))
			return std::move(*why);
		if (auto ok = online_block(job, status, blocks[i]); !ok) {
			// The signal also cuts a write short (EINTR): then it is
			// the cancel that ends the plug, not the write.
			if (const int signal = stop_requested(job.hooks))
				return Error::cancelled({}, signal);
			return ok;
		}
		progress.done++;
		progress.bytes_done += blocks[i].size;
		if (job.hooks.step) {
			auto zone = job.system.memory.read_zone(blocks[i].id);
			step(job.hooks, "onlined " + block_name(blocks[i].id) + " (" +
						std::to_string(progress.done) + "/" +
						std::to_string(progress.total) + "), zone " +
						(zone ? *zone : std::string("unknown")));
		}
		if (job.hooks.progress)
			job.hooks.progress(progress);
	}
	return {};
}

// DEFER_ONLINE keeps the kernel's auto-online away during the add, so with
// --online none @block must still be offline; otherwise it must be online
// in a zone the request allows, on the range's node.
Result<void> verify_block(const PlugJob &job, const Range &range, const Block &block)
{
	const std::string what = "verifying " + block_name(block.id);
	if (job.request.online == OnlineType::None) {
		if (block.online())
			return Error::failed(what,
					     "online in zone " + block.zone.value_or("?") +
						     ", although --online none was asked for");
		return {};
	}
	if (auto problem = block_problem(block, job.request.online, job.policy))
		return Error::failed(what, "after onlining it is " + *problem);
	// Memory the kernel put on another node than the range's would serve
	// the wrong CPUs and confuse every NUMA policy.
	if (range.node && block.node && *block.node != *range.node)
		return Error::failed(what, "it is on NUMA node " + std::to_string(*block.node) +
						   ", but the range " + std::to_string(range.id) +
						   " belongs to node " +
						   std::to_string(*range.node));
	return {};
}

// A second BLOCK_GET dump: every block where the request wants it.
Result<void> verify_plugged(const PlugJob &job, const Range &range, std::uint64_t block_size)
{
	auto blocks = range_blocks(job, range, block_size);
	if (!blocks)
		return std::move(blocks).error();
	std::string zones;
	for (const auto &block : *blocks) {
		if (auto ok = verify_block(job, range, block); !ok)
			return ok;
		const std::string zone = block.zone.value_or("?");
		if (block.online() &&
		    (" " + zones + ",").find(" " + zone + ",") == std::string::npos)
			zones += (zones.empty() ? "" : ", ") + zone;
	}
	step(job.hooks,
	     "verified: range " + std::to_string(range.id) + ", " + std::to_string(blocks->size()) +
		     " blocks " +
		     (job.request.online == OnlineType::None ? "offline"
							     : "online in zone " + zones));
	return {};
}

// RANGE_SET with COMMIT: the range is the caller's for good.
Result<Range> commit_range(const PlugJob &job, const Range &range)
{
	RangeSetRequest commit;
	commit.id = range.id;
	commit.commit = true;
	auto committed = job.backend.range_set(commit);
	if (committed)
		step(job.hooks, "committed: range " + std::to_string(range.id));
	return committed;
}

// Everything after the add, each step a reason to roll back if it fails.
Result<Range> online_and_commit(const PlugJob &job, const Status &status, const Range &range)
{
	const std::uint64_t block_size = *status.block_size;
	if (auto ok = check_ratio_of_range_node(job, range); !ok)
		return std::move(ok).error();
	auto blocks = range_blocks(job, range, block_size);
	if (!blocks)
		return std::move(blocks).error();
	if (auto ok = online_blocks(job, status, range, *blocks); !ok)
		return std::move(ok).error();
	if (auto ok = verify_plugged(job, range, block_size); !ok)
		return std::move(ok).error();
	return commit_range(job, range);
}

// "rollback failed: ...; the kernel removes ..." for @range after @why.
std::string rollback_failed(const Range &range, const Error &why)
{
	return "rollback failed: " + why.message() + "; the kernel removes the uncommitted range " +
	       std::to_string(range.id) + " when memplugctl exits";
}

// RANGE_DEL of the uncommitted @range after @error, which becomes the
// failure of the whole plug and says what the rollback did. The same when
// the plug timed out or was cancelled while onlining: RANGE_DEL rather
// than RANGE_CANCEL, because the removal an unplug does ends at once in
// UNPLUG or UNPLUG_FAILED, where the kernel's rollback of a cancelled hold
// pauses between its attempts; and a removal that fails leaves the range
// held by this socket, for the kernel to remove when memplugctl exits.
Error roll_back_plug(const PlugJob &job, EventStream &stream, const Range &range, Error error)
{
	if (error.kind() != ErrorKind::Timeout && error.kind() != ErrorKind::Cancelled)
		error.set_kind(ErrorKind::Failed);
	error.add_context(job.what);
	const std::uint64_t since = monotonic_ns();
	step(job.hooks, "rolling back: remove requested: range " + std::to_string(range.id));
	auto removing = job.backend.range_del(range.id);
	if (!removing)
		return std::move(error.add_note(rollback_failed(range, removing.error())));
	// Neither a deadline nor a stop request: the rollback is the cancel.
	const AwaitRequest wait{.awaited = Awaited::Removed,
				.range = *removing,
				.since_ns = since,
				.deadline = std::nullopt,
				.hooks = OpHooks{nullptr, job.hooks.progress, job.hooks.step},
				.what = "rolling back range " + std::to_string(range.id)};
	auto removed = await_outcome(job.backend, stream, wait);
	if (!removed)
		return std::move(error.add_note(rollback_failed(range, removed.error())));
	if (removed->end != Outcome::End::Done)
		return std::move(error.add_note(rollback_failed(range, *removed->error)));
	step(job.hooks, "rolled back: range " + std::to_string(range.id) + " removed");
	return std::move(error.add_note("rolled back, nothing left plugged"));
}

// Waits until @range, whose add failed or was cancelled, is gone, and
// says so for the plug's failure. What the kernel failed to remove is no
// longer held by this socket: it stays failed, for unplug to try again.
std::string wait_until_gone(const PlugJob &job, EventStream &stream, const Range &range,
			    std::uint64_t since)
{
	const std::string id = std::to_string(range.id);
	const AwaitRequest wait{.awaited = Awaited::Gone,
				.range = range,
				.since_ns = since,
				.deadline = std::nullopt,
				.hooks = OpHooks{nullptr, job.hooks.progress, job.hooks.step},
				.what = "rolling back range " + id};
	auto gone = await_outcome(job.backend, stream, wait);
	if (!gone)
		return "the kernel goes on removing range " + id + ": " + gone.error().message();
	if (gone->end != Outcome::End::Done)
		return "rollback failed: " + gone->error->message() + "; unplug " + id +
		       " tries again";
	return "rolled back, nothing left plugged";
}

// A PLUG_FAILED: the range is gone, as after a refused RANGE_ADD, or the
// kernel removes what it had added, which is waited for.
Error settle_failed_add(const PlugJob &job, EventStream &stream, const Range &range,
			std::uint64_t since, Error error)
{
	error.add_context(job.what);
	auto left = job.backend.range_get(range.id);
	if (!left && left.error().errnum() == ENOENT)
		return error;
	return std::move(error.add_note(wait_until_gone(job, stream, range, since)));
}

// RANGE_CANCEL of the add under way of @range, the wait until the range is
// gone, and @error (a timeout, a stop) saying so.
Error cancel_add(const PlugJob &job, EventStream &stream, const Range &range, std::uint64_t since,
		 Error error)
{
	error.add_context(job.what);
	auto cancelled = job.backend.range_cancel(range.id);
	if (!cancelled && !ended_meanwhile(cancelled.error()))
		return std::move(error.add_note(rollback_failed(range, cancelled.error())));
	return std::move(error.add_note(wait_until_gone(job, stream, range, since)));
}

// Waits for the worker to add @range, which RANGE_ADD queued at @since.
// Its failure is reported as the add's refusal used to be; at the
// deadline or on a stop request the add is cancelled.
Result<void> await_add(const PlugJob &job, EventStream &stream, const Range &range,
		       std::uint64_t since)
{
	const AwaitRequest wait{.awaited = Awaited::Added,
				.range = range,
				.since_ns = since,
				.deadline = job.deadline,
				.hooks = job.hooks,
				.what = "plugging range " + std::to_string(range.id)};
	auto added = await_outcome(job.backend, stream, wait);
	if (!added) {
		Error error = std::move(added).error();
		error.add_context(job.what);
		return std::move(error.add_note("the kernel removes the uncommitted range " +
						std::to_string(range.id) +
						" when memplugctl exits"));
	}
	switch (added->end) {
	case Outcome::End::Done:
		return {};
	case Outcome::End::Failed:
		return settle_failed_add(job, stream, range, since, std::move(*added->error));
	case Outcome::End::Deadline:
		return cancel_add(job, stream, range, since, timed_out(*job.request.timeout));
	case Outcome::End::Stopped:
		break;
	}
	return cancel_add(job, stream, range, since, Error::cancelled({}, added->signal));
}

// Joins the "monitor" group before anything is sent, so that no outcome
// of what is sent can pass unseen; refused, nothing is sent.
Result<std::unique_ptr<EventStream>> join_monitor(Backend &backend, const std::string &what)
{
	auto stream = backend.subscribe();
	if (!stream)
		return std::move(std::move(stream).error().add_context(what));
	return stream;
}

// The attempts of one unplug, for its failure message.
struct UnplugAttempts {
	Clock::time_point start = Clock::now();
	Clock::time_point deadline;
	int count = 0;
	std::uint64_t last_ns = 0; // monotonic_ns() when the last one began
	bool timed_out = false;
	int signal = 0; // the signal that cancelled it
	// The last attempt reached the kernel, which refused the range or
	// failed to remove it, and the range exists: worth saying where it
	// stands.
	bool refused = false;
};

// The blocks of range @id as they are now, if BLOCK_GET says.
std::optional<std::vector<Block>> block_snapshot(Backend &backend, std::uint32_t id)
{
	auto dumped = backend.block_dump(id);
	return dumped ? std::optional(std::move(*dumped)) : std::nullopt;
}

// One RANGE_DEL and the wait for its outcome. At the deadline or on a stop
// request the removal is cancelled (RANGE_CANCEL): the kernel puts back
// online what it had offlined, and the outcome, waited for without either,
// is UNPLUG_FAILED with ECANCELED, or UNPLUG when the removal ended first.
Result<Range> attempt_removal(Backend &backend, EventStream &stream, const UnplugRequest &request,
			      const OpHooks &hooks, const std::string &what,
			      UnplugAttempts &attempts)
{
	step(hooks,
	     "remove requested: range " + std::to_string(request.id) +
		     (attempts.count > 1 ? " (attempt " + std::to_string(attempts.count) + ")"
					 : ""));
	auto queued = backend.range_del(request.id);
	if (!queued)
		return queued;
	step(hooks, "remove replied: range " + std::to_string(request.id) + " " +
			    range_state_name(*queued));
	AwaitRequest wait{.awaited = Awaited::Removed,
			  .range = *queued,
			  .since_ns = attempts.last_ns,
			  .deadline = std::nullopt,
			  .hooks = hooks,
			  .what = what};
	if (request.timeout)
		wait.deadline = attempts.deadline;
	auto outcome = await_outcome(backend, stream, wait);
	if (outcome &&
	    (outcome->end == Outcome::End::Deadline || outcome->end == Outcome::End::Stopped)) {
		auto cancelled = backend.range_cancel(request.id);
		if (!cancelled && !ended_meanwhile(cancelled.error()))
			return std::move(std::move(cancelled).error().add_note(
				"the kernel goes on removing range " + std::to_string(request.id)));
		attempts.timed_out = outcome->end == Outcome::End::Deadline;
		attempts.signal = outcome->signal;
		wait.deadline.reset();
		wait.hooks.stop = nullptr;
		outcome = await_outcome(backend, stream, wait);
	}
	if (!outcome)
		return std::move(std::move(outcome).error().add_context(what));
	if (outcome->end == Outcome::End::Done) {
		step(hooks, "removed: range " + std::to_string(request.id));
		return queued;
	}
	return std::move(*outcome->error);
}

// RANGE_DEL until it succeeds or fails for good: with a timeout, a
// transient failure (EBUSY, EAGAIN) is retried, the pause doubling, until
// the deadline. Returns the removed range or the last failure.
Result<Range> remove_range(Backend &backend, EventStream &stream, const UnplugRequest &request,
			   const OpHooks &hooks, const std::string &what, UnplugAttempts &attempts)
{
	attempts.deadline = attempts.start + request.timeout.value_or(std::chrono::milliseconds(0));
	auto delay = kRetryFirst;
	for (;;) {
		attempts.count++;
		attempts.last_ns = monotonic_ns();
		attempts.refused = false;
		auto removed = attempt_removal(backend, stream, request, hooks, what, attempts);
		if (removed)
			return removed;

		Error failure = std::move(removed).error();
		if (failure.errnum() == ENOENT)
			return failure; // no such range: nothing more to say
		attempts.refused = true;
		if (attempts.timed_out || attempts.signal)
			return failure;
		// Only a transient failure is worth another try, and only
		// within a --timeout: without one, the caller decides.
		const bool transient = failure.errnum() == EBUSY || failure.errnum() == EAGAIN;
		if (!transient || !request.timeout)
			return failure;
		const auto left = std::chrono::ceil<std::chrono::milliseconds>(attempts.deadline -
									       Clock::now());
		if (left.count() <= 0) {
			attempts.timed_out = true;
			return failure;
		}
		attempts.signal = pause(std::min(delay, left), hooks);
		if (attempts.signal)
			return failure;
		delay = std::min(delay * 2, kRetryMax);
	}
}

// The last failure as the failure of the unplug: a timeout or a cancel
// says so, and more than one attempt says how many.
Error unplug_failure(Error error, const UnplugRequest &request, const std::string &what,
		     const UnplugAttempts &attempts)
{
	if (attempts.signal) {
		error = Error::cancelled(what, attempts.signal);
	} else if (attempts.timed_out) {
		std::string still;
		if (error.errnum() != EINTR && error.errnum() != ECANCELED)
			still = ", still " + errno_name(error.errnum()) + ": " + error.detail();
		error = timed_out(*request.timeout, error.errnum(), still);
		error.add_context(what);
	}
	if (attempts.count > 1) {
		const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
			Clock::now() - attempts.start);
		error.add_note("gave up after " + std::to_string(attempts.count) + " attempts in " +
			       seconds(took));
	}
	return error;
}

// Adds to @error where range @id stands now: the block that refused and
// why, and its blocks compared with @before.
Error explain_unplug_failure(Backend &backend, std::uint32_t id, Error error,
			     const UnplugAttempts &attempts,
			     const std::optional<std::vector<Block>> &before)
{
	auto now = backend.range_get(id);
	if (!now) {
		error.add_note("its state is unknown: " + now.error().message());
		return error;
	}
	if (auto why = describe_failure(*now)) {
		error.add_note(*why);
		if (auto veto = veto_reason(backend, 0, attempts.last_ns, *now->fail_block))
			error.add_note(*veto);
	}
	// A notifier's veto is no missing privilege of the caller: the
	// operation failed (exit 1), unless it was busy or timed out.
	if (error.kind() == ErrorKind::Kernel && now->fail_errno &&
	    (error.errnum() == EPERM || error.errnum() == EACCES))
		error.set_kind(ErrorKind::Failed);
	error.add_note(describe_range(*now, before, block_snapshot(backend, id)));
	return error;
}

} // namespace

std::optional<std::string> block_problem(const Block &block, OnlineType online, ZonePolicy policy)
{
	if (!block.online())
		return block_state_name(block.state);

	const bool want_movable = online == OnlineType::Movable || policy == ZonePolicy::Movable;
	const bool want_kernel = online == OnlineType::Kernel || policy == ZonePolicy::Kernel;
	if (!want_movable && !want_kernel)
		return std::nullopt;
	if (!block.zone)
		return std::string("online in an unreported zone");
	const bool movable = *block.zone == "Movable";
	if (want_movable && !movable)
		return "online in zone " + *block.zone + ", not Movable";
	if (want_kernel && movable)
		return std::string("online in zone Movable, not a kernel zone");
	return std::nullopt;
}

Result<Range> plug(Backend &backend, const System &system, const PlugRequest &request,
		   const Warn &warn, const OpHooks &hooks)
{
	const ZonePolicy policy = request.zone.value_or(default_zone_policy(request.online));
	std::optional<Clock::time_point> deadline;
	if (request.timeout)
		deadline = Clock::now() + *request.timeout;
	const PlugJob job{backend,
			  system,
			  request,
			  warn,
			  "plugging " + hex(request.start) + "+" + human_size(request.size),
			  policy,
			  onlines_movable(request, policy),
			  hooks,
			  deadline};

	if (auto ok = validate_plug(job); !ok)
		return std::move(std::move(ok).error().add_context(job.what));
	auto stream = join_monitor(backend, job.what);
	if (!stream)
		return std::move(stream).error();
	auto status = module_status(job);
	if (!status)
		return std::move(status).error();
	// Asked to stop before anything was added: nothing to cancel.
	if (auto why = interruption(job))
		return std::move(why->add_context(job.what).add_note("nothing was plugged"));
	const std::uint64_t since = monotonic_ns();
	auto range = claim_range(job);
	if (!range)
		return range;
	if (auto added = await_add(job, **stream, *range, since); !added)
		return std::move(added).error();
	step(job.hooks,
	     "added: range " + std::to_string(range->id) +
		     (range->blocks ? ", " + std::to_string(*range->blocks) + " blocks" : ""));
	// From here on every failure removes the range again.
	auto plugged = online_and_commit(job, *status, *range);
	if (!plugged)
		return roll_back_plug(job, **stream, *range, std::move(plugged).error());
	return plugged;
}

Result<Range> set_protect(Backend &backend, std::uint32_t id, bool protect)
{
	RangeSetRequest set;
	set.id = id;
	set.protect = protect;
	auto range = backend.range_set(set);
	if (!range)
		return std::move(std::move(range).error().add_context(
			(protect ? "protecting range " : "unprotecting range ") +
			std::to_string(id)));
	return range;
}

Result<Range> cancel_operation(Backend &backend, std::uint32_t id)
{
	auto range = backend.range_cancel(id);
	if (range || range.error().errnum() != EINVAL)
		return range;
	Error error = std::move(range).error();
	if (auto now = backend.range_get(id); now)
		error.add_note("range " + std::to_string(id) + " is " + range_state_name(*now) +
			       blocks_present(*now));
	return error;
}

Result<Range> unplug(Backend &backend, const UnplugRequest &request, const OpHooks &hooks)
{
	const std::string what = "unplugging range " + std::to_string(request.id);
	auto stream = join_monitor(backend, what);
	if (!stream)
		return std::move(stream).error();
	if (const int signal = stop_requested(hooks))
		return std::move(Error::cancelled(what, signal).add_note("nothing was changed"));
	// The blocks as they were, to say afterwards whether a failed unplug
	// really left everything as it found it. A range that does not exist
	// is for RANGE_DEL to report.
	const auto before = block_snapshot(backend, request.id);
	UnplugAttempts attempts;
	auto removed = remove_range(backend, **stream, request, hooks, what, attempts);
	if (removed || !attempts.refused)
		return removed;
	Error error = unplug_failure(std::move(removed).error(), request, what, attempts);
	return explain_unplug_failure(backend, request.id, std::move(error), attempts, before);
}

} // namespace memplug
