// SPDX-License-Identifier: GPL-2.0
//
// Plain values exchanged with the memplug module. Enumerations received from
// the kernel are kept as raw numbers so that a newer module's values survive
// decoding; the *_name() helpers turn them into the words memplugctl prints.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <linux/memplug.h>

namespace memplug {

// How memplugctl onlines the blocks of a new range.
enum class OnlineType {
	None,    // leave them offline
	Online,  // "online": the kernel picks the zone
	Kernel,  // "online_kernel"
	Movable, // "online_movable"
};

enum class ZonePolicy : std::uint32_t {
	Any = MEMPLUG_ZONE_POLICY_ANY,
	Movable = MEMPLUG_ZONE_POLICY_MOVABLE,
	Kernel = MEMPLUG_ZONE_POLICY_KERNEL,
};

// "none", "online", "kernel", "movable"
std::string_view online_type_name(OnlineType type);
// What to write to memoryN/state: "online", "online_kernel", "online_movable";
// empty for OnlineType::None.
std::string_view online_type_sysfs(OnlineType type);
// The zone policy that matches an online type: movable -> movable, kernel ->
// kernel, anything else -> any.
ZonePolicy default_zone_policy(OnlineType type);

// "any", "movable", "kernel", or "unknown(<n>)".
std::string zone_policy_name(std::uint32_t policy);

// The memory tier a range's node is given (enum memplug_tier).
enum class Tier : std::uint32_t {
	Auto = MEMPLUG_TIER_AUTO,
	Dram = MEMPLUG_TIER_DRAM,
	Slow = MEMPLUG_TIER_SLOW,
	Adistance = MEMPLUG_TIER_ADISTANCE, // the abstract distance given with it
};

// What plug --tier asks for: a tier, and with Tier::Adistance the abstract
// distance (1 to MEMPLUG_ADISTANCE_MAX).
struct TierRequest {
	Tier tier = Tier::Auto;
	std::optional<std::uint32_t> adistance;

	bool operator==(const TierRequest &) const = default;
};

// "auto", "dram", "slow", "adistance", or "unknown(<n>)".
std::string tier_name(std::uint32_t tier);

// A sub-range kept out of the page allocator.
struct Exclude {
	std::uint64_t start = 0;
	std::uint64_t size = 0;

	bool operator==(const Exclude &) const = default;
};

// A memory type memplug gave a NUMA node (MEMPLUG_A_MEMTYPE_*).
struct MemType {
	std::uint32_t node = 0;
	std::uint32_t adistance = 0;
	std::uint32_t ranges = 0; // memplug's ranges on the node, which share it

	bool operator==(const MemType &) const = default;
};

// MEMPLUG_CMD_STATUS_GET. Absent attributes stay empty: the kernel omits the
// pluggable range for unprivileged callers.
struct Status {
	std::optional<std::string> version;
	std::optional<std::uint64_t> block_size;
	std::optional<std::uint64_t> pluggable_start;
	std::optional<std::uint64_t> pluggable_end; // inclusive
	std::optional<std::uint32_t> online_cb;     // enum memplug_online_cb
	std::optional<std::string> online_cb_reason;
	// Ranges (with --verify or --exclude) that need the callback.
	std::optional<std::uint32_t> online_cb_ranges;
	std::optional<std::uint32_t> ranges;
	std::optional<std::uint64_t> plugged_bytes;
	std::optional<std::uint64_t> plugs;
	std::optional<std::uint64_t> unplugs;
	std::optional<std::uint64_t> plug_failures;
	std::optional<std::uint64_t> unplug_failures;
	std::optional<std::uint64_t> vetoes;
	std::optional<std::uint64_t> event_seq;
	std::optional<std::uint64_t> event_oldest;
	std::optional<std::uint32_t> event_ring_size;
	std::optional<std::uint32_t> objects;
	bool kdump = false;
	// One per node memplug gave a memory type, in the kernel's order.
	std::vector<MemType> memtypes;
	// Not STATUS_GET's. The version the kernel registered the family
	// with, the protocol the module speaks (CTRL_ATTR_VERSION, which
	// Client::status_get() asks the generic netlink controller for).
	std::optional<std::uint32_t> protocol;
	// memplugctl's own version and protocol, which status shows and
	// compares with the module's (run_status() sets them).
	std::optional<std::string> controller_version;
	std::optional<std::uint32_t> controller_protocol;
};

// Whether the module and the controller of @status go together. Nothing
// when they do: the same protocol and the same MAJOR.MINOR (the patch
// level may differ), or something is unknown. Otherwise the warning,
// naming both versions: a different protocol, a different MAJOR.MINOR,
// or a version that is not MAJOR.MINOR.PATCH and differs.
std::optional<std::string> version_warning(const Status &status);

// "memplug", "unavailable", "idle", or "unknown(<n>)".
std::string online_cb_name(std::uint32_t cb);

// One range as the kernel reports it (MEMPLUG_A_RANGE_*).
struct Range {
	std::uint32_t id = 0;
	std::uint64_t start = 0;
	std::uint64_t size = 0;
	std::optional<std::uint32_t> node;
	std::string name;
	std::uint32_t state = 0; // enum memplug_range_state
	std::optional<std::uint32_t> zone_policy;
	bool protect = false;
	bool verify = false;
	bool memmap_on_memory = false;
	bool defer_online = false;
	std::vector<Exclude> excludes;
	std::optional<std::uint32_t> group_id;
	std::optional<std::uint32_t> blocks;
	std::optional<std::uint32_t> blocks_online;
	std::optional<std::uint64_t> pages_online;
	std::optional<std::uint64_t> pages_excluded;
	std::optional<std::uint64_t> pages_verified;
	std::optional<std::uint64_t> pages_bad;
	std::optional<std::uint64_t> add_ns;
	std::optional<std::uint64_t> remove_ns;
	std::optional<std::uint64_t> online_ns;
	std::optional<std::uint64_t> offline_ns;
	std::optional<std::uint32_t> fail_block;
	std::optional<std::int32_t> fail_errno; // negative errno
	// Blocks still added to the kernel: fewer than blocks while a
	// rollback or an unplug of a failed range is under way, or when it
	// failed part way.
	std::optional<std::uint32_t> blocks_present;
	std::optional<std::uint32_t> rollback_attempts; // failed ones
	std::optional<std::string> plugged_by;          // "comm[pid]"
	// Why the last add or removal failed, in the module's words.
	std::optional<std::string> fail_reason;
	// The progress of an add or removal under way: blocks online while
	// plugging, offline or removed while unplugging; and in bytes.
	std::optional<std::uint32_t> blocks_done;
	std::optional<std::uint64_t> bytes_done;
	// The tier asked for (enum memplug_tier), and the abstract distance of
	// the memory type memplug gave the range's node: nothing when it gave
	// none, and the node keeps the kernel's.
	std::optional<std::uint32_t> tier;
	std::optional<std::uint32_t> adistance;
};

// The state memplugctl shows for a range: "plugging", "unplugging",
// "failed", and for a plugged range "online" (every block online),
// "offline" (none) or "partial"; "unknown" for a state this program does
// not know.
std::string range_state_name(const Range &range);

// One memory block of a range (MEMPLUG_A_BLOCK_*).
struct Block {
	std::uint32_t id = 0; // memoryN in sysfs
	std::uint32_t range_id = 0;
	std::uint64_t start = 0;
	std::uint64_t size = 0;
	std::uint32_t state = 0;         // enum memplug_block_state
	std::optional<std::string> zone; // when online
	std::optional<std::uint32_t> node;

	bool online() const { return state == MEMPLUG_BLOCK_STATE_ONLINE; }
};

// "online", "offline", or "unknown(<n>)".
std::string block_state_name(std::uint32_t state);

// One event of the module's ring (MEMPLUG_A_EVENT_*).
struct Event {
	std::uint64_t seq = 0;
	std::optional<std::uint64_t> time_ns;
	std::optional<std::uint64_t> realtime_ns;
	std::uint32_t action = 0; // enum memplug_event_action
	std::optional<std::uint64_t> start_pfn;
	std::optional<std::uint64_t> nr_pages;
	std::optional<std::uint64_t> start;
	std::optional<std::uint64_t> size;
	std::optional<std::uint32_t> block;
	std::optional<std::int32_t> node;
	std::optional<std::string> zone;
	std::optional<std::int32_t> status_change_nid;
	std::optional<std::int32_t> status_change_nid_normal;
	std::optional<std::uint32_t> range_id;
	std::optional<std::int32_t> veto_errno; // negative errno
	std::optional<std::string> veto_reason;
	// PLUG_FAILED, UNPLUG_FAILED: why, as a negative errno and in the
	// module's words.
	std::optional<std::int32_t> error;
	std::optional<std::string> reason;
	// ONLINE and OFFLINE of a range being plugged or unplugged: its
	// blocks done so far, this one included, of blocks_total.
	std::optional<std::uint32_t> blocks_done;
	std::optional<std::uint32_t> blocks_total;
};

// "going-online", "online", "going-offline", "offline", "cancel-online",
// "cancel-offline", "plug", "unplug", "verify-fail", "failed",
// "node-online", "node-offline", "plug-failed", "unplug-failed", or
// "unknown(<n>)".
std::string event_action_name(std::uint32_t action);

// Requests.
struct RangeAddRequest {
	std::uint64_t start = 0;
	std::uint64_t size = 0;
	std::optional<std::uint32_t> node;
	std::optional<std::string> name;
	std::optional<ZonePolicy> zone_policy;
	bool protect = false;
	bool verify = false;
	bool memmap_on_memory = false;
	bool hold = false;
	// Veto the kernel's auto-online while the range is being added, so
	// that its blocks stay offline until user space onlines them.
	bool defer_online = false;
	// Plug even where memplug refuses: firmware-reserved memory, a CXL
	// window outside a committed region, addresses nothing describes.
	// The kernel wants CAP_SYS_RAWIO for it and refuses it under lockdown.
	bool force = false;
	std::vector<Exclude> excludes;
	// Nothing: the kernel's default, Tier::Auto.
	std::optional<TierRequest> tier;
};

struct RangeSetRequest {
	std::uint32_t id = 0;
	std::optional<bool> protect;
	std::optional<ZonePolicy> zone_policy;
	bool commit = false;
};

} // namespace memplug
