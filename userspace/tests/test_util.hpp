// SPDX-License-Identifier: GPL-2.0
//
// Helpers shared by the unit tests.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace memplug::test {

// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
public:
	TempDir()
	{
		std::string pattern =
			(std::filesystem::temp_directory_path() / "memplug-test-XXXXXX").string();
		if (mkdtemp(pattern.data()) == nullptr)
			throw std::runtime_error("mkdtemp failed");
		path_ = pattern;
	}
	TempDir(const TempDir &) = delete;
	TempDir &operator=(const TempDir &) = delete;
	~TempDir()
	{
		std::error_code ec;
		std::filesystem::remove_all(path_, ec);
	}

	const std::filesystem::path &path() const { return path_; }

private:
	std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path &path, const std::string &content)
{
	std::filesystem::create_directories(path.parent_path());
	std::ofstream(path) << content;
}

inline std::string read_file(const std::filesystem::path &path)
{
	std::ifstream in(path);
	return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A /proc/zoneinfo with 4 GiB of kernel-zone memory on node 0 (4 KiB
// pages) and @movable_pages in ZONE_MOVABLE.
inline std::string zoneinfo_fixture(std::uint64_t movable_pages = 0)
{
	return "Node 0, zone    DMA32\n  pages free     1000\n        managed  1048576\n"
	       "Node 0, zone  Movable\n  pages free     0\n        managed  " +
	       std::to_string(movable_pages) + "\n";
}

} // namespace memplug::test
