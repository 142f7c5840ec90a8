// SPDX-License-Identifier: GPL-2.0
#include <iostream>

#include <unistd.h>

#include "cli.hpp"
#include "survive.hpp"

int main(int argc, char **argv)
{
	memplug::cli::Context ctx{std::cout,
				  std::cerr,
				  memplug::cli::connect_netlink,
				  memplug::System{memplug::MemorySysfs(), memplug::HostFiles()},
				  memplug::cli::run_surviving_kill,
				  isatty(STDERR_FILENO) == 1};
	return memplug::cli::run(argc, argv, ctx);
}
