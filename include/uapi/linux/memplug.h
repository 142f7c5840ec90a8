/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* Generated from memplug.yaml by scripts/gen-proto.py; do not edit. */
/*
 * memplug: plug device-backed physical memory ranges into the running kernel
 * and pull them out again, over generic netlink.
 *
 * Family "memplug", version 1 (MEMPLUG_FAMILY_NAME, MEMPLUG_FAMILY_VERSION).
 * The machine-readable contract is memplug.yaml beside this header.
 *
 * Conventions
 * -----------
 * Every attribute set starts at 1 and has a PAD attribute for 64-bit values.
 * Values are scalars or strings; there are no C structs on the wire. Strict
 * validation applies to every command: unknown attributes, wrong types and
 * unknown header flags are refused. Every refusal by memplug carries an
 * extended ACK message (NLMSGERR_ATTR_MSG) and, where one attribute is to
 * blame, its offset (NLMSGERR_ATTR_OFFS) or, when it is missing, its type
 * (NLMSGERR_ATTR_MISS_TYPE). Refusals by the netlink core (policy
 * violations, missing privilege) carry what the core gives.
 *
 * Long operations
 * ---------------
 * No request waits for memory to be added or removed. RANGE_ADD and
 * RANGE_DEL check the request, claim the range and queue the work to the
 * module's one worker thread, and reply with the range in PLUGGING or
 * UNPLUGGING. The worker adds, removes and rolls back ranges one at a time,
 * in the order they were queued. The outcome is an event on the "monitor"
 * group: PLUG or PLUG_FAILED, UNPLUG or UNPLUG_FAILED, the failures with
 * ERROR and REASON, the words the request would have refused with. The
 * ONLINE and OFFLINE events of a range being plugged or unplugged carry
 * BLOCKS_DONE and BLOCKS_TOTAL, and RANGE_GET shows BLOCKS_DONE,
 * BYTES_DONE, FAIL_ERRNO and FAIL_REASON. A caller that wants to wait joins
 * the group before it sends, waits for the outcome of its range, and reads
 * RANGE_GET if the socket reports ENOBUFS. RANGE_CANCEL stops an operation.
 *
 * Memory tiers
 * ------------
 * The kernel puts a node in a memory tier by the abstract distance of its
 * memory type, once, when the node's first memory comes online, and
 * reclaim demotes cold pages to the next lower tier. Before it adds a
 * range, the worker gives the range's node a memory type if memplug brings
 * the node its first memory: the abstract distance TIER asks for (AUTO:
 * the firmware's where the kernel can compute it, else slow on a node
 * without CPUs and DRAM on one with CPUs). Later ranges on the node share
 * the type (ADISTANCE in their replies, RANGES in STATUS_GET's MEMTYPE);
 * one that asks for another distance fails (PLUG_FAILED, EBUSY). A node
 * with memory memplug did not plug keeps its tier: only AUTO, and DRAM on
 * a node with CPUs, are accepted there, without a type of memplug's. The
 * last range's removal clears the node's type, as dax/kmem does.
 *
 * Privilege
 * ---------
 * memplug turns physical address ranges into System RAM, which is the power
 * of /dev/mem, and its replies and events carry physical addresses, which
 * /proc/iomem shows only to CAP_SYS_ADMIN. So every command except
 * MEMPLUG_CMD_STATUS_GET needs CAP_SYS_ADMIN in the initial user namespace,
 * in the sending process and, unless the message is sent to an explicit
 * address with sendto(), in the process that opened the socket.
 * CAP_NET_ADMIN is not enough. FORCE also needs CAP_SYS_RAWIO, and is
 * refused while the kernel is locked down (integrity or confidentiality),
 * as /dev/mem is. For an unprivileged caller STATUS_GET omits the pluggable
 * range. Joining the "monitor" multicast group needs CAP_SYS_ADMIN in the
 * joining process; a privileged process that hands its socket to an
 * unprivileged one hands over the events too. The commands and the group
 * carry no admin-perm flag here, which would mean CAP_NET_ADMIN: the module
 * checks CAP_SYS_ADMIN for the commands itself and registers the group as
 * needing it.
 *
 * Commands
 * --------
 * MEMPLUG_CMD_STATUS_GET (doit)
 *	Reply: MEMPLUG_A_STATUS_* (module version, memory block size,
 *	pluggable range, online-callback state, counters, event ring state).
 *
 * MEMPLUG_CMD_RANGE_ADD (doit)
 *	Request: START and SIZE (required, aligned to the memory block size),
 *	NODE (optional; by default resolved from the address), NAME (optional
 *	label), ZONE_POLICY (default ANY), PROTECT, VERIFY, EXCLUDE (repeated
 *	nest, MEMPLUG_A_EXCLUDE_*), MEMMAP_ON_MEMORY, HOLD, DEFER_ONLINE and
 *	FORCE (optional).
 *	The module first claims the range in /proc/iomem (a resource named
 *	"memplug range ID", as dax/kmem claims with the device's name), which
 *	fails if another driver holds any of it, and only then lets its memory
 *	notifier and online callback see it. The claim must lie inside memory
 *	that something describes as backed: Soft Reserved (EFI specific
 *	purpose), Persistent Memory (legacy or labelled) or a committed CXL
 *	region. Firmware-reserved memory (e820 Reserved, which may be MMIO or
 *	firmware data), a CXL window outside a committed region, other
 *	resources and addresses nothing describes are refused (ENXIO) with the
 *	reason. FORCE plugs them anyway (EPERM without CAP_SYS_RAWIO or under
 *	lockdown).
 *	MEMMAP_ON_MEMORY puts the range's memory map on the range itself; it is
 *	refused (EOPNOTSUPP) when the kernel would not do it (boot parameter
 *	memory_hotplug.memmap_on_memory), so RANGE_GET reports it only when
 *	it is in effect.
 *	The module registers a memory group and calls
 *	add_memory_driver_managed(). It never onlines blocks itself: user space
 *	onlines them through sysfs. The kernel's auto-online policy
 *	(auto_online_blocks) may online them during the add; ZONE_POLICY vetoes
 *	onlining into the wrong zone, and DEFER_ONLINE vetoes the auto-online
 *	altogether, so that the blocks end up exactly as user space onlines
 *	them whatever the policy.
 *	With HOLD the range stays in state PLUGGING and belongs to the sending
 *	socket until a MEMPLUG_CMD_RANGE_SET with COMMIT from the same socket;
 *	if that socket is closed first, the module offlines and removes the
 *	range again. This lets a controller that dies half way through a plug
 *	leave nothing behind. That removal runs in a kernel thread, block by
 *	block, each attempt bounded in time, with growing pauses between
 *	attempts (module parameter rollback_attempts); while it is pending the
 *	range is UNPLUGGING. When the attempts are used up the range is FAILED.
 *	VERIFY and EXCLUDE need the kernel's single online page callback:
 *	memplug's worker takes it before the add of the first such range and
 *	gives it back when the last one is gone. If another driver
 *	(virtio-mem, hv_balloon, the Xen balloon) holds it, the plug fails
 *	before anything is added: PLUG_FAILED, EOPNOTSUPP, with the reason.
 *	The request only checks, claims and queues (see Long operations):
 *	a refusal comes in the ACK, the outcome of the add as PLUG or
 *	PLUG_FAILED. Without HOLD the add goes on whatever happens to the
 *	sending socket; with HOLD, closing the socket or RANGE_CANCEL undoes
 *	it.
 *	Reply: MEMPLUG_A_RANGE_* of the new range (ID, resolved NODE), in
 *	state PLUGGING.
 *
 * MEMPLUG_CMD_RANGE_DEL (doit)
 *	Request: ID. Checks that the range may be removed now (EBUSY while a
 *	plug, unplug or rollback of it runs), marks it UNPLUGGING and queues
 *	its removal to the module's worker (see Long operations); the outcome
 *	comes as UNPLUG or UNPLUG_FAILED. The worker calls
 *	offline_and_remove_memory(). On failure the kernel re-onlines what it
 *	had offlined and the range goes back to the state it had; RANGE_GET
 *	then reports the block that refused (FAIL_BLOCK), the core's error
 *	(FAIL_ERRNO) and the reason (FAIL_REASON). A range that is UNPLUGGING
 *	between two rollback attempts, or FAILED, is removed block by block
 *	instead (part of it may already be gone); on failure it stays as it
 *	was, with the blocks removed so far gone.
 *	The removal belongs to the sending socket: if that socket is closed
 *	before it ends, it is given 1 s plus 100 ms per block from then to
 *	finish, and is cancelled after that (UNPLUG_FAILED, -ETIMEDOUT).
 *	Reply: MEMPLUG_A_RANGE_* of the range, in state UNPLUGGING.
 *
 * MEMPLUG_CMD_RANGE_GET (doit and dump)
 *	doit: request ID, reply one range. dump: all ranges in id order.
 *
 * MEMPLUG_CMD_RANGE_SET (doit)
 *	Request: ID and any of PROTECT, ZONE_POLICY, COMMIT.
 *	Reply: MEMPLUG_A_RANGE_* after the change.
 *
 * MEMPLUG_CMD_BLOCK_GET (dump)
 *	Request: RANGE_ID (optional filter). One message per memory block of
 *	memplug's ranges: MEMPLUG_A_BLOCK_* with state, zone and node.
 *
 * MEMPLUG_CMD_EVENT_GET (dump)
 *	Request: SEQ (optional, default 0): the first sequence number wanted.
 *	One message per event still held in the ring with seq >= SEQ, oldest
 *	first. If the first event returned has a larger seq than asked for,
 *	the events in between were overwritten: the gap is the caller's to
 *	report.
 *
 * MEMPLUG_CMD_EVENT_NTF (multicast, group "monitor")
 *	One message per event, MEMPLUG_A_EVENT_*. Sequence numbers are
 *	module-wide and consecutive; a listener that sees a jump, or gets
 *	ENOBUFS on its socket, reads the missing events back with EVENT_GET.
 *	A NUMA node that gets its first memory or loses its last is an event
 *	of its own (NODE_ONLINE, NODE_OFFLINE) on every kernel, taken from
 *	the memory notifier up to Linux 6.16 and from the node notifier
 *	since. STATUS_CHANGE_NID and STATUS_CHANGE_NID_NORMAL, which only the
 *	old memory notifier could fill (and the normal-memory change no
 *	kernel reports since 6.17), are no longer sent.
 *	Joining the group needs CAP_SYS_ADMIN (see Privilege).
 *
 * MEMPLUG_CMD_RANGE_CANCEL (doit)
 *	Request: ID. Stops what is being done to the range and puts it back
 *	where it was before:
 *	- a plug: an add that is queued or running is undone (PLUG_FAILED,
 *	  -ECANCELED; memory already added is removed as a rollback), and a
 *	  range added with HOLD and not yet committed is rolled back as if
 *	  its owner had closed its socket;
 *	- an unplug: a queued removal is dropped, a running one interrupted
 *	  (the core puts back online what it had offlined); UNPLUG_FAILED,
 *	  -ECANCELED, and the range is as it was;
 *	- the rollback of a range whose owner went away, or of a FAILED
 *	  range: an attempt in progress is interrupted, and no other attempt
 *	  is made. If every block is still there the range becomes PLUGGED,
 *	  as if committed; otherwise it is FAILED, and RANGE_DEL removes the
 *	  rest.
 *	The request does not wait: the reply shows the range as it is, and
 *	the outcome comes as an event. EINVAL for a range with nothing to
 *	stop.
 *	Reply: MEMPLUG_A_RANGE_* after the request.
 */
#ifndef _UAPI_LINUX_MEMPLUG_H
#define _UAPI_LINUX_MEMPLUG_H

#define MEMPLUG_FAMILY_NAME	"memplug"
#define MEMPLUG_FAMILY_VERSION	1
#define MEMPLUG_MCGRP_MONITOR	"monitor"

/* Longest range label, including the terminating NUL. */
#define MEMPLUG_NAME_LEN	64
/* Most exclusion sub-ranges one range may carry. */
#define MEMPLUG_MAX_EXCLUDES	64
/*
 * Largest abstract distance a request may give (the DRAM tier's is 576,
 * dax/kmem's default for slow memory 2880).
 */
#define MEMPLUG_ADISTANCE_MAX	32767

/**
 * enum memplug_range_state - lifecycle of a range
 * @MEMPLUG_RANGE_STATE_PLUGGING: being added (the module's worker adds its
 *	memory), or added with HOLD and not yet committed by its owner
 * @MEMPLUG_RANGE_STATE_PLUGGED: added; its blocks may be online or offline
 * @MEMPLUG_RANGE_STATE_UNPLUGGING: being offlined and removed (queued for the
 *	module's worker or in its hands), or waiting for the next attempt of a
 *	rollback
 * @MEMPLUG_RANGE_STATE_FAILED: removing it failed for good (the rollback used
 *	up its attempts, or a removed block could not be put back) or its
 *	rollback was cancelled with part of it removed. BLOCKS_PRESENT of its
 *	blocks are still added; it keeps its claim and the module loaded, and
 *	RANGE_DEL tries again
 */
enum memplug_range_state {
	MEMPLUG_RANGE_STATE_PLUGGING = 1,
	MEMPLUG_RANGE_STATE_PLUGGED,
	MEMPLUG_RANGE_STATE_UNPLUGGING,
	MEMPLUG_RANGE_STATE_FAILED,

	/* private: */
	__MEMPLUG_RANGE_STATE_MAX,
	MEMPLUG_RANGE_STATE_MAX = __MEMPLUG_RANGE_STATE_MAX - 1
};

/**
 * enum memplug_zone_policy - where the blocks of a range may be onlined
 * @MEMPLUG_ZONE_POLICY_ANY: any zone the kernel picks
 * @MEMPLUG_ZONE_POLICY_MOVABLE: ZONE_MOVABLE only; onlining elsewhere is
 *	vetoed, so the range can always be unplugged again
 * @MEMPLUG_ZONE_POLICY_KERNEL: kernel zones (e.g. ZONE_NORMAL) only
 */
enum memplug_zone_policy {
	MEMPLUG_ZONE_POLICY_ANY = 1,
	MEMPLUG_ZONE_POLICY_MOVABLE,
	MEMPLUG_ZONE_POLICY_KERNEL,

	/* private: */
	__MEMPLUG_ZONE_POLICY_MAX,
	MEMPLUG_ZONE_POLICY_MAX = __MEMPLUG_ZONE_POLICY_MAX - 1
};

/**
 * enum memplug_block_state - state of one memory block
 * @MEMPLUG_BLOCK_STATE_OFFLINE: added but not online
 * @MEMPLUG_BLOCK_STATE_ONLINE: online; its zone is reported
 */
enum memplug_block_state {
	MEMPLUG_BLOCK_STATE_OFFLINE = 1,
	MEMPLUG_BLOCK_STATE_ONLINE,

	/* private: */
	__MEMPLUG_BLOCK_STATE_MAX,
	MEMPLUG_BLOCK_STATE_MAX = __MEMPLUG_BLOCK_STATE_MAX - 1
};

/**
 * enum memplug_online_cb - memplug and the kernel's online page callback slot
 * @MEMPLUG_ONLINE_CB_MEMPLUG: memplug holds the slot, for ONLINE_CB_RANGES
 *	ranges with VERIFY or EXCLUDE
 * @MEMPLUG_ONLINE_CB_UNAVAILABLE: memplug's last attempt to take the slot
 *	found another driver (virtio-mem, hv_balloon, the Xen balloon) holding
 *	it (ONLINE_CB_REASON); plain plugs still work
 * @MEMPLUG_ONLINE_CB_IDLE: no range needs the slot and memplug does not hold
 *	it, so other drivers may take it; memplug tries to take it at the next
 *	plug with VERIFY or EXCLUDE
 */
enum memplug_online_cb {
	MEMPLUG_ONLINE_CB_MEMPLUG = 1,
	MEMPLUG_ONLINE_CB_UNAVAILABLE,
	MEMPLUG_ONLINE_CB_IDLE,

	/* private: */
	__MEMPLUG_ONLINE_CB_MAX,
	MEMPLUG_ONLINE_CB_MAX = __MEMPLUG_ONLINE_CB_MAX - 1
};

/**
 * enum memplug_tier - the memory tier a range's node is given (see Memory tiers)
 * @MEMPLUG_TIER_AUTO: the distance the firmware gives the node where the
 *	kernel can compute one (HMAT, CDAT), otherwise slow on a node without
 *	CPUs and DRAM on one with CPUs; a node that already has memory memplug
 *	did not bring, or a memory type from another range, keeps it
 * @MEMPLUG_TIER_DRAM: the DRAM tier (the kernel's default abstract distance)
 * @MEMPLUG_TIER_SLOW: five times DRAM's abstract distance, dax/kmem's default
 *	for device memory
 * @MEMPLUG_TIER_ADISTANCE: the abstract distance given in ADISTANCE
 */
enum memplug_tier {
	MEMPLUG_TIER_AUTO = 1,
	MEMPLUG_TIER_DRAM,
	MEMPLUG_TIER_SLOW,
	MEMPLUG_TIER_ADISTANCE,

	/* private: */
	__MEMPLUG_TIER_MAX,
	MEMPLUG_TIER_MAX = __MEMPLUG_TIER_MAX - 1
};

/**
 * enum memplug_event_action - what an event reports
 * @MEMPLUG_EVENT_GOING_ONLINE: MEM_GOING_ONLINE of a memory block
 * @MEMPLUG_EVENT_ONLINE: MEM_ONLINE
 * @MEMPLUG_EVENT_GOING_OFFLINE: MEM_GOING_OFFLINE
 * @MEMPLUG_EVENT_OFFLINE: MEM_OFFLINE
 * @MEMPLUG_EVENT_CANCEL_ONLINE: MEM_CANCEL_ONLINE (onlining was vetoed)
 * @MEMPLUG_EVENT_CANCEL_OFFLINE: MEM_CANCEL_OFFLINE (offlining failed)
 * @MEMPLUG_EVENT_PLUG: memplug added a range
 * @MEMPLUG_EVENT_UNPLUG: memplug removed a range
 * @MEMPLUG_EVENT_VERIFY_FAIL: verify-on-online found bad pages (START/SIZE)
 *	and excluded them
 * @MEMPLUG_EVENT_FAILED: memplug stopped trying to remove a range, which is
 *	now in state FAILED (START/SIZE: the whole range)
 * @MEMPLUG_EVENT_NODE_ONLINE: NUMA node NODE got its first memory (it is in
 *	N_MEMORY now); comes right before the ONLINE event of that memory.
 *	START, SIZE and BLOCK are 0
 * @MEMPLUG_EVENT_NODE_OFFLINE: NUMA node NODE lost its last memory; comes
 *	right before the OFFLINE event of that memory
 * @MEMPLUG_EVENT_PLUG_FAILED: the add a RANGE_ADD queued failed or was
 *	cancelled: ERROR (a negative errno, -ECANCELED for a cancel) and REASON
 *	say why. The range is gone, or UNPLUGGING if memory was added and must
 *	be removed again (the rollback ends in UNPLUG or FAILED)
 * @MEMPLUG_EVENT_UNPLUG_FAILED: the removal a RANGE_DEL queued failed or was
 *	cancelled: ERROR (a negative errno: -ECANCELED for a cancel, -ETIMEDOUT
 *	when its requester went away and it outlasted its bound) and REASON say
 *	why, BLOCK names the block that refused. The range is as it was before
 *	(RANGE_GET: STATE, FAIL_BLOCK, FAIL_ERRNO, FAIL_REASON)
 */
enum memplug_event_action {
	MEMPLUG_EVENT_GOING_ONLINE = 1,
	MEMPLUG_EVENT_ONLINE,
	MEMPLUG_EVENT_GOING_OFFLINE,
	MEMPLUG_EVENT_OFFLINE,
	MEMPLUG_EVENT_CANCEL_ONLINE,
	MEMPLUG_EVENT_CANCEL_OFFLINE,
	MEMPLUG_EVENT_PLUG,
	MEMPLUG_EVENT_UNPLUG,
	MEMPLUG_EVENT_VERIFY_FAIL,
	MEMPLUG_EVENT_FAILED,
	MEMPLUG_EVENT_NODE_ONLINE,
	MEMPLUG_EVENT_NODE_OFFLINE,
	MEMPLUG_EVENT_PLUG_FAILED,
	MEMPLUG_EVENT_UNPLUG_FAILED,

	/* private: */
	__MEMPLUG_EVENT_MAX,
	MEMPLUG_EVENT_MAX = __MEMPLUG_EVENT_MAX - 1
};

enum {
	MEMPLUG_A_STATUS_UNSPEC,
	MEMPLUG_A_STATUS_PAD,
	MEMPLUG_A_STATUS_VERSION,		/* string */
	MEMPLUG_A_STATUS_BLOCK_SIZE,		/* u64, bytes */
	MEMPLUG_A_STATUS_PLUGGABLE_START,	/* u64, privileged */
	MEMPLUG_A_STATUS_PLUGGABLE_END,		/* u64, inclusive, privileged */
	MEMPLUG_A_STATUS_ONLINE_CB,		/* u32, enum memplug_online_cb */
	MEMPLUG_A_STATUS_ONLINE_CB_REASON,	/* string, when unavailable */
	MEMPLUG_A_STATUS_RANGES,		/* u32, ranges in the registry */
	MEMPLUG_A_STATUS_PLUGGED_BYTES,		/* u64, bytes held by ranges */
	MEMPLUG_A_STATUS_PLUGS,			/* u64, successful plugs */
	MEMPLUG_A_STATUS_UNPLUGS,		/* u64, successful unplugs */
	/*
	 * u64, plug requests the module refused or failed (requests that were
	 * malformed or unauthorised, or that it had no memory to decode, are
	 * not counted)
	 */
	MEMPLUG_A_STATUS_PLUG_FAILURES,
	MEMPLUG_A_STATUS_UNPLUG_FAILURES,	/* u64, failed offline+remove */
	MEMPLUG_A_STATUS_VETOES,		/* u64, notifier vetoes */
	MEMPLUG_A_STATUS_EVENT_SEQ,		/* u64, seq of the next event */
	MEMPLUG_A_STATUS_EVENT_OLDEST,		/* u64, oldest seq in the ring */
	MEMPLUG_A_STATUS_EVENT_RING_SIZE,	/* u32, ring capacity */
	/*
	 * u32, debug, not a stable interface: range objects the module has
	 * created and not yet released; the tests read it to find leaks, and
	 * what it counts may change
	 */
	MEMPLUG_A_STATUS_OBJECTS,
	MEMPLUG_A_STATUS_KDUMP,			/* flag, in a kdump kernel */
	MEMPLUG_A_STATUS_ONLINE_CB_RANGES,	/* u32, ranges that need the callback */
	/*
	 * nest, MEMPLUG_A_MEMTYPE_*, repeated, one per node memplug gave a
	 * memory type
	 */
	MEMPLUG_A_STATUS_MEMTYPE,

	/* private: */
	__MEMPLUG_A_STATUS_MAX,
	MEMPLUG_A_STATUS_MAX = __MEMPLUG_A_STATUS_MAX - 1
};

enum {
	MEMPLUG_A_RANGE_UNSPEC,
	MEMPLUG_A_RANGE_PAD,
	MEMPLUG_A_RANGE_ID,			/* u32 */
	MEMPLUG_A_RANGE_START,			/* u64, physical address */
	MEMPLUG_A_RANGE_SIZE,			/* u64, bytes */
	MEMPLUG_A_RANGE_NODE,			/* u32, NUMA node */
	MEMPLUG_A_RANGE_NAME,			/* string, label */
	MEMPLUG_A_RANGE_STATE,			/* u32, enum memplug_range_state */
	MEMPLUG_A_RANGE_ZONE_POLICY,		/* u32, enum memplug_zone_policy */
	MEMPLUG_A_RANGE_PROTECT,		/* u8, 0 or 1 */
	MEMPLUG_A_RANGE_VERIFY,			/* flag */
	MEMPLUG_A_RANGE_MEMMAP_ON_MEMORY,	/* flag */
	MEMPLUG_A_RANGE_HOLD,			/* flag, request only */
	MEMPLUG_A_RANGE_COMMIT,			/* flag, RANGE_SET only */
	MEMPLUG_A_RANGE_EXCLUDE,		/* nest, MEMPLUG_A_EXCLUDE_*, repeated */
	MEMPLUG_A_RANGE_GROUP_ID,		/* u32, memory group id */
	MEMPLUG_A_RANGE_BLOCKS,			/* u32, memory blocks */
	MEMPLUG_A_RANGE_BLOCKS_ONLINE,		/* u32 */
	MEMPLUG_A_RANGE_PAGES_ONLINE,		/* u64, handed to the allocator */
	MEMPLUG_A_RANGE_PAGES_EXCLUDED,		/* u64, kept out of it */
	MEMPLUG_A_RANGE_PAGES_VERIFIED,		/* u64, passed verify */
	MEMPLUG_A_RANGE_PAGES_BAD,		/* u64, failed verify */
	MEMPLUG_A_RANGE_ADD_NS,			/* u64, add_memory time */
	MEMPLUG_A_RANGE_REMOVE_NS,		/* u64, offline+remove time */
	MEMPLUG_A_RANGE_ONLINE_NS,		/* u64, in-kernel online time */
	MEMPLUG_A_RANGE_OFFLINE_NS,		/* u64, in-kernel offline time */
	MEMPLUG_A_RANGE_FAIL_BLOCK,		/* u32, block that last refused */
	MEMPLUG_A_RANGE_FAIL_ERRNO,		/* s32, and why (negative errno) */
	MEMPLUG_A_RANGE_DEFER_ONLINE,		/* flag, veto auto-online at add */
	MEMPLUG_A_RANGE_FORCE,			/* flag, plug outside regions */
	MEMPLUG_A_RANGE_BLOCKS_PRESENT,		/* u32, blocks still added */
	MEMPLUG_A_RANGE_ROLLBACK_ATTEMPTS,	/* u32, failed rollback attempts */
	/* string, the process that plugged the range, as comm[pid] */
	MEMPLUG_A_RANGE_PLUGGED_BY,
	/* string, why the last add or removal failed, in the module's words */
	MEMPLUG_A_RANGE_FAIL_REASON,
	/*
	 * u32, progress of the operation in progress: while PLUGGING the blocks
	 * online, while UNPLUGGING the blocks offline or removed
	 */
	MEMPLUG_A_RANGE_BLOCKS_DONE,
	MEMPLUG_A_RANGE_BYTES_DONE,		/* u64, BLOCKS_DONE in bytes */
	/* u32, enum memplug_tier, the tier asked for (request, default AUTO) */
	MEMPLUG_A_RANGE_TIER,
	/*
	 * u32, request: the abstract distance of TIER ADISTANCE; reply: that of
	 * the memory type memplug gave the range's node, absent if it gave none
	 * (the node keeps the kernel's)
	 */
	MEMPLUG_A_RANGE_ADISTANCE,

	/* private: */
	__MEMPLUG_A_RANGE_MAX,
	MEMPLUG_A_RANGE_MAX = __MEMPLUG_A_RANGE_MAX - 1
};

enum {
	MEMPLUG_A_MEMTYPE_UNSPEC,
	MEMPLUG_A_MEMTYPE_PAD,
	MEMPLUG_A_MEMTYPE_NODE,			/* u32 */
	MEMPLUG_A_MEMTYPE_ADISTANCE,		/* u32 */
	/* u32, memplug's ranges on the node, which share the type */
	MEMPLUG_A_MEMTYPE_RANGES,

	/* private: */
	__MEMPLUG_A_MEMTYPE_MAX,
	MEMPLUG_A_MEMTYPE_MAX = __MEMPLUG_A_MEMTYPE_MAX - 1
};

enum {
	MEMPLUG_A_EXCLUDE_UNSPEC,
	MEMPLUG_A_EXCLUDE_PAD,
	MEMPLUG_A_EXCLUDE_START,		/* u64, page-aligned */
	MEMPLUG_A_EXCLUDE_SIZE,			/* u64, page multiple */

	/* private: */
	__MEMPLUG_A_EXCLUDE_MAX,
	MEMPLUG_A_EXCLUDE_MAX = __MEMPLUG_A_EXCLUDE_MAX - 1
};

enum {
	MEMPLUG_A_BLOCK_UNSPEC,
	MEMPLUG_A_BLOCK_PAD,
	MEMPLUG_A_BLOCK_ID,			/* u32, memoryN in sysfs */
	MEMPLUG_A_BLOCK_RANGE_ID,		/* u32 */
	MEMPLUG_A_BLOCK_START,			/* u64 */
	MEMPLUG_A_BLOCK_SIZE,			/* u64 */
	MEMPLUG_A_BLOCK_STATE,			/* u32, enum memplug_block_state */
	MEMPLUG_A_BLOCK_ZONE,			/* string, when online */
	MEMPLUG_A_BLOCK_NODE,			/* u32 */

	/* private: */
	__MEMPLUG_A_BLOCK_MAX,
	MEMPLUG_A_BLOCK_MAX = __MEMPLUG_A_BLOCK_MAX - 1
};

enum {
	MEMPLUG_A_EVENT_UNSPEC,
	MEMPLUG_A_EVENT_PAD,
	MEMPLUG_A_EVENT_SEQ,			/* u64 */
	MEMPLUG_A_EVENT_TIME_NS,		/* u64, CLOCK_MONOTONIC */
	MEMPLUG_A_EVENT_REALTIME_NS,		/* u64, CLOCK_REALTIME */
	MEMPLUG_A_EVENT_ACTION,			/* u32, enum memplug_event_action */
	MEMPLUG_A_EVENT_START_PFN,		/* u64 */
	MEMPLUG_A_EVENT_NR_PAGES,		/* u64 */
	MEMPLUG_A_EVENT_START,			/* u64, physical address */
	MEMPLUG_A_EVENT_SIZE,			/* u64, bytes */
	MEMPLUG_A_EVENT_BLOCK,			/* u32, first memory block */
	MEMPLUG_A_EVENT_NODE,			/* s32, -1 when unknown */
	MEMPLUG_A_EVENT_ZONE,			/* string, when known */
	MEMPLUG_A_EVENT_STATUS_CHANGE_NID,	/* s32, not sent any more */
	MEMPLUG_A_EVENT_STATUS_CHANGE_NID_NORMAL, /* s32, not sent any more */
	MEMPLUG_A_EVENT_RANGE_ID,		/* u32, absent if not memplug's */
	MEMPLUG_A_EVENT_VETO_ERRNO,		/* s32, when memplug vetoed */
	MEMPLUG_A_EVENT_VETO_REASON,		/* string, when memplug vetoed */
	/* s32, PLUG_FAILED and UNPLUG_FAILED, a negative errno */
	MEMPLUG_A_EVENT_ERROR,
	/* string, PLUG_FAILED and UNPLUG_FAILED, why in the module's words */
	MEMPLUG_A_EVENT_REASON,
	/*
	 * u32, progress, on the ONLINE and OFFLINE events of a range being
	 * plugged or unplugged: its blocks online (plugging) or offline or
	 * removed (unplugging), this one included
	 */
	MEMPLUG_A_EVENT_BLOCKS_DONE,
	MEMPLUG_A_EVENT_BLOCKS_TOTAL,		/* u32, with BLOCKS_DONE, the blocks of the range */

	/* private: */
	__MEMPLUG_A_EVENT_MAX,
	MEMPLUG_A_EVENT_MAX = __MEMPLUG_A_EVENT_MAX - 1
};

enum {
	MEMPLUG_CMD_UNSPEC,
	MEMPLUG_CMD_STATUS_GET,
	MEMPLUG_CMD_RANGE_ADD,
	MEMPLUG_CMD_RANGE_DEL,
	MEMPLUG_CMD_RANGE_GET,
	MEMPLUG_CMD_RANGE_SET,
	MEMPLUG_CMD_BLOCK_GET,
	MEMPLUG_CMD_EVENT_GET,
	MEMPLUG_CMD_EVENT_NTF,
	MEMPLUG_CMD_RANGE_CANCEL,

	/* private: */
	__MEMPLUG_CMD_MAX,
	MEMPLUG_CMD_MAX = __MEMPLUG_CMD_MAX - 1
};

#endif /* _UAPI_LINUX_MEMPLUG_H */
