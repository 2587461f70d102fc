#include "deployment_digest.hpp"

#include <algorithm>

#include "sha256.hpp"
#include "validation.hpp"

namespace aion::persistence::detail {

bool is_module_hash(std::string_view hash) noexcept {
  return hash.size() == 64 && std::all_of(hash.begin(), hash.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

result<void> normalise_modules(std::vector<deployed_module>& modules) {
  if (modules.empty()) return error{errc::invalid_argument, "a deployment needs modules"};
  for (const auto& module : modules) {
    if (auto r = check_identifier("module_name", module.module_name); !r) return r;
    if (!is_module_hash(module.module_hash)) {
      return error{errc::invalid_argument,
                   "module '" + module.module_name + "': hash must be 64 lowercase hex digits"};
    }
  }
  std::sort(modules.begin(), modules.end(),
            [](const auto& a, const auto& b) { return a.module_name < b.module_name; });
  for (std::size_t i = 1; i < modules.size(); ++i) {
    if (modules[i].module_name == modules[i - 1].module_name) {
      return error{errc::invalid_argument, "module '" + modules[i].module_name + "' appears twice"};
    }
  }
  return {};
}

std::string deployment_digest(const std::vector<deployed_module>& modules) {
  sha256 hasher;
  for (const auto& module : modules) {
    hasher.update(module.module_name);
    hasher.update(std::string_view{"\0", 1});
    hasher.update(module.module_hash);
    hasher.update("\n");
  }
  auto digest = hasher.finish();
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (auto byte : digest) {
    hex.push_back(digits[byte >> 4]);
    hex.push_back(digits[byte & 0xf]);
  }
  return hex;
}

}  // namespace aion::persistence::detail
