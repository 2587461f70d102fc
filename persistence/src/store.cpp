#include "aion/persistence/store.hpp"

#include "common/migration_plan.hpp"
#include "common/observed_store.hpp"
#include "postgres/pg_store.hpp"
#include "sqlite/sqlite_store.hpp"

namespace aion::persistence {

result<std::unique_ptr<store>> open_store(store_options options) {
  if (!options.time_source) options.time_source = std::make_shared<system_clock>();
  if (options.limits.max_page_size == 0 || options.limits.max_items_per_step == 0) {
    return error{errc::give_up, "store_limits: page and step limits must be positive"};
  }
  auto opened = [&]() -> result<std::unique_ptr<store>> {
    if (const auto* sqlite_config = std::get_if<sqlite_options>(&options.backend)) {
      return sqlite::sqlite_store::open(*sqlite_config, options);
    }
    return postgres::pg_store::open(std::get<postgres_options>(options.backend), options);
  }();
  if (!opened || options.observer == nullptr) return opened;
  return detail::observe_store(std::move(opened).value(), *options.observer);
}

int known_schema_version(std::string_view dialect) noexcept {
  return detail::newest_known_version(dialect);
}

}  // namespace aion::persistence
