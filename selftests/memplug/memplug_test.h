/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared glue between kselftest_harness.h and the memplug selftest library.
 *
 * Every test program defines its fixture with a struct mp_env member named
 * "e" and uses MP_FIXTURE_SETUP / MP_FIXTURE_TEARDOWN, so each test starts
 * with memplug loaded and no range plugged, whatever the test before it
 * left behind.
 */
#ifndef MEMPLUG_TEST_H
#define MEMPLUG_TEST_H

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "mp_memplug.h"
#include "mp_nl.h"
#include "mp_sys.h"

#define MP_MIB(x) ((uint64_t)(x) << 20)
#define MP_GIB(x) ((uint64_t)(x) << 30)
#define MP_KB(bytes) ((long long)((bytes) >> 10))

/* Under TCG onlining and offlining 1 GiB takes a while. */
#define MP_TIMEOUT 240

#define MP_FIXTURE_SETUP(fix)                                                 \
	FIXTURE_SETUP(fix)                                                    \
	{                                                                     \
		int __rc = mp_env_setup(&self->e);                            \
		ASSERT_EQ(0, __rc)                                            \
		TH_LOG("setup (remove leftovers, load memplug): %s",          \
		       mp_errstr());                                          \
	}

#define MP_FIXTURE_TEARDOWN(fix)                                              \
	FIXTURE_TEARDOWN(fix)                                                 \
	{                                                                     \
		mp_env_teardown(&self->e);                                    \
	}

/* Skip when the machine has no device-backed range to plug. */
#define MP_NEED_DEVICE()                                                      \
	do {                                                                  \
		if (self->e.no_device)                                        \
			SKIP(return, "%s", self->e.why);                      \
	} while (0)

/* A library call that must succeed. */
#define MP_OK(expr)                                                           \
	do {                                                                  \
		int __rc = (expr);                                            \
		ASSERT_EQ(0, __rc)                                            \
		TH_LOG("%s: %s [%s]", #expr, strerror(-__rc), mp_errstr());   \
	} while (0)

/* A netlink request that must succeed; says why not from the ACK. */
#define MP_NL_OK(expr, ack)                                                   \
	do {                                                                  \
		int __rc = (expr);                                            \
		ASSERT_EQ(0, __rc)                                            \
		TH_LOG("%s: %s, extack '%s'%s%s", #expr, strerror(-__rc),     \
		       (ack).msg, (ack).local ? ", local: " : "",             \
		       (ack).local ? mp_errstr() : "");                       \
	} while (0)

/* A refusal with exactly this errno and extended ACK text. */
#define MP_REFUSED(rc, ack, err, text)                                        \
	do {                                                                  \
		ASSERT_FALSE((ack).local) TH_LOG("local failure: %s",         \
						 mp_errstr());                \
		ASSERT_EQ(-(err), (rc))                                       \
		TH_LOG("wanted %s (%s), got %d (%s), extack '%s'", #err,      \
		       strerror(err), (rc), strerror(-(rc)), (ack).msg);      \
		ASSERT_TRUE((ack).has_msg)                                    \
		TH_LOG("no extack message with %s", #err);                    \
		ASSERT_STREQ((text), (ack).msg);                              \
	} while (0)

/*
 * Nothing a user can see changed since snapshot @before; with @counters
 * not even the plug and unplug counters.
 */
#define MP_SAME(ctx, before, counters)                                        \
	do {                                                                  \
		struct mp_snap __after;                                       \
		char __why[512];                                              \
		int __d;                                                      \
		MP_OK(mp_snap_take((ctx), &__after));                         \
		__d = mp_snap_diff((before), &__after, (counters), __why,     \
				   sizeof(__why));                            \
		mp_snap_free(&__after);                                       \
		ASSERT_EQ(0, __d) TH_LOG("changed: %s", __why);               \
	} while (0)

#define MP_UNCHANGED(ctx, before) MP_SAME(ctx, before, true)

/* The sysfs state of block @blk must be @want ("online", "offline"). */
#define MP_BLOCK_STATE(blk, want)                                             \
	do {                                                                  \
		char __st[32];                                                \
		MP_OK(mp_block_state((blk), __st, sizeof(__st)));             \
		ASSERT_STREQ((want), __st)                                    \
		TH_LOG("memory%u", (unsigned int)(blk));                      \
	} while (0)

/* The memory block @blk must not exist in sysfs. */
#define MP_BLOCK_GONE(blk)                                                    \
	do {                                                                  \
		ASSERT_FALSE(mp_block_exists(blk))                            \
		TH_LOG("memory%u still in sysfs", (unsigned int)(blk));       \
	} while (0)

/* @iomem must hold exactly this line, nested under the device range. */
#define MP_IOMEM_HAS(iomem, depth, start, size, name)                         \
	do {                                                                  \
		char __l[160];                                                \
		mp_iomem_line(__l, sizeof(__l), (depth), (start),             \
			      (start) + (size) - 1, (name));                  \
		ASSERT_TRUE(mp_iomem_has_line((iomem), __l))                  \
		TH_LOG("no '%s' in /proc/iomem:\n%s", __l, (iomem));          \
	} while (0)

#define MP_MEMPLUG_RES "System RAM (memplug)"

/*
 * Range @id plugged whole at @depth of @iomem: memplug's claim
 * "memplug range <id>", and in it the memory.
 */
#define MP_IOMEM_PLUGGED(iomem, depth, start, size, id)                       \
	do {                                                                  \
		char __claim[64];                                             \
		snprintf(__claim, sizeof(__claim), MP_CLAIM_PREFIX "%u",      \
			 (unsigned int)(id));                                 \
		MP_IOMEM_HAS(iomem, depth, start, size, __claim);             \
		MP_IOMEM_HAS(iomem, (depth) + 1, start, size, MP_MEMPLUG_RES);\
	} while (0)

#endif /* MEMPLUG_TEST_H */
