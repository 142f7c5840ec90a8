// SPDX-License-Identifier: GPL-2.0
/*
 * memplug: test-only knobs.
 *
 * They exist only when the module was loaded with test_knobs=1; otherwise
 * nothing is created and every check answers "no" at once. Under
 * /sys/kernel/debug/memplug/:
 *
 *   verify_fail_pfns  page frames that verify-on-online treats as failing
 *                     (write a list of numbers, decimal or 0x hex; an empty
 *                     write clears it)
 *   fail              "SITE COUNT": the next COUNT allocations at SITE fail;
 *                     SITE "any" matches every site. Sites: range, acct,
 *                     table, excl, reply (netlink replies), event
 *                     (multicast notifications), group (memory group
 *                     registration), add (the core's add, as if it had
 *                     run out of memory) and add_block (the add of any
 *                     block but the first, where a range is added block by
 *                     block)
 *   bench_verify      write a range id whose blocks are all offline: times a
 *                     memset and a verify-on-online pass over the same memory;
 *                     read "bytes= memset_ns= verify_ns= bad=" of the last run
 */
#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "internal.h"

#define MEMPLUG_KNOB_MAX_PFNS 64
#define MEMPLUG_KNOB_SITE_LEN 32

static bool memplug_knobs_enabled __read_mostly;
static struct dentry *memplug_knob_dir;

/* Protects the knob values below. */
static DEFINE_SPINLOCK(memplug_knob_lock);
static unsigned long memplug_knob_pfns[MEMPLUG_KNOB_MAX_PFNS];
static unsigned int memplug_knob_nr_pfns;
static char memplug_knob_site[MEMPLUG_KNOB_SITE_LEN];
static unsigned int memplug_knob_count;

bool memplug_knob_verify_fails(unsigned long pfn)
{
	bool hit = false;
	unsigned int i;

	if (!memplug_knobs_enabled)
		return false;
	spin_lock(&memplug_knob_lock);
	for (i = 0; i < memplug_knob_nr_pfns && !hit; i++)
		hit = memplug_knob_pfns[i] == pfn;
	spin_unlock(&memplug_knob_lock);
	return hit;
}

/**
 * memplug_knob_fail() - should the allocation at @site fail?
 * @site: a short name for the call site
 *
 * Return: true if the fail knob targets @site and has failures left.
 */
bool memplug_knob_fail(const char *site)
{
	bool hit = false;

	if (!memplug_knobs_enabled)
		return false;
	spin_lock(&memplug_knob_lock);
	if (memplug_knob_count &&
	    (!strcmp(memplug_knob_site, "any") ||
	     !strcmp(memplug_knob_site, site))) {
		memplug_knob_count--;
		hit = true;
	}
	spin_unlock(&memplug_knob_lock);
	return hit;
}

static char *memplug_knob_copy(const char __user *ubuf, size_t len)
{
	if (len > PAGE_SIZE - 1)
		return ERR_PTR(-E2BIG);
	return memdup_user_nul(ubuf, len);
}

static ssize_t memplug_knob_pfns_write(struct file *file,
				       const char __user *ubuf, size_t len,
				       loff_t *ppos)
{
	unsigned long pfns[MEMPLUG_KNOB_MAX_PFNS];
	unsigned int n = 0;
	char *buf, *cur, *tok;
	int rc = 0;

	buf = memplug_knob_copy(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	cur = buf;
	while ((tok = strsep(&cur, " ,\n\t"))) {
		if (!*tok)
			continue;
		if (n == MEMPLUG_KNOB_MAX_PFNS) {
			rc = -E2BIG;
			break;
		}
		rc = kstrtoul(tok, 0, &pfns[n++]);
		if (rc)
			break;
	}
	kfree(buf);
	if (rc)
		return rc;

	spin_lock(&memplug_knob_lock);
	memcpy(memplug_knob_pfns, pfns, n * sizeof(pfns[0]));
	memplug_knob_nr_pfns = n;
	spin_unlock(&memplug_knob_lock);
	return len;
}

static ssize_t memplug_knob_pfns_read(struct file *file, char __user *ubuf,
				      size_t len, loff_t *ppos)
{
	char *buf;
	unsigned int i;
	int n = 0;
	ssize_t rc;

	buf = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	spin_lock(&memplug_knob_lock);
	for (i = 0; i < memplug_knob_nr_pfns; i++)
		n += scnprintf(buf + n, PAGE_SIZE - n, "%#lx\n",
			       memplug_knob_pfns[i]);
	spin_unlock(&memplug_knob_lock);
	rc = simple_read_from_buffer(ubuf, len, ppos, buf, n);
	kfree(buf);
	return rc;
}

static const struct file_operations memplug_knob_pfns_fops = {
	.owner = THIS_MODULE,
	.read = memplug_knob_pfns_read,
	.write = memplug_knob_pfns_write,
	.llseek = default_llseek,
};

static ssize_t memplug_knob_fail_write(struct file *file,
				       const char __user *ubuf, size_t len,
				       loff_t *ppos)
{
	char *buf, *cur, *site, *count;
	unsigned int n;
	int rc;

	buf = memplug_knob_copy(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	cur = strim(buf);
	site = strsep(&cur, " ");
	count = cur ? strim(cur) : NULL;
	rc = -EINVAL;
	if (!site || !*site || strlen(site) >= MEMPLUG_KNOB_SITE_LEN ||
	    !count || kstrtouint(count, 0, &n))
		goto out_free;

	spin_lock(&memplug_knob_lock);
	strscpy(memplug_knob_site, site, sizeof(memplug_knob_site));
	memplug_knob_count = n;
	spin_unlock(&memplug_knob_lock);
	rc = len;
out_free:
	kfree(buf);
	return rc;
}

static ssize_t memplug_knob_fail_read(struct file *file, char __user *ubuf,
				      size_t len, loff_t *ppos)
{
	char buf[MEMPLUG_KNOB_SITE_LEN + 16];
	int n;

	spin_lock(&memplug_knob_lock);
	n = scnprintf(buf, sizeof(buf), "%s %u\n",
		      memplug_knob_site[0] ? memplug_knob_site : "none",
		      memplug_knob_count);
	spin_unlock(&memplug_knob_lock);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations memplug_knob_fail_fops = {
	.owner = THIS_MODULE,
	.read = memplug_knob_fail_read,
	.write = memplug_knob_fail_write,
	.llseek = default_llseek,
};

/* Results of the last bench_verify run; under memplug_knob_lock. */
static u64 memplug_bench_bytes, memplug_bench_memset_ns, memplug_bench_verify_ns;
static unsigned long memplug_bench_bad;

/* Whether a block of @range is between MEM_GOING_ONLINE and its end. */
static bool memplug_bench_onlining(const struct memplug_range *range)
{
	unsigned int i;

	for (i = 0; i < range->nr_blocks; i++)
		if (READ_ONCE(range->acct[i].going_online))
			return true;
	return false;
}

/* Verify pages that are added and offline; returns how many failed. */
static unsigned long memplug_bench_verify(unsigned long pfn,
					  unsigned long nr_pages)
{
	unsigned long bad = 0;

	for (; nr_pages--; pfn++) {
		if (!memplug_verify_page(pfn))
			bad++;
		cond_resched();
	}
	return bad;
}

/*
 * MEM_GOING_ONLINE of block @block of @range: veto it while the benchmark
 * writes to the range, and otherwise mark the block so that the benchmark
 * leaves it alone.
 */
bool memplug_knob_going_online(struct memplug_range *range, unsigned int block,
			       const char **reason)
{
	WRITE_ONCE(range->acct[block].going_online, true);
	/* Pairs with the barrier in memplug_knob_bench_write(). */
	smp_mb();
	if (!READ_ONCE(range->benching))
		return false;
	*reason = "range is busy with a test benchmark";
	return true;
}

/* MEM_ONLINE or MEM_CANCEL_ONLINE of block @block of @range. */
void memplug_knob_online_end(struct memplug_range *range, unsigned int block)
{
	WRITE_ONCE(range->acct[block].going_online, false);
}

/*
 * Run with memplug_lock held, so the range cannot be unplugged, and with
 * range->benching set, so the notifier vetoes onlining it meanwhile.
 */
static void memplug_bench_run(struct memplug_range *range)
{
	unsigned long bs = memplug_block_bytes();
	u64 t0, t1, t2;
	unsigned long bad;
	unsigned int i;

	t0 = ktime_get_ns();
	for (i = 0; i < range->nr_blocks; i++) {
		memset(page_address(pfn_to_page(PHYS_PFN(memplug_range_block(range, i)))),
		       0, bs);
		cond_resched();
	}
	t1 = ktime_get_ns();
	bad = memplug_bench_verify(PHYS_PFN(range->start), PHYS_PFN(range->size));
	t2 = ktime_get_ns();

	spin_lock(&memplug_knob_lock);
	memplug_bench_bytes = range->size;
	memplug_bench_memset_ns = t1 - t0;
	memplug_bench_verify_ns = t2 - t1;
	memplug_bench_bad = bad;
	spin_unlock(&memplug_knob_lock);
}

static ssize_t memplug_knob_bench_write(struct file *file,
					const char __user *ubuf, size_t len,
					loff_t *ppos)
{
	struct memplug_range *range;
	unsigned int id;
	int rc;

	rc = kstrtouint_from_user(ubuf, len, 0, &id);
	if (rc)
		return rc;

	mutex_lock(&memplug_lock);
	range = memplug_range_find(id);
	if (!range) {
		rc = -ENOENT;
		goto out_unlock;
	}
	if (range->state != MEMPLUG_RS_PLUGGED || range->memmap_on_memory) {
		rc = -EINVAL;
		goto out_unlock;
	}
	WRITE_ONCE(range->benching, true);
	/*
	 * Pairs with the barrier in memplug_knob_going_online(): either the
	 * notifier sees the flag and vetoes, or we see the block on its way
	 * online (its pages may already be in the allocator) and refuse.
	 */
	smp_mb();
	if (memplug_range_blocks_online(range) || memplug_bench_onlining(range)) {
		rc = -EBUSY;
	} else {
		memplug_bench_run(range);
		rc = len;
	}
	WRITE_ONCE(range->benching, false);
out_unlock:
	mutex_unlock(&memplug_lock);
	return rc;
}

static ssize_t memplug_knob_bench_read(struct file *file, char __user *ubuf,
				       size_t len, loff_t *ppos)
{
	char buf[128];
	int n;

	spin_lock(&memplug_knob_lock);
	n = scnprintf(buf, sizeof(buf),
		      "bytes=%llu memset_ns=%llu verify_ns=%llu bad=%lu\n",
		      memplug_bench_bytes, memplug_bench_memset_ns,
		      memplug_bench_verify_ns, memplug_bench_bad);
	spin_unlock(&memplug_knob_lock);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations memplug_knob_bench_fops = {
	.owner = THIS_MODULE,
	.read = memplug_knob_bench_read,
	.write = memplug_knob_bench_write,
	.llseek = default_llseek,
};

int memplug_knob_init(bool enable)
{
	if (!enable)
		return 0;
	memplug_knob_dir = debugfs_create_dir("memplug", NULL);
	debugfs_create_file("verify_fail_pfns", 0600, memplug_knob_dir, NULL,
			    &memplug_knob_pfns_fops);
	debugfs_create_file("fail", 0600, memplug_knob_dir, NULL,
			    &memplug_knob_fail_fops);
	debugfs_create_file("bench_verify", 0600, memplug_knob_dir, NULL,
			    &memplug_knob_bench_fops);
	memplug_knobs_enabled = true;
	pr_notice("test knobs enabled; not for production use\n");
	return 0;
}

void memplug_knob_exit(void)
{
	memplug_knobs_enabled = false;
	debugfs_remove_recursive(memplug_knob_dir);
	memplug_knob_dir = NULL;
}
