// Shared by the metrics suites: a fresh registry and a strict scrape of it.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include "aion/metrics/registry.hpp"
#include "aion/metrics/result.hpp"
#include "support/text_format.hpp"

namespace aion::metrics {

/// Lets Boost.Test print error codes.
inline std::ostream& boost_test_print_type(std::ostream& out, errc code) {
  return out << to_string(code);
}

}  // namespace aion::metrics

namespace aion::metrics::test {

/// A registry without process metrics (their values vary) and a strict parse of its output.
struct registry_fixture {
  registry metrics{registry_options{.process_metrics = false}};

  /// Exposes the registry and parses the text strictly.
  exposition scrape() { return parse_text_format(metrics.expose()); }
};

/// Moves every family of `metrics` at least once, so each has samples in the exposition.
void exercise_every_family(registry& metrics);

/// The repository's root (for the dashboard, the alert rules and the docs).
std::string source_dir();

}  // namespace aion::metrics::test
