// SPDX-License-Identifier: GPL-2.0
//
// Errors of memplug's operations: what failed, the errno behind it and the
// kernel's own words (the extended ACK text). The command line maps them to
// its exit codes (cli/exit_code.hpp).
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace memplug {

enum class ErrorKind {
	Kernel,   // the kernel refused a request; errno and extack from its ACK
	System,   // a local system call or library call failed
	Usage,    // the command line is malformed
	NoFamily, // the memplug family is not registered
	Timeout,  // the operation was interrupted by our own timeout
	Failed,   // a step of an operation failed; it was rolled back
	// A signal (SIGINT, SIGTERM) asked the operation to stop; it was
	// cancelled. signal() says which.
	Cancelled,
};

class Error : public std::exception {
public:
	// @context says what failed ("adding range 0x40000000+512M"), @errnum
	// is a positive errno or 0, @detail the kernel's extack text or an
	// explanation; empty @detail falls back to strerror(@errnum).
	Error(ErrorKind kind, std::string context, int errnum = 0, std::string detail = {});

	static Error kernel(std::string context, int errnum, std::string extack);
	static Error system(std::string context, int errnum, std::string detail = {});
	static Error usage(std::string what);
	static Error failed(std::string context, std::string detail = {}, int errnum = 0);
	// "<context>: cancelled by SIGINT", of kind Cancelled.
	static Error cancelled(std::string context, int signal);

	ErrorKind kind() const { return kind_; }
	int errnum() const { return errnum_; }
	const std::string &context() const { return context_; }
	const std::string &detail() const { return detail_; }
	const std::vector<std::string> &notes() const { return notes_; }
	// The signal that cancelled the operation (kind Cancelled), else 0.
	int signal() const { return signal_; }

	// Prefixes the context: "outer: inner".
	Error &add_context(std::string_view outer);
	// Appends a remark after the errno, e.g. what the rollback did.
	Error &add_note(std::string note);
	// Changes the kind, keeping everything else (a step's kernel error
	// becomes a failed, rolled back operation).
	Error &set_kind(ErrorKind kind);

	// "<context>: <detail> (<ERRNO>); <note>; <note>"
	std::string message() const;
	const char *what() const noexcept override;

private:
	void update();

	ErrorKind kind_;
	std::string context_;
	int errnum_;
	std::string detail_;
	std::vector<std::string> notes_;
	std::string message_;
	int signal_ = 0;
};

// "EINVAL" for EINVAL; "E<n>" for numbers the C library does not name.
std::string errno_name(int errnum);
// "SIGINT" for SIGINT; "signal <n>" for numbers the C library does not name.
std::string signal_name(int signal);

// The value of a fallible operation: either a T or an Error. value() throws
// the Error, for callers that treat a failure as fatal.
template <typename T>
class [[nodiscard]] Result {
public:
	Result(T value)
	    : v_(std::in_place_index<0>, std::move(value))
	{
	}
	Result(Error error)
	    : v_(std::in_place_index<1>, std::move(error))
	{
	}

	bool ok() const { return v_.index() == 0; }
	explicit operator bool() const { return ok(); }

	T &value() &
	{
		throw_if_error();
		return std::get<0>(v_);
	}
	const T &value() const &
	{
		throw_if_error();
		return std::get<0>(v_);
	}
	T &&value() &&
	{
		throw_if_error();
		return std::get<0>(std::move(v_));
	}
	T &operator*() & { return value(); }
	const T &operator*() const & { return value(); }
	T *operator->() { return &value(); }
	const T *operator->() const { return &value(); }

	// Only valid when !ok().
	const Error &error() const & { return std::get<1>(v_); }
	Error &&error() && { return std::get<1>(std::move(v_)); }

private:
	void throw_if_error() const
	{
		if (v_.index() != 0)
			throw std::get<1>(v_);
	}

	std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
	Result() = default;
	Result(Error error)
	    : error_(std::move(error))
	{
	}

	bool ok() const { return !error_; }
	explicit operator bool() const { return ok(); }
	void value() const
	{
		if (error_)
			throw *error_;
	}
	const Error &error() const & { return *error_; }
	Error &&error() && { return std::move(*error_); }

private:
	std::optional<Error> error_;
};

} // namespace memplug
