/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_spec: the generated protocol tables (mp_proto.gen.h) put to work.
 *
 * One decoder checks every attribute of a memplug message against its
 * attribute set as the spec describes it (payload type, length, the
 * limits the kernel holds itself to) and copies the ones a caller asks
 * for into a struct. What a decoder knows of the protocol comes from the
 * tables; a caller only says which attribute goes into which field.
 */
#ifndef MP_SPEC_H
#define MP_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/netlink.h>

#include "mp_proto.gen.h"

/* The spec's name of value @v of enum @e (range_state, ...); "?" if none. */
#define MP_ENUM_STR(e, v) (mp_proto_##e##_str(v) ?: "?")

/**
 * struct mp_field - where a decoder puts one attribute
 * @attr: the attribute's number in the set
 * @off: offset of the value: an integer of the payload's width, a bool for
 *	a flag, a char array for a string, an array of structs for a nest
 * @size: bytes at @off (of one element, for a repeated nest)
 * @has: offset of a bool set when the attribute is there, or -1
 * @count: for a repeated nest, offset of the int counting elements
 * @max_count: for a repeated nest, room at @off; more are dropped
 * @nest: for a nest, where its attributes go (inside the element)
 */
struct mp_field {
	uint16_t attr;
	size_t off;
	size_t size;
	long has;
	long count;
	int max_count;
	const struct mp_fields *nest;
};

/* The fields of one attribute set. */
struct mp_fields {
	enum mp_proto_set set;
	int n;
	const struct mp_field *f;
};

/*
 * Compile-time checks, each 0 or a negative array size: a field is as wide
 * as the spec's payload of @a (strings and nests aside); @a is a nest.
 */
#define MP_FIELD_CHECK(st, fld, a)					\
	(0 * sizeof(char[MP_PROTO_TYPE_##a == MP_PROTO_STRING ||	\
			 MP_PROTO_TYPE_##a == MP_PROTO_NEST ||		\
			 sizeof(((st *)0)->fld) ==			\
			 MP_PROTO_WIDTH(MP_PROTO_TYPE_##a) ? 1 : -1]))
#define MP_FIELD_CHECK_NEST(a)						\
	(0 * sizeof(char[MP_PROTO_TYPE_##a == MP_PROTO_NEST ? 1 : -1]))

/* Attribute @a goes into field @fld of struct @st. */
#define MP_FIELD(st, a, fld)						\
	{ .attr = (a), .off = offsetof(st, fld),			\
	  .size = sizeof(((st *)0)->fld) + MP_FIELD_CHECK(st, fld, a),	\
	  .has = -1, .count = -1 }

/* The same, and bool @hs says whether the kernel sent it. */
#define MP_FIELD_HAS(st, a, fld, hs)					\
	{ .attr = (a), .off = offsetof(st, fld),			\
	  .size = sizeof(((st *)0)->fld) + MP_FIELD_CHECK(st, fld, a),	\
	  .has = offsetof(st, hs), .count = -1 }

/*
 * A repeated nest into array @arr of struct @st, counted in int @cnt, each
 * element decoded with @fields.
 */
#define MP_FIELD_NESTS(st, a, arr, cnt, fields)				\
	{ .attr = (a), .off = offsetof(st, arr),			\
	  .size = sizeof(((st *)0)->arr[0]) + MP_FIELD_CHECK_NEST(a),	\
	  .has = -1, .count = offsetof(st, cnt),			\
	  .max_count = sizeof(((st *)0)->arr) /				\
		       sizeof(((st *)0)->arr[0]),			\
	  .nest = (fields) }

#define MP_FIELDS(s, fields)						\
	{ .set = (s), .n = sizeof(fields) / sizeof((fields)[0]),	\
	  .f = (fields) }

/*
 * Define int @name(const struct nlmsghdr *nlh, @type *out): clear *out and
 * decode message @nlh of set @s into it by the array of fields @field.
 */
#define MP_SPEC_DECODER(name, type, s, field)				\
	int name(const struct nlmsghdr *nlh, type *out)			\
	{								\
		static const struct mp_fields fields = MP_FIELDS(s, field); \
									\
		memset(out, 0, sizeof(*out));				\
		return mp_spec_decode_msg(&fields, nlh, out);		\
	}

/*
 * Check the attributes in @data against set @set: every one known to the
 * spec, of its payload's length, strings terminated and within their
 * limit, integers within theirs, nests recursively, and only a repeatable
 * attribute repeated. 0, or -EPROTO with mp_errstr() saying what is wrong.
 */
int mp_spec_check(enum mp_proto_set set, const void *data, size_t len);

/*
 * mp_spec_check() the attributes in @data, then fill in what @fields asks
 * for into @out, which the caller has cleared. 0 or -EPROTO.
 */
int mp_spec_decode(const struct mp_fields *fields, const void *data,
		   size_t len, void *out);

/*
 * The same for the attributes of generic netlink message @nlh, after
 * checking that it is one of the commands of set @fields->set.
 */
int mp_spec_decode_msg(const struct mp_fields *fields,
		       const struct nlmsghdr *nlh, void *out);

/* The attribute set of a memplug message, by its command; -1 if unknown. */
int mp_spec_msg_set(const struct nlmsghdr *nlh);

#endif /* MP_SPEC_H */
