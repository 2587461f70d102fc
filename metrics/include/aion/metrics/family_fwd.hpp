// Forward declarations of the metric families the per-area handles point into. Their
// definitions (and prometheus-cpp) stay inside metrics/src.
#pragma once

namespace aion::metrics::detail {

class registry_core;
class counter_family;
class gauge_family;
class histogram_family;
class sampled_counter;

}  // namespace aion::metrics::detail
