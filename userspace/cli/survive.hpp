// SPDX-License-Identifier: GPL-2.0
//
// Running a command so that killing memplugctl cannot cut it in half.
//
// SIGKILL cannot be caught, so a command that changes one block after the
// other (online, offline) would stop between two blocks and leave a range
// partly online. run_surviving_kill() runs such a command in a child
// process in a session of its own: killing memplugctl, or its process
// group, leaves the child to finish the command or roll it back, and its
// output still goes where memplugctl's went. memplugctl waits for the
// child and passes SIGINT and SIGTERM on to it, which makes the command
// roll back and fail as it would in one process. No signal is lost: one
// that arrives while the child is being started is passed on as soon as
// the child exists, and one that reaches the child before its command has
// set up its own handling meets the caller's handlers and mask, as it
// would in one process.
#pragma once

#include <functional>

namespace memplug::cli {

// Runs @command in a child as above and returns its exit status (128 + N
// if a signal N ended it), or runs it here and returns what it returns if
// fork() fails.
int run_surviving_kill(const std::function<int()> &command);

} // namespace memplug::cli
