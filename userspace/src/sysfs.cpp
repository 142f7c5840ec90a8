// SPDX-License-Identifier: GPL-2.0
#include "memplug/sysfs.hpp"

#include <cerrno>

#include <fcntl.h>
#include <unistd.h>

#include "fd.hpp"
#include "memplug/host.hpp"
#include "memplug/parse.hpp"

namespace memplug {

MemorySysfs::MemorySysfs(std::filesystem::path root)
    : root_(std::move(root))
{
}

std::uint64_t MemorySysfs::block_id(std::uint64_t address, std::uint64_t block_size)
{
	return address / block_size;
}

std::filesystem::path MemorySysfs::state_path(std::uint64_t id) const
{
	return root_ / ("memory" + std::to_string(id)) / "state";
}

Result<std::string> MemorySysfs::read_file(const std::filesystem::path &path) const
{
	auto read = read_text_file(path);
	if (!read)
		return read;
	std::string text = std::move(*read);
	while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
		text.pop_back();
	return text;
}

Result<std::string> MemorySysfs::read_state(std::uint64_t id) const
{
	return read_file(state_path(id));
}

Result<std::string> MemorySysfs::read_zone(std::uint64_t id) const
{
	auto zones = read_file(root_ / ("memory" + std::to_string(id)) / "valid_zones");
	if (!zones)
		return zones;
	return zones->substr(0, zones->find(' '));
}

Result<void> MemorySysfs::write_state(std::uint64_t id, std::string_view state) const
{
	const std::filesystem::path path = state_path(id);
	const std::string what =
		"writing \"" + std::string(state) + "\" to memory block " + std::to_string(id);

	// O_TRUNC as a shell's "echo online > state" does; sysfs ignores it.
	Fd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
	if (fd.get() < 0)
		return Error::system(what, errno);

	// A sysfs store takes the whole string or fails with the errno of the
	// transition: EINVAL for a zone the block cannot use, EBUSY, the errno
	// a memory notifier vetoed with, or EINTR when a signal cut an offline
	// short. None of them is retried here.
	const ssize_t n = ::write(fd.get(), state.data(), state.size());
	if (n < 0)
		return Error::system(what, errno);
	if (static_cast<std::size_t>(n) != state.size())
		return Error::system(what, EIO, "short write");
	return {};
}

Result<std::uint64_t> MemorySysfs::block_size() const
{
	const std::filesystem::path path = root_ / "block_size_bytes";
	auto text = read_file(path);
	if (!text)
		return std::move(text).error();
	const auto parsed = parse_kernel_hex(*text);
	if (!parsed)
		return Error::system("reading " + path.string(), EPROTO,
				     "unexpected content \"" + *text + "\"");
	const std::uint64_t value = *parsed;
	if (value == 0)
		return Error::system("reading " + path.string(), EPROTO, "block size 0");
	return value;
}

Result<std::string> MemorySysfs::auto_online_blocks() const
{
	return read_file(root_ / "auto_online_blocks");
}

} // namespace memplug
