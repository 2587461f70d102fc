// Loaded code: modules, their functions and funs, and the export entries external calls use.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/term/fun.hpp"
#include "runtime/term/term.hpp"

namespace aion::vm {

/// Where each function starts, for stack traces and function_clause errors.
struct function_info {
  term name;
  unsigned arity;
  const word* func_info;  ///< the func_info instruction (code before the entry)
  const word* entry;
  const word* end;        ///< first word after the function's code
};

/// Maps a code address range to a source line.
struct line_entry {
  const word* address;
  std::uint32_t line;
  std::uint32_t file;  ///< index into module::files
};

/// One loaded version of a module. Immutable after loading; shared by every process.
struct module {
  term name;
  std::unique_ptr<word[]> code;
  std::size_t code_words = 0;
  std::vector<function_info> functions;  ///< sorted by address
  std::vector<line_entry> lines;          ///< sorted by address
  std::vector<std::string> files;
  std::vector<fun_entry> funs;
  std::vector<export_entry*> imports;
  /// Exported functions of this version (ExpT) and their entry points.
  struct export_def {
    term function;
    unsigned arity;
    const word* address;
  };
  std::vector<export_def> exported;
  std::string strings;                    ///< StrT: bytes that bs_match_string compares against
  std::vector<term> atoms;                ///< atom table of the .beam, index 0 unused
  term attributes = nil;                  ///< module_info(attributes)
  term compile_info = nil;
  unsigned char md5[16] = {};

  bool contains(const word* p) const { return p >= code.get() && p < code.get() + code_words; }
  /// The function containing `p`, or nullptr.
  const function_info* function_at(const word* p) const;
  /// The source line of the instruction at `p` (0 when unknown) and its file index.
  const line_entry* line_at(const word* p) const;
};

}  // namespace aion::vm
