// SPDX-License-Identifier: GPL-2.0
/* mp_file: small files read and written whole (see mp_file.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mp_file.h"
#include "mp_nl.h"

char *mp_read_file(const char *path)
{
	size_t cap = 4096, len = 0;
	char *buf, *nbuf;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		mp_seterr("open %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(cap);
	if (!buf)
		goto out_close;
	for (;;) {
		if (len + 1 >= cap) {
			cap *= 2;
			nbuf = realloc(buf, cap);
			if (!nbuf)
				goto out_free;
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			mp_seterr("read %s: %s", path, strerror(errno));
			goto out_free;
		}
		if (!n)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	return buf;

out_free:
	free(buf);
out_close:
	close(fd);
	return NULL;
}

int mp_read_str(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		mp_seterr("open %s: %s", path, strerror(errno));
		return rc;
	}
	n = read(fd, buf, len - 1);
	rc = n < 0 ? -errno : 0;
	if (n < 0)
		mp_seterr("read %s: %s", path, strerror(errno));
	close(fd);
	if (rc)
		return rc;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int mp_write_str(const char *path, const char *s)
{
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		mp_seterr("open %s: %s", path, strerror(errno));
		return rc;
	}
	n = write(fd, s, strlen(s));
	if (n < 0) {
		rc = -errno;
		mp_seterr("write '%s' to %s: %s", s, path, strerror(errno));
	} else if ((size_t)n != strlen(s)) {
		rc = -EIO;
		mp_seterr("short write to %s", path);
	}
	close(fd);
	return rc;
}

bool mp_path_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}
