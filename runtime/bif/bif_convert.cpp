// convert BIFs.
#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"

namespace aion::vm {

std::span<const bif_def> bifs_convert() { return {}; }

}  // namespace aion::vm
