// Compiling deployed .erl sources with the installed erlc, in a scratch directory of the data
// directory, under a time limit.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace aion::node {

struct erl_source {
  std::string file_name;  ///< "order.erl": must name the module (lower-case atom) + ".erl"
  std::string text;
};

struct compiled_module {
  std::string name;  ///< the module
  std::string beam;  ///< the .beam file's bytes
};

struct erlc_options {
  std::filesystem::path erlc;         ///< the erlc executable
  std::filesystem::path scratch_dir;  ///< a fresh directory is made (and removed) inside
  std::chrono::seconds timeout{60};
};

/// Compiles `sources` together. Returns the modules, or one message for people: a file name
/// that is not a module name, a construct refused for safety (parse transforms and includes
/// run or read things on the node), the compiler's errors, or a timeout. Blocking; any thread.
std::variant<std::vector<compiled_module>, std::string> compile_erl(
    const std::vector<erl_source>& sources, const erlc_options& options);

/// Why `text` may not be compiled on the node (nullopt: it may). Parse transforms run
/// arbitrary code inside erlc; -include/-include_lib read files of the node.
std::optional<std::string> refused_construct(std::string_view text);

}  // namespace aion::node
