// SPDX-License-Identifier: GPL-2.0
#include "fake_backend.hpp"

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "memplug/ops.hpp"
#include "memplug/sysfs.hpp"
#include "test_util.hpp"
#include "version.hpp"

namespace memplug::test {

FakeBackend::FakeBackend(std::filesystem::path sysfs_root)
    : root_(std::move(sysfs_root))
{
	// A module built from the same tree as the controller.
	status.version = MEMPLUG_VERSION;
	status.protocol = MEMPLUG_FAMILY_VERSION;
	status.block_size = kBlockSize;
	status.event_seq = 100;
}

Result<Status> FakeBackend::status_get()
{
	calls.push_back("status_get");
	if (status_error)
		return *status_error;
	return status;
}

Result<Range> FakeBackend::range_add(const RangeAddRequest &request)
{
	calls.push_back("range_add");
	last_add = request;
	if (add_error)
		return *add_error;

	Range r;
	r.id = next_id_++;
	r.start = request.start;
	r.size = request.size;
	r.node = request.node.value_or(0);
	r.name = request.name.value_or("");
	// Queued: the worker adds it.
	r.state = MEMPLUG_RANGE_STATE_PLUGGING;
	if (request.zone_policy)
		r.zone_policy = static_cast<std::uint32_t>(*request.zone_policy);
	r.protect = request.protect;
	r.defer_online = request.defer_online;
	r.excludes = request.excludes;
	// The module's memory type for the node: DRAM's and dax/kmem's
	// abstract distances, or the one asked for; auto finds no firmware
	// distance here and gives none.
	const TierRequest tier = request.tier.value_or(TierRequest{});
	r.tier = static_cast<std::uint32_t>(tier.tier);
	switch (tier.tier) {
	case Tier::Dram:
		r.adistance = 576;
		break;
	case Tier::Slow:
		r.adistance = 2880;
		break;
	case Tier::Adistance:
		r.adistance = tier.adistance;
		break;
	case Tier::Auto:
		break;
	}

	const std::string initial =
		request.defer_online && honor_defer ? std::string("offline") : auto_online;
	const MemorySysfs sysfs(root_);
	for (std::uint64_t addr = r.start; addr < r.start + r.size; addr += kBlockSize) {
		const std::uint64_t id = MemorySysfs::block_id(addr, kBlockSize);
		const auto path = sysfs.state_path(id);
		if (std::find(broken_blocks.begin(), broken_blocks.end(), id) !=
		    broken_blocks.end())
			std::filesystem::create_directories(path);
		else
			write_file(path, initial + "\n");
	}
	fill_counts(r);
	ranges[r.id] = r;
	jobs_.push_back({true, r.id, request.hold, 0});
	return r;
}

Range &FakeBackend::preload(std::uint64_t start, std::uint64_t size, const std::string &state)
{
	const std::string saved = auto_online;
	auto_online = state;
	RangeAddRequest request;
	request.start = start;
	request.size = size;
	request.zone_policy = ZonePolicy::Movable;
	const std::uint32_t id = range_add(request).value().id;
	jobs_.erase(job_of(id));
	ranges[id].state = MEMPLUG_RANGE_STATE_PLUGGED;
	auto_online = saved;
	calls.clear();
	last_add.reset();
	return ranges[id];
}

Result<Range> FakeBackend::range_del(std::uint32_t id)
{
	calls.push_back("range_del " + std::to_string(id));
	if (del_hook)
		return del_hook(id);
	if (!del_refusals.empty()) {
		const Error refusal = del_refusals.front();
		del_refusals.pop_front();
		return refusal;
	}
	if (del_error)
		return *del_error;
	const std::string what = "removing range " + std::to_string(id);
	auto it = ranges.find(id);
	if (it == ranges.end())
		return Error::kernel(what, ENOENT, "no such range");
	if (job_of(id) != jobs_.end())
		return Error::kernel(what, EBUSY,
				     "memplug: range is busy: a plug, unplug or rollback of it is "
				     "in progress");
	Range &r = it->second;
	jobs_.push_back({false, id, false, r.state});
	r.state = MEMPLUG_RANGE_STATE_UNPLUGGING;
	Range out = r;
	fill_counts(out);
	return out;
}

Result<Range> FakeBackend::range_get(std::uint32_t id)
{
	calls.push_back("range_get " + std::to_string(id));
	auto it = ranges.find(id);
	if (it == ranges.end())
		return Error::kernel("reading range " + std::to_string(id), ENOENT,
				     "no such range");
	Range r = it->second;
	fill_counts(r);
	return r;
}

Result<std::vector<Range>> FakeBackend::range_dump()
{
	calls.push_back("range_dump");
	std::vector<Range> out;
	for (auto [id, r] : ranges) {
		fill_counts(r);
		out.push_back(r);
	}
	return out;
}

Result<Range> FakeBackend::range_set(const RangeSetRequest &request)
{
	calls.push_back(std::string("range_set") + (request.commit ? " commit" : ""));
	last_set = request;
	if (set_error)
		return *set_error;
	auto it = ranges.find(request.id);
	if (it == ranges.end())
		return Error::kernel("changing range", ENOENT, "no such range");
	if (request.commit)
		it->second.state = MEMPLUG_RANGE_STATE_PLUGGED;
	if (request.protect)
		it->second.protect = *request.protect;
	Range r = it->second;
	fill_counts(r);
	return r;
}

Result<Range> FakeBackend::range_cancel(std::uint32_t id)
{
	calls.push_back("range_cancel " + std::to_string(id));
	const std::string what = "cancelling the operation on range " + std::to_string(id);
	if (cancel_error)
		return *cancel_error;
	auto it = ranges.find(id);
	if (it == ranges.end())
		return Error::kernel(what, ENOENT, "no such range");
	Range &r = it->second;
	Range asked = r;
	fill_counts(asked);
	if (auto job = job_of(id); job != jobs_.end()) {
		const Job cancelled = *job;
		jobs_.erase(job);
		if (cancelled.add) {
			ranges.erase(it);
			emit(MEMPLUG_EVENT_PLUG_FAILED, asked, [](Event &e) {
				e.error = -ECANCELED;
				e.reason = "memplug: the plug was cancelled";
			});
		} else {
			r.state = cancelled.prior;
			r.fail_errno = -EINTR;
			r.fail_reason = "memplug: unplug cancelled; the range stays plugged";
			emit(MEMPLUG_EVENT_UNPLUG_FAILED, r, [&r](Event &e) {
				e.error = -ECANCELED;
				e.reason = r.fail_reason;
			});
		}
		return asked;
	}
	// Held and not committed: rolled back as if its owner had gone.
	if (r.state == MEMPLUG_RANGE_STATE_PLUGGING) {
		ranges.erase(it);
		emit(MEMPLUG_EVENT_UNPLUG, asked);
		return asked;
	}
	const bool whole = !r.blocks_present || !r.blocks || *r.blocks_present >= *r.blocks;
	if (r.state == MEMPLUG_RANGE_STATE_UNPLUGGING ||
	    (r.state == MEMPLUG_RANGE_STATE_FAILED && whole)) {
		r.state = whole ? MEMPLUG_RANGE_STATE_PLUGGED : MEMPLUG_RANGE_STATE_FAILED;
		Range out = r;
		fill_counts(out);
		return out;
	}
	return Error::kernel(what, EINVAL,
			     "range has no rollback to cancel (a failed range with blocks "
			     "removed is unplugged, not cancelled)");
}

Result<std::vector<Block>> FakeBackend::block_dump(std::optional<std::uint32_t> range_id)
{
	calls.push_back("block_dump");
	std::vector<Block> out;
	for (const auto &[id, r] : ranges) {
		if (range_id && *range_id != id)
			continue;
		for (auto &b : blocks_of(r))
			out.push_back(std::move(b));
	}
	return out;
}

Result<std::vector<Event>> FakeBackend::event_dump(std::uint64_t first_seq)
{
	calls.push_back("event_dump");
	std::vector<Event> out;
	for (const auto &e : events)
		if (e.seq >= first_seq)
			out.push_back(e);
	return out;
}

namespace {

class FakeEventStream : public EventStream {
public:
	explicit FakeEventStream(FakeBackend &fake)
	    : fake_(fake)
	{
	}

	Result<Received> receive(std::optional<std::chrono::milliseconds> timeout) override
	{
		fake_.waits.push_back(timeout);
		if (fake_.script.empty()) {
			if (auto r = delivered())
				return *r;
			Received r;
			if (timeout) {
				timespec ts{static_cast<time_t>(timeout->count() / 1000),
					    static_cast<long>(timeout->count() % 1000) * 1000000};
				nanosleep(&ts, nullptr);
				r.timed_out = true;
			} else {
				r.interrupted = true;
			}
			return r;
		}
		FakeBackend::Receive next = std::move(fake_.script.front());
		fake_.script.pop_front();
		if (next.hook)
			next.hook();
		return next.received;
	}

private:
	// The worker's outcome and progress, as the module multicasts them;
	// nothing, and receive() waits out its timeout as on an idle socket.
	std::optional<Received> delivered()
	{
		fake_.run_worker();
		if (fake_.multicast.empty() && !fake_.overflowed)
			return std::nullopt;
		Received r;
		r.events.assign(fake_.multicast.begin(), fake_.multicast.end());
		r.overflow = fake_.overflowed;
		fake_.multicast.clear();
		fake_.overflowed = false;
		return r;
	}

private:
	FakeBackend &fake_;
};

} // namespace

Result<std::unique_ptr<EventStream>> FakeBackend::subscribe()
{
	calls.push_back("subscribe");
	if (subscribe_error)
		return *subscribe_error;
	// A new membership hears what comes from now on.
	multicast.clear();
	overflowed = false;
	return std::unique_ptr<EventStream>(std::make_unique<FakeEventStream>(*this));
}

std::vector<Block> FakeBackend::blocks_of(const Range &r) const
{
	const MemorySysfs sysfs(root_);
	std::vector<Block> out;
	for (std::uint64_t addr = r.start; addr < r.start + r.size; addr += kBlockSize) {
		Block b;
		b.id = static_cast<std::uint32_t>(MemorySysfs::block_id(addr, kBlockSize));
		if (std::find(hidden_blocks.begin(), hidden_blocks.end(), b.id) !=
		    hidden_blocks.end())
			continue;
		b.range_id = r.id;
		b.start = addr;
		b.size = kBlockSize;
		b.node = r.node;
		auto state = sysfs.read_state(b.id);
		std::string text = state ? *state : "offline";
		if (auto broken = broken_state.find(b.id); !state && broken != broken_state.end())
			text = broken->second;
		if (text == "offline") {
			b.state = MEMPLUG_BLOCK_STATE_OFFLINE;
		} else {
			b.state = MEMPLUG_BLOCK_STATE_ONLINE;
			auto z = zone_override.find(b.id);
			if (z != zone_override.end())
				b.zone = z->second;
			else
				b.zone = text == "online_movable" ? "Movable" : "Normal";
			auto n = node_override.find(b.id);
			if (n != node_override.end())
				b.node = n->second;
		}
		out.push_back(b);
	}
	return out;
}

void FakeBackend::fill_counts(Range &r) const
{
	const auto blocks = blocks_of(r);
	r.blocks = static_cast<std::uint32_t>(r.size / kBlockSize);
	r.blocks_online = static_cast<std::uint32_t>(std::count_if(
		blocks.begin(), blocks.end(), [](const Block &b) { return b.online(); }));
}

std::deque<FakeBackend::Job>::iterator FakeBackend::job_of(std::uint32_t id)
{
	return std::find_if(jobs_.begin(), jobs_.end(), [id](const Job &j) { return j.id == id; });
}

void FakeBackend::run_worker()
{
	while (!stall_worker && !jobs_.empty()) {
		const Job job = jobs_.front();
		jobs_.pop_front();
		auto it = ranges.find(job.id);
		if (it == ranges.end())
			continue;
		std::deque<Error> &failures = job.add ? add_failures : del_failures;
		std::optional<Error> failure;
		if (!failures.empty()) {
			failure = failures.front();
			failures.pop_front();
		}
		if (job.add)
			finish_add(job, it, failure);
		else
			finish_del(job, it->second, failure);
	}
}

void FakeBackend::finish_add(const Job &job, std::map<std::uint32_t, Range>::iterator it,
			     const std::optional<Error> &failure)
{
	Range &r = it->second;
	if (!failure) {
		r.state = job.hold ? MEMPLUG_RANGE_STATE_PLUGGING : MEMPLUG_RANGE_STATE_PLUGGED;
		r.blocks_present = static_cast<std::uint32_t>(r.size / kBlockSize);
		emit(MEMPLUG_EVENT_PLUG, r);
		return;
	}
	const Range gone = r;
	ranges.erase(it);
	emit(MEMPLUG_EVENT_PLUG_FAILED, gone, [&failure](Event &e) {
		e.error = -failure->errnum();
		e.reason = failure->detail();
	});
}

void FakeBackend::finish_del(const Job &job, Range &r, const std::optional<Error> &failure)
{
	if (failure) {
		r.state = job.prior;
		r.fail_errno = -failure->errnum();
		r.fail_reason = failure->detail();
		emit(MEMPLUG_EVENT_UNPLUG_FAILED, r, [&](Event &e) {
			e.error = r.fail_errno;
			e.reason = r.fail_reason;
			e.block = r.fail_block;
		});
		return;
	}
	// Block after block offline, as the module reports its progress.
	const auto total = static_cast<std::uint32_t>(r.size / kBlockSize);
	for (std::uint32_t i = 0; i < total; i++)
		emit(MEMPLUG_EVENT_OFFLINE, r, [&](Event &e) {
			e.start = r.start + i * kBlockSize;
			e.size = kBlockSize;
			e.block = static_cast<std::uint32_t>(
				MemorySysfs::block_id(*e.start, kBlockSize));
			e.blocks_done = i + 1;
			e.blocks_total = total;
		});
	const Range gone = r;
	ranges.erase(r.id);
	emit(MEMPLUG_EVENT_UNPLUG, gone);
}

void FakeBackend::emit(std::uint32_t action, const Range &range,
		       const std::function<void(Event &)> &fill)
{
	Event e;
	e.seq = status.event_seq.value_or(1);
	status.event_seq = e.seq + 1;
	e.time_ns = monotonic_ns();
	e.action = action;
	e.range_id = range.id;
	e.start = range.start;
	e.size = range.size;
	if (fill)
		fill(e);
	events.push_back(e);
	switch (delivery) {
	case Delivery::Deliver:
		multicast.push_back(e);
		break;
	case Delivery::Overflow:
		overflowed = true;
		break;
	case Delivery::Drop:
		break;
	}
}

} // namespace memplug::test
