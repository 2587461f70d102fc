// Registration of the VM's built-in functions.
#pragma once

#include <span>

#include "runtime/term/fun.hpp"

namespace aion::vm {

class vm;

/// One built-in function: Module:Name/Arity implemented by `fn`.
struct bif_def {
  const char* module;
  const char* name;
  unsigned arity;
  native_fn fn;
};

/// Registers every built-in function of the VM (called once by vm's constructor).
void register_builtins(vm& v);

// Each family of BIFs lives in its own file and lists its functions here.
std::span<const bif_def> bifs_arith();
std::span<const bif_def> bifs_compare();
std::span<const bif_def> bifs_types();
std::span<const bif_def> bifs_tuple();
std::span<const bif_def> bifs_list();
std::span<const bif_def> bifs_convert();
std::span<const bif_def> bifs_binary();
std::span<const bif_def> bifs_exception();
std::span<const bif_def> bifs_misc();
std::span<const bif_def> bifs_map();
std::span<const bif_def> bifs_math();
std::span<const bif_def> bifs_binary_module();
std::span<const bif_def> bifs_unicode();
std::span<const bif_def> bifs_phash();
std::span<const bif_def> bifs_checksum();
std::span<const bif_def> bifs_process();
/// aion_io_server's output native; registered by vm.cpp itself.
std::span<const bif_def> bifs_io();
std::span<const bif_def> bifs_system();
std::span<const bif_def> bifs_time();

}  // namespace aion::vm
