/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_nl: raw generic netlink for the memplug selftests.
 *
 * Deliberately small and independent of libnl and of the controller, so a
 * test sees exactly what the kernel sends: every reply message, the errno of
 * the ACK and its extended ACK attributes (message, offset, missing
 * attribute).
 *
 * Functions return 0 or a negative errno. A failure of the local machinery
 * (socket, short read) also leaves a description in mp_errstr() (one per
 * thread).
 */
#ifndef MP_NL_H
#define MP_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#define MP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Largest request we build; replies are read with a larger buffer. */
#define MP_MSG_MAX 4096

/**
 * struct mp_ack - what the kernel said about a request
 * @error: 0, or the negative errno of the NLMSG_ERROR / NLMSG_DONE
 * @has_msg: NLMSGERR_ATTR_MSG present; @msg holds it
 * @has_offs: NLMSGERR_ATTR_OFFS present; @offs is the offset of the bad
 *	attribute from the start of the request's nlmsghdr
 * @has_miss_type: NLMSGERR_ATTR_MISS_TYPE present; @miss_type
 * @has_miss_nest: NLMSGERR_ATTR_MISS_NEST present; @miss_nest
 * @local: the request failed on this side (see mp_errstr())
 */
struct mp_ack {
	int error;
	bool has_msg;
	char msg[256];
	bool has_offs;
	uint32_t offs;
	bool has_miss_type;
	uint32_t miss_type;
	bool has_miss_nest;
	uint32_t miss_nest;
	bool local;
};

/*
 * @unaddressed: send with send(2) instead of sendto(2) to the kernel's
 * address. The difference matters for privilege checks: only a message
 * without an explicit destination (NETLINK_SKB_DST unset) is also checked
 * against the credentials of the process that opened the socket.
 */
struct mp_sock {
	int fd;
	uint32_t seq;
	bool unaddressed;
};

/* A request under construction; the header is at the start of @buf. */
struct mp_msg {
	union {
		struct nlmsghdr nlh;
		uint64_t align;
		char buf[MP_MSG_MAX];
	};
};

/* Called for every reply message that is not an ACK or NLMSG_DONE. */
typedef int (*mp_msg_cb)(const struct nlmsghdr *nlh, void *arg);

const char *mp_errstr(void);
void mp_seterr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int mp_sock_open(struct mp_sock *s);
void mp_sock_close(struct mp_sock *s);
/*
 * Give up waiting for an answer after @ms milliseconds (0: wait for ever,
 * the default): mp_transact() then fails locally with -EAGAIN.
 */
int mp_sock_timeout(struct mp_sock *s, int ms);

/*
 * Start a request: nlmsghdr (type, flags as given) and genlmsghdr (cmd,
 * version). Flags are not adjusted; pass NLM_F_REQUEST | NLM_F_ACK for a
 * doit and NLM_F_REQUEST | NLM_F_DUMP for a dump.
 */
void mp_msg_init(struct mp_msg *m, uint16_t type, uint16_t flags, uint8_t cmd,
		 uint8_t version);
/* Append an attribute; returns it, or NULL if the message is full. */
struct nlattr *mp_msg_put(struct mp_msg *m, uint16_t type, const void *data,
			  size_t len);
struct nlattr *mp_put_u8(struct mp_msg *m, uint16_t type, uint8_t v);
struct nlattr *mp_put_u16(struct mp_msg *m, uint16_t type, uint16_t v);
struct nlattr *mp_put_u32(struct mp_msg *m, uint16_t type, uint32_t v);
struct nlattr *mp_put_u64(struct mp_msg *m, uint16_t type, uint64_t v);
struct nlattr *mp_put_str(struct mp_msg *m, uint16_t type, const char *s);
struct nlattr *mp_put_flag(struct mp_msg *m, uint16_t type);
struct nlattr *mp_nest_start(struct mp_msg *m, uint16_t type);
void mp_nest_end(struct mp_msg *m, struct nlattr *nest);
/* Offset of @a from the start of the message (what NLMSGERR_ATTR_OFFS says). */
uint32_t mp_msg_offset(const struct mp_msg *m, const struct nlattr *a);

/*
 * Send @req and read until its ACK, error or NLMSG_DONE; every other reply
 * message with the request's sequence number goes to @cb (may be NULL).
 * Return: 0, the kernel's negative errno (also in @ack->error), or a
 * negative errno of the local side with @ack->local set.
 */
int mp_transact(struct mp_sock *s, struct mp_msg *req, mp_msg_cb cb, void *arg,
		struct mp_ack *ack);

/* Attribute access. tb[] gets the last attribute of each type <= max. */
void mp_attr_parse(const void *data, size_t len, const struct nlattr **tb,
		   int max);
/* The attributes after the genlmsghdr of a generic netlink message. */
void mp_genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
		   int max);
const void *mp_attr_data(const struct nlattr *a);
size_t mp_attr_len(const struct nlattr *a);
uint8_t mp_attr_u8(const struct nlattr *a);
uint32_t mp_attr_u32(const struct nlattr *a);
uint64_t mp_attr_u64(const struct nlattr *a);
/* Copies a string attribute into @buf, always NUL terminated. */
void mp_attr_str(const struct nlattr *a, char *buf, size_t len);

#define mp_attr_for_each(a, data, len)                                       \
	for (a = (const struct nlattr *)(data);                              \
	     (const char *)a + NLA_HDRLEN <= (const char *)(data) + (len) && \
	     a->nla_len >= NLA_HDRLEN &&                                     \
	     (const char *)a + a->nla_len <= (const char *)(data) + (len);   \
	     a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len)))

/**
 * struct mp_family - what nlctrl says about a generic netlink family
 * @id: family id (the nlmsg_type of its messages)
 * @version: CTRL_ATTR_VERSION
 * @maxattr: CTRL_ATTR_MAXATTR
 * @n_ops: commands in @ops, with their CTRL_ATTR_OP_FLAGS
 * @n_grps: multicast groups in @grps
 */
struct mp_family {
	uint16_t id;
	uint32_t version;
	uint32_t maxattr;
	int n_ops;
	struct {
		uint32_t cmd;
		uint32_t flags;
	} ops[32];
	int n_grps;
	struct {
		uint32_t id;
		char name[GENL_NAMSIZ];
	} grps[8];
};

/* Resolve @name through nlctrl; -ENOENT if no such family is registered. */
int mp_family_get(struct mp_sock *s, const char *name, struct mp_family *f,
		  struct mp_ack *ack);
/* The multicast group id of @name, or 0 if the family has none by that name. */
uint32_t mp_family_grp(const struct mp_family *f, const char *name);
/* The CTRL_ATTR_OP_FLAGS of @cmd, or -1 if the family lacks the command. */
int64_t mp_family_op_flags(const struct mp_family *f, uint32_t cmd);

#endif /* MP_NL_H */
