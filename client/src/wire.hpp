// Conversions between the SDK's values (aion/client/types.hpp) and the generated Cap'n Proto
// types. Private to client/.
#pragma once

#include <string>
#include <string_view>

#include "aion/client/types.hpp"
#include "aion/schema/aion.capnp.h"

namespace aion::api {

/// A Text reader over `s` (which must outlive it; std::string keeps the NUL capnp wants).
inline capnp::Text::Reader wire_text(const std::string& s) {
  return capnp::Text::Reader(s.c_str(), s.size());
}
inline capnp::Data::Reader wire_data(const std::string& s) {
  return capnp::Data::Reader(reinterpret_cast<const kj::byte*>(s.data()), s.size());
}
inline std::string from_wire(capnp::Text::Reader t) {
  return std::string(t.begin(), t.size());
}
inline std::string from_wire(capnp::Data::Reader d) {
  return std::string(reinterpret_cast<const char*>(d.begin()), d.size());
}

error from_wire(wire::Error::Reader e);
run_status from_wire(wire::RunStatus s);
wire::RunStatus to_wire(run_status s);
wire::IdReuse to_wire(id_reuse r);

void to_wire(const start_options& o, wire::StartRequest::Builder b);
void to_wire(const list_filter& f, wire::ListFilter::Builder b);
run_ref from_wire(wire::RunRef::Reader r);
description from_wire(wire::Description::Reader d);
history_page from_wire(wire::HistoryPage::Reader p);
list_page from_wire(wire::ListPage::Reader p);
activity_task from_wire(wire::ActivityTask::Reader t);

/// The answer of a call: `convert(ok)` or the typed error; an alternative this client does not
/// know (a newer node) is errc::internal.
template <class R, class F>
auto unwrap(R reader, F&& convert) -> result<decltype(convert(reader.getOk()))> {
  if (reader.isOk()) return convert(reader.getOk());
  if (reader.isError()) return from_wire(reader.getError());
  return error{errc::internal, "the node answered with a result kind this client does not know"};
}

/// For calls answering Result(Empty).
template <class R>
result<void> unwrap_void(R reader) {
  if (reader.isOk()) return {};
  if (reader.isError()) return from_wire(reader.getError());
  return error{errc::internal, "the node answered with a result kind this client does not know"};
}

}  // namespace aion::api
