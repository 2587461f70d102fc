// Binary-format parameters and results for libpq: every value the PostgreSQL backend sends is
// a parameter (never spliced into SQL text), encoded in PostgreSQL's binary wire format.
// Private to the PostgreSQL backend.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aion::persistence::postgres {

/// Type OIDs of the built-in types the store uses (fixed in every PostgreSQL release).
namespace oid {
inline constexpr Oid boolean = 16;
inline constexpr Oid bytea = 17;
inline constexpr Oid int8 = 20;
inline constexpr Oid int2 = 21;
inline constexpr Oid int4 = 23;
inline constexpr Oid text = 25;
inline constexpr Oid bytea_array = 1001;
inline constexpr Oid int4_array = 1007;
inline constexpr Oid text_array = 1009;
inline constexpr Oid int8_array = 1016;
}  // namespace oid

/// The parameters of one statement execution, encoded as they are added. Not thread-safe.
class params {
 public:
  params& int8(std::int64_t value);
  params& int4(std::int32_t value);
  params& boolean(bool value);
  params& text(std::string_view value);
  params& bytea(std::string_view value);
  /// A NULL of type `type`.
  params& null(Oid type);
  /// The value, or NULL when unset.
  params& optional_int8(const std::optional<std::int64_t>& value);
  params& optional_text(const std::optional<std::string>& value);
  params& optional_bytea(const std::optional<std::string>& value);
  /// One-dimensional arrays (an empty vector is an empty array).
  params& int4_array(const std::vector<std::int32_t>& values);
  params& int8_array(const std::vector<std::int64_t>& values);
  params& text_array(const std::vector<std::string_view>& values);
  params& bytea_array(const std::vector<std::string_view>& values);

  int size() const noexcept { return static_cast<int>(buffers_.size()); }
  /// The type OID of each parameter, for unnamed statements.
  const std::vector<Oid>& types() const noexcept { return types_; }

  /// Pointer arrays for PQsendQueryPrepared/Params; valid until the next change to this object.
  struct wire {
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
  };
  wire to_wire() const;

 private:
  params& add(Oid type, std::string buffer, bool is_null = false);
  params& array(Oid element_type, Oid array_type, const std::vector<std::string>& elements);

  std::vector<std::string> buffers_;
  std::vector<bool> nulls_;
  std::vector<Oid> types_;
};

/// Owns a PGresult. Rows and columns are 0-based; results are requested in binary format, so the
/// accessors decode PostgreSQL's binary encoding by column type.
class pg_result {
 public:
  pg_result() = default;
  explicit pg_result(PGresult* res) noexcept : res_(res) {}

  PGresult* get() const noexcept { return res_.get(); }
  int rows() const noexcept { return res_ ? PQntuples(res_.get()) : 0; }
  bool is_null(int row, int column) const noexcept;
  /// An int2/int4/int8 column (0 for NULL).
  std::int64_t integer(int row, int column) const noexcept;
  bool boolean(int row, int column) const noexcept;
  /// A text or bytea column (empty for NULL).
  std::string bytes(int row, int column) const;
  std::optional<std::int64_t> optional_integer(int row, int column) const noexcept;
  std::optional<std::string> optional_bytes(int row, int column) const;
  /// Rows affected by an INSERT/UPDATE/DELETE.
  std::int64_t affected() const noexcept;

 private:
  struct clear {
    void operator()(PGresult* res) const noexcept { PQclear(res); }
  };
  std::unique_ptr<PGresult, clear> res_;
};

}  // namespace aion::persistence::postgres
