#include "runtime/exec/otp_path.hpp"

#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace aion::vm {

namespace fs = std::filesystem;

std::optional<std::string> otp_root() {
  if (const char* env = std::getenv("AION_OTP_ROOT"); env && *env) return std::string(env);
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::error_code ec;
    fs::path erl = fs::path(dir) / "erl";
    if (!fs::exists(erl, ec)) continue;
    fs::path real = fs::canonical(erl, ec);
    if (ec) continue;
    fs::path root = real.parent_path().parent_path();
    if (fs::exists(root / "lib", ec)) return root.string();
  }
  return std::nullopt;
}

std::vector<std::string> otp_code_path() {
  std::vector<std::string> out;
  auto root = otp_root();
  if (!root) return out;
  std::error_code ec;
  for (const char* app : {"stdlib-", "kernel-", "erts-"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(*root) / "lib", ec)) {
      std::string name = entry.path().filename().string();
      if (name.rfind(app, 0) == 0 && fs::exists(entry.path() / "ebin", ec))
        out.push_back((entry.path() / "ebin").string());
    }
  }
  return out;
}

}  // namespace aion::vm
