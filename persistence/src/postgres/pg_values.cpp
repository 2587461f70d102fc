#include "pg_values.hpp"

#include <cstdlib>

namespace aion::persistence::postgres {
namespace {

void put_u32(std::string& out, std::uint32_t value) {
  out.push_back(static_cast<char>(value >> 24));
  out.push_back(static_cast<char>(value >> 16));
  out.push_back(static_cast<char>(value >> 8));
  out.push_back(static_cast<char>(value));
}

void put_u64(std::string& out, std::uint64_t value) {
  put_u32(out, static_cast<std::uint32_t>(value >> 32));
  put_u32(out, static_cast<std::uint32_t>(value));
}

std::uint64_t get_be(const char* data, int length) noexcept {
  std::uint64_t value = 0;
  for (int i = 0; i < length; ++i) value = (value << 8) | static_cast<unsigned char>(data[i]);
  return value;
}

std::string encode_int8(std::int64_t value) {
  std::string out;
  put_u64(out, static_cast<std::uint64_t>(value));
  return out;
}

std::string encode_int4(std::int32_t value) {
  std::string out;
  put_u32(out, static_cast<std::uint32_t>(value));
  return out;
}

}  // namespace

params& params::add(Oid type, std::string buffer, bool is_null) {
  buffers_.push_back(std::move(buffer));
  nulls_.push_back(is_null);
  types_.push_back(type);
  return *this;
}

params& params::int8(std::int64_t value) {
  return add(oid::int8, encode_int8(value));
}
params& params::int4(std::int32_t value) {
  return add(oid::int4, encode_int4(value));
}
params& params::boolean(bool value) {
  return add(oid::boolean, std::string(1, value ? 1 : 0));
}
params& params::text(std::string_view value) {
  return add(oid::text, std::string{value});
}
params& params::bytea(std::string_view value) {
  return add(oid::bytea, std::string{value});
}
params& params::null(Oid type) {
  return add(type, {}, true);
}

params& params::optional_int8(const std::optional<std::int64_t>& value) {
  return value ? int8(*value) : null(oid::int8);
}
params& params::optional_text(const std::optional<std::string>& value) {
  return value ? text(*value) : null(oid::text);
}
params& params::optional_bytea(const std::optional<std::string>& value) {
  return value ? bytea(*value) : null(oid::bytea);
}

// PostgreSQL's binary array format: ndim, has-null flag, element type, then per dimension
// (size, lower bound), then per element (length, bytes). An empty array has ndim 0.
params& params::array(Oid element_type, Oid array_type, const std::vector<std::string>& elements) {
  std::string out;
  put_u32(out, elements.empty() ? 0 : 1);
  put_u32(out, 0);
  put_u32(out, element_type);
  if (!elements.empty()) {
    put_u32(out, static_cast<std::uint32_t>(elements.size()));
    put_u32(out, 1);
    for (const auto& element : elements) {
      put_u32(out, static_cast<std::uint32_t>(element.size()));
      out += element;
    }
  }
  return add(array_type, std::move(out));
}

params& params::int4_array(const std::vector<std::int32_t>& values) {
  std::vector<std::string> elements;
  elements.reserve(values.size());
  for (auto v : values) elements.push_back(encode_int4(v));
  return array(oid::int4, oid::int4_array, elements);
}

params& params::int8_array(const std::vector<std::int64_t>& values) {
  std::vector<std::string> elements;
  elements.reserve(values.size());
  for (auto v : values) elements.push_back(encode_int8(v));
  return array(oid::int8, oid::int8_array, elements);
}

params& params::text_array(const std::vector<std::string_view>& values) {
  std::vector<std::string> elements{values.begin(), values.end()};
  return array(oid::text, oid::text_array, elements);
}

params& params::bytea_array(const std::vector<std::string_view>& values) {
  std::vector<std::string> elements{values.begin(), values.end()};
  return array(oid::bytea, oid::bytea_array, elements);
}

params::wire params::to_wire() const {
  wire w;
  w.values.reserve(buffers_.size());
  for (std::size_t i = 0; i < buffers_.size(); ++i) {
    w.values.push_back(nulls_[i] ? nullptr : buffers_[i].data());
    w.lengths.push_back(static_cast<int>(buffers_[i].size()));
    w.formats.push_back(1);
  }
  return w;
}

bool pg_result::is_null(int row, int column) const noexcept {
  return PQgetisnull(res_.get(), row, column) != 0;
}

std::int64_t pg_result::integer(int row, int column) const noexcept {
  if (is_null(row, column)) return 0;
  const char* data = PQgetvalue(res_.get(), row, column);
  int length = PQgetlength(res_.get(), row, column);
  auto raw = get_be(data, length);
  switch (length) {
    case 2: return static_cast<std::int16_t>(raw);
    case 4: return static_cast<std::int32_t>(raw);
    default: return static_cast<std::int64_t>(raw);
  }
}

bool pg_result::boolean(int row, int column) const noexcept {
  if (is_null(row, column)) return false;
  return PQgetvalue(res_.get(), row, column)[0] != 0;
}

std::string pg_result::bytes(int row, int column) const {
  if (is_null(row, column)) return {};
  return std::string{PQgetvalue(res_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(res_.get(), row, column))};
}

std::optional<std::int64_t> pg_result::optional_integer(int row, int column) const noexcept {
  if (is_null(row, column)) return std::nullopt;
  return integer(row, column);
}

std::optional<std::string> pg_result::optional_bytes(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return bytes(row, column);
}

std::int64_t pg_result::affected() const noexcept {
  const char* count = PQcmdTuples(res_.get());
  return count == nullptr || *count == 0 ? 0 : std::strtoll(count, nullptr, 10);
}

}  // namespace aion::persistence::postgres
