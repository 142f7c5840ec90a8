// SPDX-License-Identifier: GPL-2.0
#include "memplug/ops.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>

#include "memplug/format.hpp"
#include "memplug/timer.hpp"
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

void sleep_ms(std::chrono::milliseconds ms)
{
	timespec ts{};
	ts.tv_sec = static_cast<time_t>(ms.count() / 1000);
	ts.tv_nsec = static_cast<long>(ms.count() % 1000) * 1000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
	}
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
		   const Warn &warn)
{
	const std::string what = "plugging " + hex(request.start) + "+" + human_size(request.size);
	const ZonePolicy policy = request.zone.value_or(default_zone_policy(request.online));
	const MemorySysfs &sysfs = system.memory;
	const bool movable = onlines_movable(request, policy);

	// Refusals that need no kernel round trip come first: nothing sent,
	// nothing changed.
	if (request.memmap_on_memory) {
		if (auto ok = check_memmap_on_memory(system.files); !ok)
			return std::move(std::move(ok).error().add_context(what));
	}
	if (movable && request.node) {
		if (auto ok = check_movable_ratio(system, request, *request.node, warn); !ok)
			return std::move(std::move(ok).error().add_context(what));
	}

	auto status = backend.status_get();
	if (!status)
		return std::move(std::move(status).error().add_context(what));
	if (!status->block_size || *status->block_size == 0)
		return Error::system(what, EPROTO,
				     "the module did not report its memory block size");
	const std::uint64_t block_size = *status->block_size;

	RangeAddRequest add;
	add.start = request.start;
	add.size = request.size;
	add.node = request.node;
	add.name = request.name;
	add.zone_policy = policy;
	add.protect = request.protect;
	add.verify = request.verify;
	add.memmap_on_memory = request.memmap_on_memory;
	add.excludes = request.excludes;
	add.force = request.force;
	add.hold = true;
	// Whatever the kernel's auto-online policy, the blocks come back
	// offline and are onlined here exactly as asked.
	add.defer_online = true;
	auto added = backend.range_add(add);
	if (!added)
		return std::move(std::move(added).error().add_context(what));
	const Range range = std::move(*added);

	// From here on every failure removes the range again.
	auto rollback = [&](Error error) -> Error {
		error.set_kind(ErrorKind::Failed);
		error.add_context(what);
		auto removed = backend.range_del(range.id);
		if (removed)
			error.add_note("rolled back, nothing left plugged");
		else
			error.add_note("rollback failed: " + removed.error().message() +
				       "; the kernel removes the uncommitted range " +
				       std::to_string(range.id) + " when memplugctl exits");
		return error;
	};

	// Without --node, the kernel's reply is the first word on the node.
	if (movable && !request.node && range.node) {
		if (auto ok = check_movable_ratio(system, request, *range.node, warn); !ok)
			return rollback(std::move(ok).error());
	}

	auto blocks = backend.block_dump(range.id);
	if (!blocks)
		return rollback(std::move(blocks).error());
	if (auto ok = check_blocks(*blocks, range, block_size); !ok)
		return rollback(std::move(ok).error());

	if (request.online != OnlineType::None) {
		const std::string_view state = online_type_sysfs(request.online);
		for (const std::size_t i : online_order(blocks->size())) {
			const Block &b = (*blocks)[i];
			auto problem = block_problem(b, request.online, policy);
			if (!problem)
				continue; // already online where it should be
			if (b.online())
				return rollback(Error::failed(block_name(b.id),
							      "onlined behind memplug's back, " +
								      *problem));
			const std::uint64_t before = monotonic_ns();
			auto written = sysfs.write_state(b.id, state);
			if (!written) {
				Error error = std::move(written).error();
				if (auto why = veto_reason(backend, status->event_seq.value_or(0),
							   before, b.id))
					error.add_note(*why);
				return rollback(std::move(error));
			}
		}
	}

	auto verify = backend.block_dump(range.id);
	if (!verify)
		return rollback(std::move(verify).error());
	if (auto ok = check_blocks(*verify, range, block_size); !ok)
		return rollback(std::move(ok).error());

	// DEFER_ONLINE keeps the kernel's auto-online away during the add, so
	// with --online none every block must still be offline; otherwise
	// every block must be online in a zone the request allows.
	for (const auto &b : *verify) {
		if (request.online == OnlineType::None) {
			if (b.online())
				return rollback(Error::failed(
					"verifying " + block_name(b.id),
					"online in zone " + b.zone.value_or("?") +
						", although --online none was asked for"));
			continue;
		}
		if (auto problem = block_problem(b, request.online, policy))
			return rollback(Error::failed("verifying " + block_name(b.id),
						      "after onlining it is " + *problem));
		// Memory the kernel put on another node than the range's would
		// serve the wrong CPUs and confuse every NUMA policy.
		if (range.node && b.node && *b.node != *range.node)
			return rollback(Error::failed(
				"verifying " + block_name(b.id),
				"it is on NUMA node " + std::to_string(*b.node) +
					", but the range " + std::to_string(range.id) +
					" belongs to node " + std::to_string(*range.node)));
	}

	RangeSetRequest commit;
	commit.id = range.id;
	commit.commit = true;
	auto committed = backend.range_set(commit);
	if (!committed)
		return rollback(std::move(committed).error());
	return committed;
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

Result<Range> cancel_rollback(Backend &backend, std::uint32_t id)
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

Result<Range> unplug(Backend &backend, const UnplugRequest &request)
{
	using Clock = std::chrono::steady_clock;
	const std::string what = "unplugging range " + std::to_string(request.id);

	// The blocks as they were, to say afterwards whether a failed unplug
	// really left everything as it found it. A range that does not exist
	// is for RANGE_DEL to report.
	auto dumped = backend.block_dump(request.id);
	const std::optional<std::vector<Block>> before =
		dumped ? std::optional(std::move(*dumped)) : std::nullopt;

	const auto start = Clock::now();
	const auto deadline = start + request.timeout.value_or(std::chrono::milliseconds(0));
	auto delay = kRetryFirst;
	int attempts = 0;
	bool timed_out = false;
	std::uint64_t attempt_ns = 0;
	std::optional<Error> failure;
	for (;;) {
		attempts++;
		attempt_ns = monotonic_ns();
		InterruptTimer timer;
		if (request.timeout) {
			const auto left = std::chrono::ceil<std::chrono::milliseconds>(
				deadline - Clock::now());
			auto armed = timer.arm(std::max(left, std::chrono::milliseconds(1)));
			if (!armed)
				return std::move(std::move(armed).error().add_context(what));
		}
		auto removed = backend.range_del(request.id);
		const bool fired = timer.fired();
		timer.disarm();
		if (removed)
			return removed;

		failure = std::move(removed).error();
		// The kernel gives up on a pending signal; newer modules say so
		// with ECANCELED, as netlink sends no answer for EINTR.
		if (fired && (failure->errnum() == EINTR || failure->errnum() == ECANCELED)) {
			timed_out = true;
			break;
		}
		if (failure->errnum() == ENOENT)
			return std::move(*failure); // no such range: nothing more to say
		// Only a transient refusal is worth another try, and only
		// within a --timeout: without one, the caller decides.
		const bool transient = failure->errnum() == EBUSY || failure->errnum() == EAGAIN;
		if (!transient || !request.timeout)
			break;
		const auto left =
			std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
		if (left.count() <= 0) {
			timed_out = true;
			break;
		}
		sleep_ms(std::min(delay, left));
		delay = std::min(delay * 2, kRetryMax);
	}

	Error error = std::move(*failure);
	if (timed_out) {
		std::string detail = "timed out after " + seconds(*request.timeout);
		if (error.errnum() != EINTR && error.errnum() != ECANCELED)
			detail += ", still " + errno_name(error.errnum()) + ": " + error.detail();
		error = Error(ErrorKind::Timeout, what, error.errnum(), detail);
	}
	if (attempts > 1) {
		const auto took =
			std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
		error.add_note("gave up after " + std::to_string(attempts) + " attempts in " +
			       seconds(took));
	}

	auto now = backend.range_get(request.id);
	if (!now) {
		error.add_note("its state is unknown: " + now.error().message());
		return error;
	}
	if (auto why = describe_failure(*now)) {
		error.add_note(*why);
		if (auto veto = veto_reason(backend, 0, attempt_ns, *now->fail_block))
			error.add_note(*veto);
	}
	// A notifier's veto is no missing privilege of the caller: the
	// operation failed (exit 1), unless it was busy or timed out.
	if (error.kind() == ErrorKind::Kernel && now->fail_errno &&
	    (error.errnum() == EPERM || error.errnum() == EACCES))
		error.set_kind(ErrorKind::Failed);
	auto dumped_after = backend.block_dump(request.id);
	const std::optional<std::vector<Block>> after =
		dumped_after ? std::optional(std::move(*dumped_after)) : std::nullopt;
	error.add_note(describe_range(*now, before, after));
	return error;
}

} // namespace memplug
