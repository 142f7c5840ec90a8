// SPDX-License-Identifier: GPL-2.0
#include <cerrno>
#include <csignal>

#include <gtest/gtest.h>

#include "exit_code.hpp"
#include "memplug/error.hpp"

using namespace memplug;
using memplug::cli::exit_code;
using memplug::cli::ExitCode;

TEST(ErrorExitCode, KernelErrnos)
{
	EXPECT_EQ(exit_code(Error::kernel("x", EPERM, "")), ExitCode::Permission);
	EXPECT_EQ(exit_code(Error::kernel("x", EACCES, "")), ExitCode::Permission);
	EXPECT_EQ(exit_code(Error::kernel("x", EBUSY, "")), ExitCode::Busy);
	EXPECT_EQ(exit_code(Error::kernel("x", EAGAIN, "")), ExitCode::Busy);
	EXPECT_EQ(exit_code(Error::kernel("x", EINTR, "")), ExitCode::Busy);
	EXPECT_EQ(exit_code(Error::kernel("x", ECANCELED, "")), ExitCode::Busy);
	EXPECT_EQ(exit_code(Error::kernel("x", EINVAL, "")), ExitCode::Failed);
	EXPECT_EQ(exit_code(Error::kernel("x", EEXIST, "")), ExitCode::Failed);
	EXPECT_EQ(exit_code(Error::kernel("x", E2BIG, "")), ExitCode::Failed);
	EXPECT_EQ(exit_code(Error::kernel("x", ENOENT, "")), ExitCode::Failed);
	// Negative errnos as the kernel sends them mean the same.
	EXPECT_EQ(exit_code(Error::kernel("x", -EBUSY, "")), ExitCode::Busy);
	EXPECT_EQ(exit_code(Error::system("x", EACCES)), ExitCode::Permission);
}

TEST(ErrorExitCode, Kinds)
{
	EXPECT_EQ(exit_code(Error::usage("bad")), ExitCode::Usage);
	EXPECT_EQ(exit_code(Error(ErrorKind::NoFamily, "family memplug not found")),
		  ExitCode::NoModule);
	EXPECT_EQ(exit_code(Error(ErrorKind::Timeout, "unplugging", EINTR)), ExitCode::Busy);
	// A rolled back plug is a plain failure whatever the errno.
	EXPECT_EQ(exit_code(Error::failed("plugging", "", EBUSY)), ExitCode::Failed);
	EXPECT_EQ(exit_code(Error::failed("plugging", "", EPERM)), ExitCode::Failed);
	Error e = Error::kernel("adding", EPERM, "");
	e.set_kind(ErrorKind::Failed);
	EXPECT_EQ(exit_code(e), ExitCode::Failed);
	EXPECT_EQ(static_cast<int>(ExitCode::Ok), 0);
	EXPECT_EQ(static_cast<int>(ExitCode::Failed), 1);
	EXPECT_EQ(static_cast<int>(ExitCode::Usage), 2);
	EXPECT_EQ(static_cast<int>(ExitCode::NoModule), 3);
	EXPECT_EQ(static_cast<int>(ExitCode::Permission), 4);
	EXPECT_EQ(static_cast<int>(ExitCode::Busy), 5);
}

TEST(ErrorMessage, KernelTextAndErrnoName)
{
	const Error e = Error::kernel("adding the range", EINVAL,
				      "start is not aligned to the memory block size");
	EXPECT_EQ(e.message(),
		  "adding the range: start is not aligned to the memory block size (EINVAL)");
	EXPECT_STREQ(e.what(), e.message().c_str());
	EXPECT_EQ(e.errnum(), EINVAL);
	EXPECT_EQ(e.detail(), "start is not aligned to the memory block size");
}

TEST(ErrorMessage, FallsBackToStrerror)
{
	const Error e = Error::kernel("removing range 3", EBUSY, "");
	EXPECT_EQ(e.message(), "removing range 3: Device or resource busy (EBUSY)");
}

TEST(ErrorMessage, ContextAndNotes)
{
	Error e = Error::kernel("adding the range", EEXIST, "overlaps System RAM");
	e.add_context("plugging 0x40000000+512M");
	e.add_note("rolled back, nothing left plugged");
	EXPECT_EQ(e.message(), "plugging 0x40000000+512M: adding the range: overlaps System RAM "
			       "(EEXIST); rolled back, nothing left plugged");
	EXPECT_EQ(e.context(), "plugging 0x40000000+512M: adding the range");
	ASSERT_EQ(e.notes().size(), 1u);
}

TEST(ErrorMessage, NoErrno)
{
	EXPECT_EQ(Error(ErrorKind::NoFamily, "family memplug not found (is memplug.ko loaded?)")
			  .message(),
		  "family memplug not found (is memplug.ko loaded?)");
	EXPECT_EQ(Error::failed("verifying memory block 9", "online in zone Normal").message(),
		  "verifying memory block 9: online in zone Normal");
	Error bare(ErrorKind::Failed, "");
	bare.add_context("outer");
	EXPECT_EQ(bare.message(), "outer");
}

// A cancel by a signal exits as a shell reports a process the signal
// ended, and says which signal it was.
TEST(ErrorExitCode, Cancelled)
{
	Error e = Error::cancelled("unplugging range 3", SIGINT);
	EXPECT_EQ(e.kind(), ErrorKind::Cancelled);
	EXPECT_EQ(e.signal(), SIGINT);
	EXPECT_EQ(e.errnum(), 0);
	e.add_note("range 3 remains plugged and online");
	EXPECT_EQ(e.message(),
		  "unplugging range 3: cancelled by SIGINT; range 3 remains plugged and online");
	EXPECT_EQ(exit_code(e), ExitCode::Interrupted);
	EXPECT_EQ(static_cast<int>(ExitCode::Interrupted), 128 + SIGINT);

	Error t = Error::cancelled({}, SIGTERM);
	t.add_context("plugging 0x40000000+512M");
	EXPECT_EQ(t.message(), "plugging 0x40000000+512M: cancelled by SIGTERM");
	EXPECT_EQ(exit_code(t), ExitCode::Terminated);
	EXPECT_EQ(static_cast<int>(ExitCode::Terminated), 128 + SIGTERM);
	EXPECT_EQ(Error::kernel("x", EBUSY, "").signal(), 0);
}

TEST(SignalName, Names)
{
	EXPECT_EQ(signal_name(SIGINT), "SIGINT");
	EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
	EXPECT_EQ(signal_name(1000), "signal 1000");
}

TEST(ErrnoName, Names)
{
	EXPECT_EQ(errno_name(EINVAL), "EINVAL");
	EXPECT_EQ(errno_name(EBUSY), "EBUSY");
	EXPECT_EQ(errno_name(-EPERM), "EPERM");
	EXPECT_EQ(errno_name(EINTR), "EINTR");
	EXPECT_EQ(errno_name(E2BIG), "E2BIG");
	EXPECT_EQ(errno_name(4000), "E4000");
}

TEST(ResultTest, ValueAndError)
{
	Result<int> ok = 5;
	ASSERT_TRUE(ok.ok());
	EXPECT_EQ(*ok, 5);

	Result<int> bad = Error::kernel("x", EBUSY, "busy");
	ASSERT_FALSE(bad);
	EXPECT_EQ(bad.error().errnum(), EBUSY);
	EXPECT_THROW(bad.value(), Error);
	try {
		(void)bad.value();
	} catch (const Error &e) {
		EXPECT_EQ(e.message(), "x: busy (EBUSY)");
	}

	Result<void> fine;
	EXPECT_TRUE(fine.ok());
	EXPECT_NO_THROW(fine.value());
	Result<void> failed = Error::usage("nope");
	EXPECT_FALSE(failed.ok());
	EXPECT_THROW(failed.value(), Error);
}
