/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_json: the controller's JSON output, searched without a parser.
 */
#ifndef MP_JSON_H
#define MP_JSON_H

#include <stdbool.h>
#include <stddef.h>

/* JSON output of the controller, whitespace outside strings removed. */
void mp_json_compact(const char *in, char *out, size_t len);
/* The first number after "key": in compacted JSON; false if absent. */
bool mp_json_int(const char *json, const char *key, long long *val);
/* Occurrences of @needle in compacted JSON. */
int mp_json_count(const char *json, const char *needle);
/* Occurrences of "key":value (the whole number) in compacted JSON. */
int mp_json_count_num(const char *json, const char *key,
		      unsigned long long value);

#endif /* MP_JSON_H */
