// SPDX-License-Identifier: GPL-2.0
#include "memplug/error.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>

namespace memplug {

Error::Error(ErrorKind kind, std::string context, int errnum, std::string detail)
    : kind_(kind)
    , context_(std::move(context))
    , errnum_(errnum < 0 ? -errnum : errnum)
    , detail_(std::move(detail))
{
	update();
}

Error Error::kernel(std::string context, int errnum, std::string extack)
{
	return Error(ErrorKind::Kernel, std::move(context), errnum, std::move(extack));
}

Error Error::system(std::string context, int errnum, std::string detail)
{
	return Error(ErrorKind::System, std::move(context), errnum, std::move(detail));
}

Error Error::usage(std::string what)
{
	return Error(ErrorKind::Usage, std::move(what));
}

Error Error::failed(std::string context, std::string detail, int errnum)
{
	return Error(ErrorKind::Failed, std::move(context), errnum, std::move(detail));
}

Error Error::cancelled(std::string context, int signal)
{
	Error error(ErrorKind::Cancelled, std::move(context), 0,
		    "cancelled by " + signal_name(signal));
	error.signal_ = signal;
	return error;
}

Error &Error::add_context(std::string_view outer)
{
	if (context_.empty())
		context_ = outer;
	else
		context_ = std::string(outer) + ": " + context_;
	update();
	return *this;
}

Error &Error::add_note(std::string note)
{
	notes_.push_back(std::move(note));
	update();
	return *this;
}

Error &Error::set_kind(ErrorKind kind)
{
	kind_ = kind;
	return *this;
}

std::string Error::message() const
{
	return message_;
}

const char *Error::what() const noexcept
{
	return message_.c_str();
}

void Error::update()
{
	std::string text = detail_;
	if (text.empty() && errnum_ != 0)
		text = std::strerror(errnum_);

	message_ = context_;
	if (!text.empty()) {
		if (!message_.empty())
			message_ += ": ";
		message_ += text;
	}
	if (errnum_ != 0)
		message_ += " (" + errno_name(errnum_) + ")";
	for (const auto &note : notes_)
		message_ += "; " + note;
}

std::string errno_name(int errnum)
{
	if (errnum < 0)
		errnum = -errnum;
	// strerrorname_np() appeared in glibc 2.32; Debian bookworm has 2.36.
	const char *name = strerrorname_np(errnum);
	if (name != nullptr)
		return name;
	return "E" + std::to_string(errnum);
}

std::string signal_name(int signal)
{
	// sigabbrev_np() appeared in glibc 2.32, as strerrorname_np().
	const char *name = sigabbrev_np(signal);
	if (name != nullptr)
		return std::string("SIG") + name;
	return "signal " + std::to_string(signal);
}

} // namespace memplug
