// SPDX-License-Identifier: GPL-2.0
#include "memplug/host.hpp"

#include <cerrno>

#include <fcntl.h>
#include <unistd.h>

#include "fd.hpp"

namespace memplug {

namespace {

constexpr std::string_view kMemmapParam = "memory_hotplug.memmap_on_memory";

} // namespace

HostFiles HostFiles::under(const std::filesystem::path &root)
{
	HostFiles f;
	f.memmap_on_memory = root / "sys/module/memory_hotplug/parameters/memmap_on_memory";
	f.iomem = root / "proc/iomem";
	f.zoneinfo = root / "proc/zoneinfo";
	f.cxl_devices = root / "sys/bus/cxl/devices";
	f.memory_tiering = root / "sys/devices/virtual/memory_tiering";
	f.node_has_memory = root / "sys/devices/system/node/has_memory";
	return f;
}

Result<std::string> read_text_file(const std::filesystem::path &path)
{
	Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (fd.get() < 0)
		return Error::system("reading " + path.string(), errno);
	std::string text;
	char buf[16384];
	for (;;) {
		const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return Error::system("reading " + path.string(), errno);
		}
		if (n == 0)
			break;
		text.append(buf, static_cast<std::size_t>(n));
	}
	return text;
}

bool cxl_region_committed(const HostFiles &files, std::string_view name)
{
	// A name from /proc/iomem must not lead anywhere else.
	if (name.empty() || name.find('/') != std::string_view::npos || name == "." || name == "..")
		return false;
	auto text = read_text_file(files.cxl_devices / std::string(name) / "commit");
	if (!text)
		return false;
	std::string_view value = *text;
	while (!value.empty() && (value.back() == '\n' || value.back() == ' '))
		value.remove_suffix(1);
	return value == "1";
}

std::optional<bool> parse_memmap_on_memory(std::string_view text)
{
	while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
		text.remove_suffix(1);
	if (text == "Y" || text == "y" || text == "1" || text == "force")
		return true;
	if (text == "N" || text == "n" || text == "0")
		return false;
	return std::nullopt;
}

Result<void> check_memmap_on_memory(const HostFiles &files)
{
	const std::string what = "--memmap-on-memory";
	const std::string fix = "boot the kernel with " + std::string(kMemmapParam) + "=1";
	auto text = read_text_file(files.memmap_on_memory);
	if (!text) {
		if (text.error().errnum() == ENOENT)
			return Error::failed(
				what, "this kernel has no " + std::string(kMemmapParam) +
					      " parameter (" + files.memmap_on_memory.string() +
					      " is missing), so it cannot put the memmap on "
					      "hotplugged memory");
		return Error::failed(what, "cannot tell whether " + std::string(kMemmapParam) +
						   " is enabled: " + text.error().message());
	}
	const auto on = parse_memmap_on_memory(*text);
	if (!on) {
		std::string shown = *text;
		while (!shown.empty() && (shown.back() == '\n' || shown.back() == ' '))
			shown.pop_back();
		return Error::failed(what,
				     "cannot tell whether " + std::string(kMemmapParam) +
					     " is enabled: " + files.memmap_on_memory.string() +
					     " says \"" + shown + "\"");
	}
	if (!*on)
		return Error::failed(what, "the kernel was booted without " +
						   std::string(kMemmapParam) + " (it is off); " +
						   fix + " to use it");
	return {};
}

} // namespace memplug
