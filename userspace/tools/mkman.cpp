// SPDX-License-Identifier: GPL-2.0
//
// mkman DIR: writes memplugctl.8, memplug.conf.5 and memplugctl.bash (the
// bash completion) to DIR, from memplugctl's command line.
#include <fstream>
#include <iostream>

#include "manual.hpp"
#include "version.hpp"

namespace {

bool write(const std::string &path, const std::string &text)
{
	std::ofstream f(path, std::ios::trunc);
	f << text;
	f.close();
	if (!f) {
		std::cerr << "mkman: cannot write " << path << '\n';
		return false;
	}
	return true;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 2) {
		std::cerr << "usage: mkman DIR\n";
		return 2;
	}
	const std::string dir = argv[1];
	const memplug::cli::Cli cli;
	const bool ok =
		write(dir + "/memplugctl.8", memplug::manual::memplugctl_8(cli, MEMPLUG_VERSION)) &&
		write(dir + "/memplug.conf.5",
		      memplug::manual::memplug_conf_5(cli, MEMPLUG_VERSION)) &&
		write(dir + "/memplugctl.bash", memplug::manual::bash_completion(cli));
	return ok ? 0 : 1;
}
