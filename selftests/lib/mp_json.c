// SPDX-License-Identifier: GPL-2.0
/* mp_json: the controller's JSON output (see mp_json.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_json.h"
#include "mp_iomem.h"

void mp_json_compact(const char *in, char *out, size_t len)
{
	bool str = false, esc = false;
	size_t o = 0;

	for (; *in && o + 1 < len; in++) {
		char ch = *in;

		if (str) {
			if (esc)
				esc = false;
			else if (ch == '\\')
				esc = true;
			else if (ch == '"')
				str = false;
		} else if (ch == '"') {
			str = true;
		} else if (ch == ' ' || ch == '\n' || ch == '\t' ||
			   ch == '\r') {
			continue;
		}
		out[o++] = ch;
	}
	out[o] = '\0';
}

bool mp_json_int(const char *json, const char *key, long long *val)
{
	char pat[128];
	const char *p;
	char *end;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p)
		return false;
	p += strlen(pat);
	*val = strtoll(p, &end, 0);
	return end != p;
}

int mp_json_count(const char *json, const char *needle)
{
	return mp_iomem_count(json, needle);
}

int mp_json_count_num(const char *json, const char *key,
		      unsigned long long value)
{
	char pat[160];
	const char *p = json;
	size_t len;
	int n = 0;

	snprintf(pat, sizeof(pat), "\"%s\":%llu", key, value);
	len = strlen(pat);
	while ((p = strstr(p, pat))) {
		p += len;
		if (*p < '0' || *p > '9')
			n++;
	}
	return n;
}
