/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_event: memplug's events for the selftests, as a listener on the
 * "monitor" multicast group and the EVENT_GET ring dump deliver them.
 *
 * Functions return 0 or a negative errno and describe local failures in
 * mp_errstr().
 */
#ifndef MP_EVENT_H
#define MP_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mp_memplug.h"

/* One event; every has_* flag says whether the kernel sent the attribute. */
struct mp_event {
	uint8_t cmd; /* MEMPLUG_CMD_EVENT_NTF or MEMPLUG_CMD_EVENT_GET */
	bool has_seq;
	uint64_t seq;
	uint64_t time_ns;
	uint64_t realtime_ns;
	uint32_t action;
	uint64_t start_pfn;
	uint64_t nr_pages;
	uint64_t start;
	uint64_t size;
	uint32_t block;
	bool has_node;
	int32_t node;
	bool has_zone;
	char zone[32];
	int32_t status_change_nid;
	int32_t status_change_nid_normal;
	bool has_range_id;
	uint32_t range_id;
	bool has_veto_errno;
	int32_t veto_errno;
	bool has_veto_reason;
	char veto_reason[256];
	bool has_error;
	int32_t error;
	char reason[256];
	bool has_blocks_done;
	uint32_t blocks_done;
	uint32_t blocks_total;
};

/* Decode an event, checked against the spec; 0 or -EPROTO. */
int mp_event_decode(const struct nlmsghdr *nlh, struct mp_event *ev);
/* One line describing @ev, for test logs. */
void mp_event_format(const struct mp_event *ev, char *buf, size_t len);
/*
 * Whether two events carry the same content (everything but the command
 * they came with); if not, @why names the first field that differs.
 */
bool mp_event_same(const struct mp_event *a, const struct mp_event *b,
		   char *why, size_t len);

/*
 * The index of the first event at or after index @from with @action and,
 * unless @block is negative, on memory block @block; -1 if there is none.
 */
int mp_event_find(const struct mp_event *ev, int n, int from, uint32_t action,
		  long long block);

/*
 * EVENT_GET dump from @seq (0: leave the attribute out): up to @max events
 * into @out, *@n set to the number the kernel sent (may exceed @max, then
 * -E2BIG).
 */
int mp_event_dump(struct mp_ctx *c, uint64_t seq, struct mp_event *out,
		  int max, int *n, struct mp_ack *ack);

/**
 * struct mp_monitor - a socket joined to the "monitor" group
 * @fd: the socket
 * @grp: the group id
 * @buf: the datagram being taken apart
 * @len: bytes in @buf
 * @off: where the next message in @buf starts
 */
struct mp_monitor {
	int fd;
	uint32_t grp;
	char buf[16384];
	size_t len;
	size_t off;
};

/*
 * Open a netlink socket, bind it (a multicast never reaches port 0) and
 * join the monitor group of @fam. @rcvbuf > 0
 * sets SO_RCVBUF (the kernel doubles it and enforces its minimum); with
 * @no_enobufs NETLINK_NO_ENOBUFS is set. The join is done by the calling
 * process: it needs CAP_NET_ADMIN.
 */
int mp_monitor_open(struct mp_monitor *m, const struct mp_family *fam,
		    int rcvbuf, bool no_enobufs);
void mp_monitor_close(struct mp_monitor *m);
/*
 * The next event, waiting up to @timeout_ms (0: do not wait). Returns 0,
 * -EAGAIN when none came in time, -ENOBUFS when the kernel dropped
 * messages for this socket (reported once; reading goes on after it),
 * -EPROTO for an event the spec does not allow (see mp_errstr()), or
 * another negative errno.
 */
int mp_monitor_recv(struct mp_monitor *m, struct mp_event *ev, int timeout_ms);
/*
 * Read events into @out until none comes for @quiet_ms; *@n counts them
 * (more than @max are read and dropped). *@enobufs (may be NULL) counts
 * the ENOBUFS reports. Returns 0 or the first other error.
 */
int mp_monitor_drain(struct mp_monitor *m, struct mp_event *out, int max,
		     int *n, int *enobufs, int quiet_ms);

/**
 * struct mp_seqwatch - a listener's account of the event sequence
 * @next: the sequence number expected next; 0 until the first event
 * @received: events that arrived on the monitor socket
 * @gaps: jumps in seq (events that never arrived)
 * @recovered: missing events read back from the ring with EVENT_GET
 * @lost: missing events the ring no longer held
 * @enobufs: ENOBUFS reports (noted with mp_seqwatch_enobufs())
 * @last: the last event accounted for, received or recovered
 *
 * Sequence numbers are module-wide and consecutive; a listener that sees
 * a jump reads what it missed back from the ring. mp_seqwatch_feed() does
 * that and checks every event it reads back has the seq it stands for.
 */
struct mp_seqwatch {
	uint64_t next;
	uint64_t received;
	uint64_t gaps;
	uint64_t recovered;
	uint64_t lost;
	uint64_t enobufs;
	struct mp_event last;
};

/*
 * Account @ev, which arrived on the monitor socket. On a jump in seq, read
 * the missing events back with EVENT_GET over @c (a socket other than the
 * monitor one). Returns 0, or -EPROTO when seq went backwards or repeated,
 * or what the dump failed with; mp_errstr() says which.
 */
int mp_seqwatch_feed(struct mp_seqwatch *w, struct mp_ctx *c,
		     const struct mp_event *ev);
/* The monitor socket reported ENOBUFS: some events were dropped. */
void mp_seqwatch_enobufs(struct mp_seqwatch *w);
/*
 * Read back from the ring whatever the listener missed before @end, the
 * sequence number STATUS_GET gives as the next one (events dropped at the
 * end of a run show no jump). 0 or a negative errno.
 */
int mp_seqwatch_catch_up(struct mp_seqwatch *w, struct mp_ctx *c,
			 uint64_t end);

#endif /* MP_EVENT_H */
