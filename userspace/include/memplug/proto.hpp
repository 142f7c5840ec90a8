// SPDX-License-Identifier: GPL-2.0
//
// The protocol as memplug.yaml describes it (proto.gen.hpp): what the
// controller includes instead of the generated header itself.
//
// The generated tables initialise memplug::proto::Attr with fewer
// initialisers than it has members, which -Wextra (gcc's
// -Wmissing-field-initializers) refuses; the members left out have their
// defaults, as meant. Until the generator writes every member, this
// header includes it with that one warning off.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "memplug/proto.gen.hpp" // IWYU pragma: export
#pragma GCC diagnostic pop
