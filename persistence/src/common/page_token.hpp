// The opaque continuation token of visibility listings: the sort key of the last row returned.
#pragma once

#include <string>
#include <string_view>

#include "aion/persistence/clock.hpp"
#include "aion/persistence/result.hpp"
#include "aion/persistence/types.hpp"

namespace aion::persistence::detail {

/// The position after which a listing continues.
struct page_position {
  timestamp start_time{};
  run_key run;
};

/// Encodes a position as a printable token.
std::string encode_page_token(const page_position& position);

/// Decodes a token made by encode_page_token. Errors: invalid_argument for anything else.
result<page_position> decode_page_token(std::string_view token);

}  // namespace aion::persistence::detail
