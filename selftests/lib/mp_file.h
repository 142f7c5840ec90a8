/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mp_file: small files of sysfs, procfs and debugfs, read and written
 * whole. *
 * Functions return 0 or a negative errno and describe failures in
 * mp_errstr() unless said otherwise.
 */
#ifndef MP_FILE_H
#define MP_FILE_H

#include <stdbool.h>
#include <stddef.h>

/* mp_read_file returns a malloc'd NUL-terminated copy or NULL. */
char *mp_read_file(const char *path);
int mp_read_str(const char *path, char *buf, size_t len);
int mp_write_str(const char *path, const char *s);
bool mp_path_exists(const char *path);

#endif /* MP_FILE_H */
