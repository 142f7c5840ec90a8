// SPDX-License-Identifier: GPL-2.0
/*
 * memplug: what may be plugged, and the claim of a range in /proc/iomem.
 *
 * Without FORCE memplug plugs only memory that something describes as
 * backed: Soft Reserved (EFI specific-purpose memory), Persistent Memory
 * (legacy or labelled) and a committed CXL region. It refuses, with the
 * reason, what may have nothing behind it: firmware-reserved ranges (e820
 * Reserved: MMIO holes, firmware runtime data, carve-outs), a CXL window
 * outside a committed region (nothing decodes those addresses), any other
 * resource (a PCI window, ACPI tables) and addresses nothing describes.
 *
 * The claim comes first, as dax/kmem does it. request_mem_region() fails if
 * any part of the range is claimed by another driver (busy) or straddles
 * the edge of a region, and otherwise puts our resource inside the
 * innermost region that holds the whole range, taking that region's
 * description: that description decides. The claim is then made non-busy,
 * so that the memory's own "System RAM (memplug)" resources nest in it, and
 * it stays until the last block of the range is removed.
 */
#include <linux/device.h>
#include <linux/ioport.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "internal.h"
#include "compat.h"

/* What describes the region a claim landed in. */
enum memplug_res_kind {
	MEMPLUG_RES_DEVICE,
	MEMPLUG_RES_RESERVED,
	MEMPLUG_RES_CXL_WINDOW,
	MEMPLUG_RES_CXL_REGION_IDLE,
	MEMPLUG_RES_OTHER,
	MEMPLUG_RES_NONE,
};

/*
 * A CXL region's driver binds only once the region is committed, and is
 * unbound before the region leaves that state.
 */
static bool memplug_cxl_region_committed(const char *name)
{
	/*
	 * The CXL core's bus, looked up by name if the CXL core is loaded:
	 * memplug neither needs nor loads the CXL modules.
	 */
	const struct bus_type *bus = __symbol_get("cxl_bus_type");
	struct device *dev;
	bool bound = false;

	if (!bus)
		return false;
	dev = memplug_bus_find_device_by_name(bus, name);
	if (dev) {
		device_lock(dev);
		bound = dev->driver;
		device_unlock(dev);
		put_device(dev);
	}
	__symbol_put("cxl_bus_type");
	return bound;
}

/*
 * Classify a fresh claim by the description it inherited from its parent.
 * Only a region without a description of its own needs a look at the
 * parent: a CXL region is such a region inside a CXL window. A committed
 * region cannot release its resource (the CXL core refuses to free its
 * addresses while it is active), and the windows stay as long as the CXL
 * ACPI driver, so the look cannot meet a resource being freed.
 */
static enum memplug_res_kind memplug_res_kind(const struct resource *claim)
{
	const struct resource *parent = claim->parent;

	switch (claim->desc) {
	case IORES_DESC_SOFT_RESERVED:
	case IORES_DESC_PERSISTENT_MEMORY:
	case IORES_DESC_PERSISTENT_MEMORY_LEGACY:
		return MEMPLUG_RES_DEVICE;
	case IORES_DESC_RESERVED:
		return MEMPLUG_RES_RESERVED;
	case IORES_DESC_CXL:
		return MEMPLUG_RES_CXL_WINDOW;
	case IORES_DESC_NONE:
		break;
	default:
		return MEMPLUG_RES_OTHER;
	}
	if (parent == &iomem_resource)
		return MEMPLUG_RES_NONE;
	if (!parent->parent || parent->parent->desc != IORES_DESC_CXL ||
	    !parent->name)
		return MEMPLUG_RES_OTHER;
	return memplug_cxl_region_committed(parent->name) ?
	       MEMPLUG_RES_DEVICE : MEMPLUG_RES_CXL_REGION_IDLE;
}

/* Say why a claim of @kind needs FORCE. */
static void memplug_res_refusal(enum memplug_res_kind kind,
				struct netlink_ext_ack *extack)
{
	switch (kind) {
	case MEMPLUG_RES_RESERVED:
		NL_SET_ERR_MSG_MOD(extack,
				   "firmware-reserved: may be MMIO or firmware data; use --force only if you know RAM backs it");
		break;
	case MEMPLUG_RES_CXL_WINDOW:
		NL_SET_ERR_MSG_MOD(extack,
				   "CXL window outside a committed region: nothing decodes these addresses; plug the region, or use --force only if you know RAM backs it");
		break;
	case MEMPLUG_RES_CXL_REGION_IDLE:
		NL_SET_ERR_MSG_MOD(extack,
				   "CXL region is not committed: nothing decodes its addresses yet; commit it first");
		break;
	case MEMPLUG_RES_OTHER:
		NL_SET_ERR_MSG_MOD(extack,
				   "range lies in a region of /proc/iomem that is not device memory; use --force only if you know RAM backs it");
		break;
	default:
		NL_SET_ERR_MSG_MOD(extack,
				   "nothing in /proc/iomem describes this range as memory; use --force only if you know RAM backs it");
		break;
	}
}

/* Stops the walk at the first busy resource; the walk returns our 1. */
static int memplug_res_busy_cb(struct resource *res, void *arg)
{
	return 1;
}

/**
 * memplug_res_claim() - claim a range's physical addresses
 * @range: a reserved range
 * @force: plug even where nothing describes backed memory
 * @extack: for the refusal
 *
 * Return: 0 with @range->claim set, or a negative errno with the reason in
 * @extack: -EEXIST for System RAM, -EBUSY for another driver's claim or a
 * range that straddles a region's edge, -ENXIO for memory not described as
 * backed (unless @force).
 */
int memplug_res_claim(struct memplug_range *range, bool force,
		      struct netlink_ext_ack *extack)
{
	u64 start = range->start, size = range->size;
	enum memplug_res_kind kind;
	struct resource *claim;

	/* The claim would fail on these too; say clearly why. */
	if (region_intersects(start, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		NL_SET_ERR_MSG_MOD(extack, "range overlaps System RAM");
		return -EEXIST;
	}
	if (walk_iomem_res_desc(IORES_DESC_NONE,
				IORESOURCE_MEM | IORESOURCE_BUSY, start,
				start + size - 1, NULL,
				memplug_res_busy_cb) == 1) {
		NL_SET_ERR_MSG_MOD(extack,
				   "range overlaps a busy resource claimed by another driver");
		return -EBUSY;
	}

	claim = request_mem_region(start, size, range->claim_name);
	if (!claim) {
		NL_SET_ERR_MSG_MOD(extack,
				   "range straddles the edge of a region of /proc/iomem, or another driver claimed it meanwhile");
		return -EBUSY;
	}
	kind = memplug_res_kind(claim);
	if (kind != MEMPLUG_RES_DEVICE && !force) {
		memplug_res_refusal(kind, extack);
		release_mem_region(start, size);
		return -ENXIO;
	}

	/*
	 * Not busy, so that add_memory_driver_managed() can nest the memory's
	 * resource in it; flags of our own, not the parent's, which might
	 * carry more than the add expects (as dax/kmem does).
	 */
	claim->flags = IORESOURCE_MEM;
	range->claim = claim;
	return 0;
}

/**
 * memplug_res_unclaim() - give a range's physical addresses back
 * @range: a range none of whose blocks is added
 */
void memplug_res_unclaim(struct memplug_range *range)
{
	if (!range->claim)
		return;
	WARN_ON_ONCE(remove_resource(range->claim));
	kfree(range->claim);
	range->claim = NULL;
}
