// A strict parser of the Prometheus text exposition format 0.0.4, for tests: it refuses what
// Prometheus would refuse (and a few things it would only warn about), so that a test passing
// here means a scrape would succeed.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace aion::metrics::test {

/// One sample line.
struct sample {
  std::string name;                           ///< as written, e.g. "x_bucket"
  std::map<std::string, std::string> labels;  ///< unescaped values
  double value = 0;
};

/// One metric family: its TYPE, HELP and samples in order.
struct family {
  std::string name;
  std::string type = "untyped";
  std::string help;
  std::vector<sample> samples;
};

/// A parsed exposition, families in order of appearance.
struct exposition {
  std::vector<family> families;

  /// The family `name`, or nullptr.
  const family* find(std::string_view name) const;
  /// The value of the sample `name` whose labels equal `labels` exactly, if present.
  std::optional<double> value(std::string_view name,
                              const std::map<std::string, std::string>& labels = {}) const;
  /// The value of a histogram's bucket `le` (as printed, "0.005", "+Inf") for `labels`.
  std::optional<double> bucket(std::string_view name, std::map<std::string, std::string> labels,
                               std::string_view le) const;
};

/// Thrown with the line number and the reason when the input is not valid.
class parse_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses `text` strictly. Checks, beyond the grammar: metric and label names, escapes in label
/// values and HELP, float and timestamp syntax, one TYPE per family given before its samples,
/// families contiguous, no duplicate series or duplicate label names, counters not negative,
/// histograms with `le` on every bucket, cumulative buckets, a +Inf bucket equal to _count, and
/// a _sum and _count per series; the input ends with a newline.
exposition parse_text_format(std::string_view text);

}  // namespace aion::metrics::test
