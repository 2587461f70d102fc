// Locating the installed OTP's .beam directories (its standard library is loaded from there,
// never copied into the repository).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace aion::vm {

/// The OTP installation root: $AION_OTP_ROOT when set, else the directory two levels above the
/// real path of the `erl` found on $PATH (e.g. /usr/lib/erlang). Empty when neither exists.
std::optional<std::string> otp_root();

/// The ebin directories of the OTP applications the VM runs unmodified (stdlib, kernel's
/// modules that are pure Erlang, erts' preloaded modules), in search order.
std::vector<std::string> otp_code_path();

}  // namespace aion::vm
