// aion_io_server:output/3: where the I/O server (runtime/erl/aion_io_server.erl) hands text
// to the host's output sink.
#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"
#include "runtime/term/binary.hpp"

namespace aion::vm {

namespace {

term output3(process& p, const term* a) {
  if (!is_atom(a[0]) || !is_pid(a[1]) || !is_bitstring(a[2])) return p.badarg();
  bit_view v = bitstring_view(a[2]);
  if (v.bit_size % 8) return p.badarg();
  std::string bytes;
  iolist_to_bytes(a[2], bytes);
  p.owner().output(a[0], a[1], bytes);
  return atoms::ok;
}

// io's request path asks whether the I/O server's node handles unicode: it is always local.
term dflag_unicode_io(process&, const term*) { return atoms::true_; }

constexpr bif_def defs[] = {
    {"aion_io_server", "output", 3, output3},
    {"net_kernel", "dflag_unicode_io", 1, dflag_unicode_io},
};

}  // namespace

std::span<const bif_def> bifs_io() { return defs; }

}  // namespace aion::vm
