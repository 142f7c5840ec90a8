#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A dynamically linked host program given with --bins runs in the guest.
command -v daxctl >/dev/null || { echo "# SKIP daxctl not given"; exit 4; }
echo "# daxctl $(daxctl --version)"
daxctl list >/dev/null
