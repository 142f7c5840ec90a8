// SPDX-License-Identifier: GPL-2.0
/*
 * autoload_test: memplug.ko carries the alias of its generic netlink
 * family, net-pf-16-proto-16-family-memplug, so resolving the family by
 * name (what memplugctl does first) makes the kernel load the installed
 * module (request_module() in the genetlink core's CTRL_CMD_GETFAMILY).
 * The test installs MEMPLUG_KO into /lib/modules/$(uname -r)/extra, runs
 * depmod, removes the loaded module and runs memplugctl status: exit 0,
 * the module loaded. Without the module installed, status exits 3 and
 * says memplug is not loaded. Afterwards the installed copy is removed,
 * depmod runs again, and memplug is loaded as the other tests expect it
 * (from MEMPLUG_KO, with MEMPLUG_KO_PARAMS).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "memplug_test.h"
#include "ctl.h"

#define ALIAS "net-pf-16-proto-16-family-" MEMPLUG_FAMILY_NAME

FIXTURE(autoload) {
	struct mp_env e;
	const char *ctl;
	char moddir[128];   /* /lib/modules/KVER */
	char extra[160];    /* its extra/ */
	char installed[192]; /* extra/memplug.ko */
};

/* cp @from @to; 0 or -errno. */
static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in, out, rc = 0;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		rc = -errno;
		close(in);
		return rc;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, n) != n) {
			rc = -EIO;
			break;
		}
	}
	if (n < 0)
		rc = -errno;
	if (close(out) && !rc)
		rc = -errno;
	close(in);
	return rc;
}

/* depmod for the running kernel; 0 if it exited 0. */
static int depmod(void)
{
	char path[256];
	const char *argv[] = { NULL, NULL };
	struct mp_run *run = malloc(sizeof(*run));
	int rc;

	if (!run)
		return -ENOMEM;
	argv[0] = mp_which("depmod", path, sizeof(path));
	if (!argv[0]) {
		free(run);
		return -ENOENT;
	}
	rc = mp_run(run, 60, argv);
	if (!rc && run->status)
		rc = -EIO;
	free(run);
	return rc;
}

/* Whether @path holds @needle. */
static bool file_has(const char *path, const char *needle)
{
	char *buf = malloc(1 << 20);
	ssize_t n = -1;
	bool found;
	int fd;

	if (!buf)
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, (1 << 20) - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	found = strstr(buf, needle) != NULL;
	free(buf);
	return found;
}

FIXTURE_SETUP(autoload)
{
	struct utsname u;
	int rc = mp_env_setup(&self->e);

	ASSERT_EQ(0, rc) TH_LOG("setup: %s", mp_errstr());
	self->ctl = mp_ctl_path();
	ASSERT_EQ(0, uname(&u));
	snprintf(self->moddir, sizeof(self->moddir), "/lib/modules/%s",
		 u.release);
	snprintf(self->extra, sizeof(self->extra), "%s/extra", self->moddir);
	snprintf(self->installed, sizeof(self->installed), "%s/memplug.ko",
		 self->extra);
}

FIXTURE_TEARDOWN(autoload)
{
	mp_env_teardown(&self->e);
	if (!unlink(self->installed))
		depmod();
	rmdir(self->extra);
	/* memplug as the other tests expect it: from MEMPLUG_KO. */
	if (mp_module_loaded("memplug") &&
	    !mp_memplug_loaded_with(mp_ko_params()))
		mp_rmmod("memplug");
	if (!mp_module_loaded("memplug"))
		mp_insmod(mp_ko_path(), mp_ko_params());
}

/* Unload memplug; it must be gone. */
static void unload(struct __test_metadata *_metadata, struct mp_env *e)
{
	int rc;

	mp_close(&e->c);
	rc = mp_rmmod("memplug");
	ASSERT_EQ(0, rc) TH_LOG("rmmod memplug: %s", strerror(-rc));
	ASSERT_FALSE(mp_module_loaded("memplug"));
	ASSERT_NE(0, access("/sys/module/memplug", F_OK));
}

/* Installed and not loaded: status (as root and as nobody) loads it. */
TEST_F_TIMEOUT(autoload, status_loads_installed_module, MP_TIMEOUT)
{
	struct mp_run *run = malloc(sizeof(*run));
	char helper[256], version[64];
	char alias_file[192];
	int rc;

	NEED_CTL();
	ASSERT_NE(NULL, run);
	MP_OK(mp_read_str("/proc/sys/kernel/modprobe", helper,
			  sizeof(helper)));
	ASSERT_EQ(0, access(helper, X_OK))
	TH_LOG("the kernel's modprobe helper %s: %s", helper, strerror(errno));
	MP_OK(mp_read_str("/sys/module/memplug/version", version,
			  sizeof(version)));

	rc = mkdir(self->extra, 0755) ? -errno : 0;
	if (rc == -EEXIST)
		rc = 0;
	ASSERT_EQ(0, rc) TH_LOG("mkdir %s: %s", self->extra, strerror(-rc));
	rc = copy_file(mp_ko_path(), self->installed);
	ASSERT_EQ(0, rc) TH_LOG("cp %s %s: %s", mp_ko_path(), self->installed,
				strerror(-rc));
	rc = depmod();
	ASSERT_EQ(0, rc) TH_LOG("depmod: %s", strerror(-rc));
	snprintf(alias_file, sizeof(alias_file), "%s/modules.alias",
		 self->moddir);
	ASSERT_TRUE(file_has(alias_file, "alias " ALIAS " memplug"))
	TH_LOG("depmod wrote no alias %s into %s", ALIAS, alias_file);

	unload(_metadata, &self->e);
	CTL(run, "status");
	EXIT_IS(run, 0);
	ASSERT_TRUE(mp_module_loaded("memplug"));
	ASSERT_EQ(0, access("/sys/module/memplug", F_OK));
	ASSERT_NE(NULL, strstr(run->out, version)) TH_LOG("%s", run->out);

	/* The genetlink core asks for no privilege before it loads. */
	unload(_metadata, &self->e);
	CTL_NOBODY(run, "status");
	EXIT_IS(run, 0);
	ASSERT_TRUE(mp_module_loaded("memplug"));
	free(run);
}

/* Neither loaded nor installed: exit 3, "not loaded", nothing loaded. */
TEST_F(autoload, status_without_module)
{
	struct mp_run *run = malloc(sizeof(*run));
	char alias_file[192];

	NEED_CTL();
	ASSERT_NE(NULL, run);
	snprintf(alias_file, sizeof(alias_file), "%s/modules.alias",
		 self->moddir);
	ASSERT_NE(0, access(self->installed, F_OK));
	ASSERT_FALSE(file_has(alias_file, ALIAS))
	TH_LOG("%s names memplug's alias, but memplug is not installed",
	       alias_file);

	unload(_metadata, &self->e);
	CTL(run, "status");
	EXIT_IS(run, 3);
	STDERR_HAS(run, "memplug is not loaded");
	ASSERT_EQ(NULL, strchr(run->out, ':')) TH_LOG("stdout '%s'", run->out);
	ASSERT_FALSE(mp_module_loaded("memplug"));
	free(run);
}

TEST_HARNESS_MAIN
