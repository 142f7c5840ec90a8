// SPDX-License-Identifier: GPL-2.0
//
// Helpers shared by the unit tests.
#pragma once

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

} // namespace memplug::test
