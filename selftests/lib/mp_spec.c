// SPDX-License-Identifier: GPL-2.0
/*
 * mp_spec: memplug messages checked and decoded by the generated tables.
 */
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>

#include "mp_nl.h"
#include "mp_spec.h"

static int mp_spec_bad(const struct mp_proto_attr_set *s, int type,
		       const char *what, size_t len)
{
	const struct mp_proto_attr *p = &s->attrs[type];

	mp_seterr("attribute %d (%s.%s): %s: payload of %zu bytes", type,
		  s->name, p->name, what, len);
	return -EPROTO;
}

/* An unsigned integer payload of the right width, as a u64. */
static uint64_t mp_spec_uint(enum mp_proto_type type, const void *data)
{
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (type) {
	case MP_PROTO_U8:
		return *(const uint8_t *)data;
	case MP_PROTO_U16:
		memcpy(&v16, data, sizeof(v16));
		return v16;
	case MP_PROTO_U32:
		memcpy(&v32, data, sizeof(v32));
		return v32;
	default:
		memcpy(&v64, data, sizeof(v64));
		return v64;
	}
}

static int mp_spec_check_attr(const struct mp_proto_attr_set *s,
			      const struct nlattr *a)
{
	int type = a->nla_type & NLA_TYPE_MASK;
	uint16_t flags = a->nla_type & ~NLA_TYPE_MASK;
	size_t len = mp_attr_len(a);
	const char *data = mp_attr_data(a);
	const struct mp_proto_attr *p;

	if (type > s->max || s->attrs[type].type == MP_PROTO_UNUSED) {
		mp_seterr("attribute %d is not in set %s", type, s->name);
		return -EPROTO;
	}
	p = &s->attrs[type];
	if (flags != (p->type == MP_PROTO_NEST ? NLA_F_NESTED : 0))
		return mp_spec_bad(s, type, "wrong NLA_F_* flags", len);
	switch (p->type) {
	case MP_PROTO_PAD:
		return 0;
	case MP_PROTO_FLAG:
		if (len)
			return mp_spec_bad(s, type, "a flag with a payload",
					   len);
		return 0;
	case MP_PROTO_STRING:
		if (!len || strnlen(data, len) != len - 1)
			return mp_spec_bad(s, type,
					   "not one NUL-terminated string",
					   len);
		if (p->max_len && len - 1 > p->max_len)
			return mp_spec_bad(s, type,
					   "string longer than allowed", len);
		return 0;
	case MP_PROTO_NEST:
		return mp_spec_check(p->nested, data, len);
	case MP_PROTO_S32:
		return len != MP_PROTO_WIDTH(p->type) ?
			mp_spec_bad(s, type, "wrong length", len) : 0;
	default:
		if (len != MP_PROTO_WIDTH(p->type))
			return mp_spec_bad(s, type, "wrong length", len);
		if (p->max && mp_spec_uint(p->type, data) > p->max)
			return mp_spec_bad(s, type,
					   "value above the spec's maximum",
					   len);
		return 0;
	}
}

int mp_spec_check(enum mp_proto_set set, const void *data, size_t len)
{
	const struct mp_proto_attr_set *s = &mp_proto_sets[set];
	bool seen[MP_PROTO_ATTR_MAX + 1] = { false };
	const struct nlattr *a;
	size_t used = 0;
	int rc;

	mp_attr_for_each(a, data, len) {
		int type = a->nla_type & NLA_TYPE_MASK;

		used = (const char *)a - (const char *)data +
		       NLA_ALIGN(a->nla_len);
		rc = mp_spec_check_attr(s, a);
		if (rc)
			return rc;
		if (s->attrs[type].type != MP_PROTO_PAD &&
		    !s->attrs[type].multi && seen[type])
			return mp_spec_bad(s, type, "repeated", mp_attr_len(a));
		seen[type] = true;
	}
	if (used < len) {
		mp_seterr("set %s: %zu bytes after the last attribute",
			  s->name, len - used);
		return -EPROTO;
	}
	return 0;
}

/* Put attribute @a, checked, where @f says. */
static void mp_spec_put(const struct mp_proto_attr_set *s,
			const struct mp_field *f, const struct nlattr *a,
			char *out)
{
	enum mp_proto_type type = s->attrs[f->attr].type;
	char *slot = out + f->off;

	if (f->has >= 0)
		*(bool *)(out + f->has) = true;
	switch (type) {
	case MP_PROTO_FLAG:
		*(bool *)slot = true;
		break;
	case MP_PROTO_STRING:
		mp_attr_str(a, slot, f->size);
		break;
	case MP_PROTO_NEST:
		if (f->count >= 0) {
			int *n = (int *)(out + f->count);

			if (*n == f->max_count)
				break;
			slot += f->size * (*n)++;
		}
		memset(slot, 0, f->size);
		mp_spec_decode(f->nest, mp_attr_data(a), mp_attr_len(a), slot);
		break;
	default:
		memcpy(slot, mp_attr_data(a), f->size);
		break;
	}
}

int mp_spec_decode(const struct mp_fields *fields, const void *data,
		   size_t len, void *out)
{
	const struct mp_proto_attr_set *s = &mp_proto_sets[fields->set];
	const struct nlattr *a;
	int i, rc;

	rc = mp_spec_check(fields->set, data, len);
	if (rc)
		return rc;
	mp_attr_for_each(a, data, len)
		for (i = 0; i < fields->n; i++)
			if (fields->f[i].attr == (a->nla_type & NLA_TYPE_MASK))
				mp_spec_put(s, &fields->f[i], a, out);
	return 0;
}

int mp_spec_msg_set(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const struct mp_proto_op *op;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -1;
	op = mp_proto_op(g->cmd);
	return op ? (int)op->set : -1;
}

int mp_spec_decode_msg(const struct mp_fields *fields,
		       const struct nlmsghdr *nlh, void *out)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	if (mp_spec_msg_set(nlh) != (int)fields->set) {
		mp_seterr("a message of %u bytes, command %u, not of set %s",
			  nlh->nlmsg_len, nlh->nlmsg_len >= hdr ? g->cmd : 0,
			  mp_proto_sets[fields->set].name);
		return -EPROTO;
	}
	return mp_spec_decode(fields, (const char *)nlh + hdr,
			      nlh->nlmsg_len - hdr, out);
}
