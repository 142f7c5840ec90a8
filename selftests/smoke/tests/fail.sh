#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
echo "# failing on purpose"
exit 1
