// map BIFs.
#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"

namespace aion::vm {

std::span<const bif_def> bifs_map() { return {}; }

}  // namespace aion::vm
