// SPDX-License-Identifier: GPL-2.0
//
// The operations behind memplugctl's plug, unplug, protect and cancel.
//
// plug() is a transaction: it either returns a committed range whose blocks
// are all in the requested state, or it leaves nothing behind. The range is
// added with HOLD, so even a controller killed half way (kill -9) leaves
// nothing: the kernel rolls back a held range when its socket closes.
//
// The module adds and removes memory in its worker and reports the outcome
// as an event; plug() and unplug() wait for it (await.hpp), so that they
// end when the memory is added or removed, as they always have.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "memplug/await.hpp"
#include "memplug/backend.hpp"
#include "memplug/error.hpp"
#include "memplug/host.hpp"
#include "memplug/sysfs.hpp"
#include "memplug/types.hpp"

namespace memplug {

// Receives an operation's loud warnings; memplugctl prints them to stderr.
using Warn = std::function<void(const std::string &)>;

struct PlugRequest {
	std::uint64_t start = 0;
	std::uint64_t size = 0;
	std::optional<std::uint32_t> node;
	OnlineType online = OnlineType::Movable;
	// Defaults to default_zone_policy(online).
	std::optional<ZonePolicy> zone;
	bool protect = false;
	bool verify = false;
	bool memmap_on_memory = false;
	std::optional<std::string> name;
	std::vector<Exclude> excludes;
	// Refuse, rather than warn about, a movable plug that takes the
	// node's movable/kernel ratio above kMaxMovableRatio.
	bool strict_ratio = false;
	// Plug what the kernel otherwise refuses (ENXIO): firmware-reserved
	// memory, a CXL window outside a committed region, addresses nothing
	// describes. Needs CAP_SYS_RAWIO and a kernel that is not locked down.
	bool force = false;
	// The memory tier of the range's node (TIER, and ADISTANCE with
	// Tier::Adistance); nothing sends neither, and the kernel picks
	// Tier::Auto.
	std::optional<TierRequest> tier;
	// Give up after this long, counted from the start: an add still under
	// way is cancelled, and a range being onlined is rolled back.
	std::optional<std::chrono::milliseconds> timeout;
};

// Checks of the machine first (memmap-on-memory; with --node, the
// movable ratio of that node), then the membership of the "monitor" group
// (refused: nothing is sent), STATUS_GET, RANGE_ADD with HOLD and
// DEFER_ONLINE and the wait for its PLUG, one BLOCK_GET dump, a sysfs
// write per block that is not already acceptable, one BLOCK_GET dump to
// verify, and RANGE_SET with COMMIT. Without --node the movable ratio is
// checked as soon as the kernel has named the node, before anything is
// onlined. A PLUG_FAILED is the Error the add's refusal used to be: the
// module's words and errno. On any failure after the add: RANGE_DEL and
// the wait for its outcome, and an Error of kind Failed that names the
// step, the block and the kernel's errno and words.
//
// At the timeout, or when @hooks.stop asks (SIGINT, SIGTERM; before
// RANGE_ADD nothing is sent), an add under way is cancelled (RANGE_CANCEL) and waited for until the
// range is gone; onlining stops at the next block and the range is removed as on a failure. The
// Error is then of kind Timeout ("timed out after 2s") or Cancelled ("cancelled by SIGINT"), and
// says where the range stands.
// @hooks.progress hears of every block onlined; @hooks.step of the add
// requested, replied and done, every block onlined (with its zone), the
// verification, the commit and a rollback.
Result<Range> plug(Backend &backend, const System &system, const PlugRequest &request,
		   const Warn &warn, const OpHooks &hooks = {});

// The order in which to online @n blocks of one range: the first, then
// the third to the last, then the second. After every block it onlines,
// the kernel checks whether the zone is contiguous by walking it from its
// start to the first hole (set_zone_contiguous()); in ascending order
// there is never a hole and the walks add up to O(n^2) pageblocks, while
// an offline second block ends each walk one block in. Indices into the
// range's blocks, ascending by id.
std::vector<std::size_t> online_order(std::size_t n);

// CLOCK_MONOTONIC in nanoseconds, the clock of the events' time_ns.
std::uint64_t monotonic_ns();

// Why @block is not where @online and @policy want it, or nothing. An
// offline block is never acceptable here.
std::optional<std::string> block_problem(const Block &block, OnlineType online, ZonePolicy policy);

// RANGE_SET with PROTECT: a protected range's blocks refuse to go offline
// through sysfs (the module vetoes MEM_GOING_OFFLINE with EPERM and says
// why in the event stream); its own unplug still works.
Result<Range> set_protect(Backend &backend, std::uint32_t id, bool protect);

// RANGE_CANCEL: stops what is being done to a range, and does not wait
// for it to stop. A plug's add is undone (PLUG_FAILED, ECANCELED), and a
// held range not yet committed is rolled back; an unplug's removal is
// dropped or interrupted (UNPLUG_FAILED, ECANCELED; the range stays as
// it was); the kernel's rollback of a range whose owner went away, or of
// a failed range that is still whole, stops: a whole range becomes
// plugged, as if committed, one with blocks already removed stays failed,
// for unplug to finish. Returns the range as the kernel's reply shows it.
// When the kernel says there is nothing to cancel (EINVAL), the Error
// says where the range stands.
Result<Range> cancel_operation(Backend &backend, std::uint32_t id);

struct OnlineRequest {
	std::uint32_t id = 0;
	// Movable or Kernel; by default the range's zone policy decides:
	// movable -> online_movable, kernel -> online_kernel, any -> online.
	std::optional<ZonePolicy> zone;
};

// Onlines every offline block of a range through its sysfs state file:
// RANGE_GET, one BLOCK_GET dump, a write per offline block, one BLOCK_GET
// dump to verify, RANGE_GET for the result. All or nothing: if a block
// fails, the blocks this call onlined are offlined again and the Error
// (kind Failed) names the block, the errno and memplug's veto reason. A
// block already online in an acceptable zone is left alone; one online in
// the wrong zone is refused before anything changes.
//
// @stop is asked after every block: when it says so (SIGINT or SIGTERM
// arrived; the signal also cuts a long kernel step short with EINTR), the
// command rolls back what it did and fails.
//
// @step hears of every block written and of the verification.
Result<Range> online_range(Backend &backend, const MemorySysfs &sysfs, const OnlineRequest &request,
			   const std::function<bool()> &stop = {}, const Step &step = {});

// The same for offlining: a failure re-onlines, into the zone each had,
// the blocks this call offlined. A protected range's blocks refuse; the
// Error then carries memplug's reason from the event ring.
Result<Range> offline_range(Backend &backend, const MemorySysfs &sysfs, std::uint32_t id,
			    const std::function<bool()> &stop = {}, const Step &step = {});

struct UnplugRequest {
	std::uint32_t id = 0;
	// Cancel a removal still under way after this long (the range then
	// stays plugged as it was), and within it retry a busy range.
	std::optional<std::chrono::milliseconds> timeout;
};

// The membership of the "monitor" group (refused: nothing is sent), then
// RANGE_DEL and the wait for its UNPLUG or UNPLUG_FAILED, which is the
// Error the removal's refusal used to be. With a timeout, a transient
// failure (EBUSY, EAGAIN, refused or reported) is retried after 100 ms,
// doubling up to 1 s, until the deadline; a removal still under way then
// is cancelled (RANGE_CANCEL) and waited for, and the Error is of kind
// Timeout. Without a timeout there is one attempt, waited for until it
// ends. When @hooks.stop asks (SIGINT, SIGTERM), the removal is cancelled
// the same way and the Error is of kind Cancelled. A failure is reported
// with the block that refused and why (FAIL_BLOCK, FAIL_ERRNO, memplug's
// veto from the event ring) and with where the range stands afterwards:
// RANGE_GET, and BLOCK_GET dumps before and after compared block by block.
// @hooks.progress hears of the blocks offlined or removed; @hooks.step of
// each removal requested, replied and done, and of every block offlined.
Result<Range> unplug(Backend &backend, const UnplugRequest &request, const OpHooks &hooks = {});

} // namespace memplug
