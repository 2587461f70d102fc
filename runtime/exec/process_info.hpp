// process_info/2: what a process reports about itself.
#pragma once

#include "runtime/exec/process.hpp"

namespace aion::vm {

/// Whether `item` is an atom process_info/2 knows.
bool is_process_info_item(term item);
/// The answer for `items` (one atom: {Item, Value}; a list: the list of those), built on `p`'s
/// heap. Runs on `p`'s own thread: `on_request` when another process asked (an info_request
/// signal).
term process_info_items(process& p, term items, bool on_request);

}  // namespace aion::vm
