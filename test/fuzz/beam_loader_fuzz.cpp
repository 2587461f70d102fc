// libFuzzer target: any byte string given to the loader is either loaded or refused with an
// error; nothing may crash, hang, leak or read out of bounds (run under ASan and UBSan).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/vm.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  aion::vm::vm_config cfg;
  cfg.literal_reserve_bytes = std::size_t{64} << 20;
  cfg.max_module_bytes = std::size_t{4} << 20;
  aion::vm::vm machine(cfg);
  auto loaded = machine.load_module(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!loaded.ok() && loaded.err().message.empty()) __builtin_trap();  // errors must explain
  return 0;
}
