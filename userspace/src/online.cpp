// SPDX-License-Identifier: GPL-2.0
//
// online_range() and offline_range(): every block of a range through its
// sysfs state file, all or nothing.
#include <cerrno>
#include <functional>
#include <vector>

#include "memplug/format.hpp"
#include "memplug/ops.hpp"
#include "ops_common.hpp"

namespace memplug {

namespace {

// What one block looked like before this command changed it.
struct Changed {
	std::uint64_t id;
	std::string undo; // what to write to put it back
};

// The range, checked to be plugged, and its block size.
Result<std::pair<Range, std::uint64_t>> plugged_range(Backend &backend, std::uint32_t id)
{
	auto range = backend.range_get(id);
	if (!range)
		return std::move(range).error();
	// Nothing to wait for: only an unplug (or a cancel, if no block is
	// gone) gets a failed range out of that state.
	if (range->state == MEMPLUG_RANGE_STATE_FAILED)
		return Error::failed("range " + std::to_string(id),
				     "it is failed: removing it did not succeed; unplug " +
					     std::to_string(id) +
					     " tries again, or, if every block is still there, "
					     "cancel " +
					     std::to_string(id) + " keeps it plugged");
	if (range->state != MEMPLUG_RANGE_STATE_PLUGGED)
		return Error::system("range " + std::to_string(id), EBUSY,
				     "it is " + range_state_name(*range) +
					     "; try again when that has finished");
	if (!range->blocks || *range->blocks == 0 || range->size % *range->blocks != 0)
		return Error::system("range " + std::to_string(id), EPROTO,
				     "the kernel did not report its number of blocks");
	const std::uint64_t block_size = range->size / *range->blocks;
	return std::make_pair(std::move(*range), block_size);
}

// The blocks of @range, checked against it.
Result<std::vector<Block>> range_blocks(Backend &backend, const Range &range,
					std::uint64_t block_size)
{
	auto blocks = backend.block_dump(range.id);
	if (!blocks)
		return std::move(blocks).error();
	if (auto ok = check_blocks(*blocks, range, block_size); !ok)
		return std::move(ok).error();
	return blocks;
}

// Puts every block in @changed back, newest first, and notes on @error
// how that went.
void undo(const MemorySysfs &sysfs, const std::vector<Changed> &changed, Error &error)
{
	if (changed.empty()) {
		error.add_note("nothing was changed");
		return;
	}
	std::string failed;
	for (auto it = changed.rbegin(); it != changed.rend(); ++it) {
		auto put = sysfs.write_state(it->id, it->undo);
		if (!put)
			failed += "; " + put.error().message();
	}
	if (failed.empty())
		error.add_note("rolled back: the " + std::to_string(changed.size()) +
			       " block(s) changed before are as they were");
	else
		error.add_note("rollback incomplete" + failed);
}

// A sysfs write of this command failed: the Error to report. EACCES (the
// file's permissions) stays a permission error; everything else means the
// operation failed and was rolled back.
Error write_failed(Error error, Backend &backend, std::uint64_t since_ns, std::uint64_t block)
{
	if (auto why = veto_reason(backend, 0, since_ns, block))
		error.add_note(*why);
	if (error.errnum() != EACCES)
		error.set_kind(ErrorKind::Failed);
	return error;
}

// Whether @stop asks to give up after @block was done.
std::optional<Error> stopped(const std::function<bool()> &stop, const std::string &what,
			     std::uint64_t block)
{
	if (!stop || !stop())
		return std::nullopt;
	return Error::failed(what, "interrupted by a signal after " + block_name(block));
}

// The sysfs writes of one command, each remembered with how to put it
// back, so that any failure can undo them all.
class BlockWrites {
public:
	BlockWrites(Backend &backend, const MemorySysfs &sysfs, const std::string &what,
		    const std::function<bool()> &stop, const Step &step)
	    : backend_(backend)
	    , sysfs_(sysfs)
	    , what_(what)
	    , stop_(stop)
	    , step_(step)
	{
	}

	// Writes @state to @block, to be undone by writing @undo; the Error
	// (all undone) if that or a stop request ends the command.
	std::optional<Error> write(std::uint64_t block, std::string_view state, std::string undo)
	{
		const std::uint64_t before = monotonic_ns();
		auto written = sysfs_.write_state(block, state);
		if (!written) {
			Error error =
				write_failed(std::move(written).error(), backend_, before, block);
			error.add_context(what_);
			return fail(std::move(error));
		}
		changed_.push_back({block, std::move(undo)});
		if (step_) {
			std::string text =
				(state == "offline" ? "offlined " : "onlined ") + block_name(block);
			if (state != "offline") {
				auto zone = sysfs_.read_zone(block);
				text += ", zone " + (zone ? *zone : std::string("unknown"));
			}
			step_(text);
		}
		if (auto error = stopped(stop_, what_, block))
			return fail(std::move(*error));
		return std::nullopt;
	}

	// Undoes every write and returns @error with a note on how that went.
	Error fail(Error error)
	{
		undo(sysfs_, changed_, error);
		return error;
	}

private:
	Backend &backend_;
	const MemorySysfs &sysfs_;
	const std::string &what_;
	const std::function<bool()> &stop_;
	const Step &step_;
	std::vector<Changed> changed_;
};

OnlineType online_type_for(const OnlineRequest &request, const Range &range)
{
	const std::uint32_t policy = request.zone
					     ? static_cast<std::uint32_t>(*request.zone)
					     : range.zone_policy.value_or(MEMPLUG_ZONE_POLICY_ANY);
	switch (policy) {
	case MEMPLUG_ZONE_POLICY_MOVABLE:
		return OnlineType::Movable;
	case MEMPLUG_ZONE_POLICY_KERNEL:
		return OnlineType::Kernel;
	default:
		return OnlineType::Online;
	}
}

} // namespace

Result<Range> online_range(Backend &backend, const MemorySysfs &sysfs, const OnlineRequest &request,
			   const std::function<bool()> &stop, const Step &step)
{
	const std::string what = "onlining range " + std::to_string(request.id);
	auto got = plugged_range(backend, request.id);
	if (!got)
		return std::move(std::move(got).error().add_context(what));
	const auto &[range, block_size] = *got;
	const OnlineType type = online_type_for(request, range);
	const ZonePolicy wanted = default_zone_policy(type);

	auto blocks = range_blocks(backend, range, block_size);
	if (!blocks)
		return std::move(std::move(blocks).error().add_context(what));

	// A block online in the wrong zone cannot be moved without offlining
	// it: refuse before changing anything.
	for (const auto &b : *blocks) {
		if (!b.online())
			continue;
		if (auto problem = block_problem(b, type, wanted))
			return Error::failed(what, block_name(b.id) + " is already " + *problem +
							   "; offline the range first");
	}

	BlockWrites writes(backend, sysfs, what, stop, step);
	const std::string_view state = online_type_sysfs(type);
	for (const std::size_t i : online_order(blocks->size())) {
		const Block &b = (*blocks)[i];
		if (b.online())
			continue;
		if (auto error = writes.write(b.id, state, "offline"))
			return std::move(*error);
	}

	auto verify = range_blocks(backend, range, block_size);
	if (!verify)
		return writes.fail(std::move(
			std::move(verify).error().set_kind(ErrorKind::Failed).add_context(what)));
	for (const auto &b : *verify) {
		if (auto problem = block_problem(b, type, wanted))
			return writes.fail(Error::failed(what, "verifying " + block_name(b.id) +
								       ": after onlining it is " +
								       *problem));
	}
	if (step)
		step("verified: range " + std::to_string(request.id) + ", " +
		     std::to_string(verify->size()) + " blocks online");

	auto now = backend.range_get(request.id);
	if (!now)
		return std::move(std::move(now).error().add_context(what));
	return now;
}

Result<Range> offline_range(Backend &backend, const MemorySysfs &sysfs, std::uint32_t id,
			    const std::function<bool()> &stop, const Step &step)
{
	const std::string what = "offlining range " + std::to_string(id);
	auto got = plugged_range(backend, id);
	if (!got)
		return std::move(std::move(got).error().add_context(what));
	const auto &[range, block_size] = *got;

	auto blocks = range_blocks(backend, range, block_size);
	if (!blocks)
		return std::move(std::move(blocks).error().add_context(what));

	BlockWrites writes(backend, sysfs, what, stop, step);
	for (const auto &b : *blocks) {
		if (!b.online())
			continue;
		// Back where it was: Movable stays movable, anything else
		// goes to the kernel zone the kernel picks for it.
		std::string back =
			b.zone && *b.zone == "Movable" ? "online_movable" : "online_kernel";
		if (auto error = writes.write(b.id, "offline", std::move(back)))
			return std::move(*error);
	}

	auto verify = range_blocks(backend, range, block_size);
	if (!verify)
		return writes.fail(std::move(
			std::move(verify).error().set_kind(ErrorKind::Failed).add_context(what)));
	for (const auto &b : *verify) {
		if (b.online())
			return writes.fail(Error::failed(what, "verifying " + block_name(b.id) +
								       ": it is online again"));
	}
	if (step)
		step("verified: range " + std::to_string(id) + ", " +
		     std::to_string(verify->size()) + " blocks offline");

	auto now = backend.range_get(id);
	if (!now)
		return std::move(std::move(now).error().add_context(what));
	return now;
}

} // namespace memplug
