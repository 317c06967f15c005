#pragma once
#include <vector>

#include "util/embedded_file.h"

namespace nixcc {

/// nix/lib.nix, nix/nixcc.nix and nix/builders/*.sh, which nixcc-plan copies beside every plan, so a
/// plan never depends on where the nixcc source tree is. Paths are relative to nix/.
const std::vector<EmbeddedFile>& nix_support_files();

}  // namespace nixcc
