#include "pg_connection.hpp"

#include <poll.h>

#include <cerrno>
#include <cstring>

namespace aion::persistence::postgres {
namespace {

using steady = std::chrono::steady_clock;

sql_error error_of(const PGresult* res, PGconn* conn) {
  sql_error failure;
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  if (state != nullptr) failure.sqlstate = state;
  const char* text = res != nullptr ? PQresultErrorMessage(res) : nullptr;
  if (text == nullptr || *text == 0) text = PQerrorMessage(conn);
  failure.message = text != nullptr ? text : "unknown error";
  while (!failure.message.empty() &&
         (failure.message.back() == '\n' || failure.message.back() == ' ')) {
    failure.message.pop_back();
  }
  return failure;
}

}  // namespace

errc classify_sqlstate(std::string_view state) noexcept {
  if (state == "40001" || state == "40P01") return errc::retry;
  if (state.substr(0, 2) == "08" || state == "57P01" || state == "57P02" || state == "57P03") {
    return errc::reconnect;
  }
  if (state.substr(0, 2) == "53" || state == "55P03" || state == "57014") return errc::back_off;
  if (state.substr(0, 2) == "23") return errc::conflict;
  if (state.substr(0, 2) == "22") return errc::invalid_argument;
  return errc::give_up;
}

error to_error(const sql_error& failure, std::string_view what) {
  std::string message{what};
  message += ": ";
  message += failure.message;
  if (!failure.sqlstate.empty()) message += " (SQLSTATE " + failure.sqlstate + ")";
  auto code = failure.sqlstate.empty() ? errc::give_up : classify_sqlstate(failure.sqlstate);
  return error{code, std::move(message)};
}

result<std::unique_ptr<connection>> connection::open(const connection_settings& settings,
                                                     std::span<const statement_def> statements) {
  PGconn* conn = PQconnectStart(settings.conninfo.c_str());
  if (conn == nullptr) return error{errc::back_off, "libpq could not allocate a connection"};
  auto self = std::make_unique<connection>(passkey{}, conn, settings.io_timeout);
  // Server notices ("schema already exists, skipping") are not errors; keep them off stderr.
  // TODO(cleanup): route them to the node's log once it has one.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  if (PQstatus(conn) == CONNECTION_BAD) {
    return error{errc::give_up, std::string{"invalid connection string: "} + PQerrorMessage(conn)};
  }
  auto deadline = steady::now() + settings.connect_timeout;
  for (;;) {
    auto state = PQconnectPoll(conn);
    if (state == PGRES_POLLING_OK) break;
    if (state == PGRES_POLLING_FAILED) {
      std::string why = PQerrorMessage(conn);
      while (!why.empty() && why.back() == '\n') why.pop_back();
      // Authentication and unknown-database failures will not heal by retrying.
      bool permanent = why.find("authentication") != std::string::npos ||
                       why.find("does not exist") != std::string::npos;
      return error{permanent ? errc::give_up : errc::reconnect,
                   "connecting to PostgreSQL failed: " + why};
    }
    if (auto r = self->wait_socket(state == PGRES_POLLING_WRITING, deadline); !r) {
      return error{errc::reconnect, "connecting to PostgreSQL timed out"};
    }
  }
  if (PQsetnonblocking(conn, 1) != 0 || PQenterPipelineMode(conn) != 1) {
    return error{errc::give_up, std::string{"cannot enter pipeline mode: "} + PQerrorMessage(conn)};
  }

  std::vector<command> setup;
  if (!settings.schema.empty()) {
    command search_path;
    search_path.sql = "SELECT set_config('search_path', $1, false)";
    search_path.params.text(settings.schema);
    setup.push_back(std::move(search_path));
  }
  command generic_plans;
  generic_plans.sql = "SELECT set_config('plan_cache_mode', 'force_generic_plan', false)";
  setup.push_back(std::move(generic_plans));
  auto replies = self->run(setup);
  if (!replies) return std::move(replies).err();
  for (const auto& r : *replies) {
    if (!r.ok()) return to_error(*r.failure, "configuring the connection");
  }
  if (auto r = self->prepare(statements); !r) return std::move(r).err();
  return self;
}

connection::~connection() {
  PQfinish(conn_);
}

bool connection::broken() const noexcept {
  return broken_ || PQstatus(conn_) != CONNECTION_OK;
}

error connection::lost(std::string_view why) {
  broken_ = true;
  std::string message{"connection to PostgreSQL lost: "};
  message += why;
  std::string detail = PQerrorMessage(conn_);
  while (!detail.empty() && detail.back() == '\n') detail.pop_back();
  if (!detail.empty()) message += " (" + detail + ")";
  return error{errc::reconnect, std::move(message)};
}

result<void> connection::wait_socket(bool want_write, steady::time_point deadline) {
  pollfd fd{};
  fd.fd = PQsocket(conn_);
  if (fd.fd < 0) return lost("no socket");
  fd.events = POLLIN | (want_write ? POLLOUT : 0);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
    if (left.count() <= 0) return lost("timed out waiting for the server");
    int rc = ::poll(&fd, 1, static_cast<int>(left.count()));
    if (rc > 0) return {};
    if (rc < 0 && errno != EINTR) return lost(std::strerror(errno));
  }
}

result<void> connection::prepare(std::span<const statement_def> statements) {
  if (statements.empty()) return {};
  for (const auto& def : statements) {
    if (PQsendPrepare(conn_, def.name, def.sql, static_cast<int>(def.types.size()),
                      def.types.data()) != 1) {
      return lost("sending a prepare");
    }
  }
  if (PQpipelineSync(conn_) != 1) return lost("sending a sync");
  auto replies = collect(statements.size());
  if (!replies) return std::move(replies).err();
  for (std::size_t i = 0; i < replies->size(); ++i) {
    if (!(*replies)[i].ok()) {
      return to_error(*(*replies)[i].failure,
                      std::string{"preparing statement "} + statements[i].name);
    }
  }
  return {};
}

result<std::vector<reply>> connection::run(std::vector<command>& commands) {
  if (broken()) return lost("the connection was already broken");
  for (auto& cmd : commands) {
    auto wire = cmd.params.to_wire();
    int sent;
    if (cmd.statement != nullptr) {
      sent = PQsendQueryPrepared(conn_, cmd.statement, cmd.params.size(), wire.values.data(),
                                 wire.lengths.data(), wire.formats.data(), 1);
    } else {
      sent = PQsendQueryParams(conn_, cmd.sql.c_str(), cmd.params.size(), cmd.params.types().data(),
                               wire.values.data(), wire.lengths.data(), wire.formats.data(), 1);
    }
    if (sent != 1) return lost("sending a command");
  }
  if (PQpipelineSync(conn_) != 1) return lost("sending a sync");
  return collect(commands.size());
}

result<std::vector<reply>> connection::collect(std::size_t count) {
  std::vector<reply> replies(count);
  auto deadline = steady::now() + io_timeout_;
  std::size_t index = 0;
  bool current_has_result = false;
  bool flushing = true;
  int idle_nulls = 0;
  for (;;) {
    if (flushing) {
      int rc = PQflush(conn_);
      if (rc < 0) return lost("flushing commands");
      flushing = rc == 1;
    }
    // Read whatever is complete without blocking.
    while (!PQisBusy(conn_)) {
      PGresult* raw = PQgetResult(conn_);
      if (raw == nullptr) {
        // End of one command's results.
        if (current_has_result) {
          ++index;
          current_has_result = false;
          idle_nulls = 0;
          continue;
        }
        if (++idle_nulls > 1) break;  // nothing more until new input arrives
        continue;
      }
      idle_nulls = 0;
      pg_result res{raw};
      auto status = PQresultStatus(raw);
      if (status == PGRES_PIPELINE_SYNC) {
        if (index != count) return lost("the server answered fewer commands than were sent");
        return replies;
      }
      if (index >= count) return lost("the server answered more commands than were sent");
      if (status == PGRES_FATAL_ERROR) {
        if (PQstatus(conn_) != CONNECTION_OK) return lost("server error without a connection");
        replies[index].failure = error_of(raw, conn_);
      } else if (status == PGRES_PIPELINE_ABORTED) {
        replies[index].failure = sql_error{"", "skipped after an earlier error"};
      } else {
        replies[index].result = std::move(res);
      }
      current_has_result = true;
    }
    if (PQstatus(conn_) != CONNECTION_OK) return lost("the server closed the connection");
    if (auto r = wait_socket(flushing, deadline); !r) return std::move(r).err();
    if (PQconsumeInput(conn_) != 1) return lost("reading results");
  }
}

result<pg_result> connection::run_one(command cmd, std::string_view what) {
  std::vector<command> commands;
  commands.push_back(std::move(cmd));
  auto replies = run(commands);
  if (!replies) return std::move(replies).err();
  auto& only = replies->front();
  if (!only.ok()) return to_error(*only.failure, what);
  return std::move(only.result);
}

result<void> connection::run_script(std::string_view sql) {
  if (broken()) return lost("the connection was already broken");
  if (PQexitPipelineMode(conn_) != 1) return lost("leaving pipeline mode");
  std::string text{sql};
  if (PQsendQuery(conn_, text.c_str()) != 1) return lost("sending a script");
  auto deadline = steady::now() + io_timeout_;
  std::optional<sql_error> failure;
  bool flushing = true;
  for (;;) {
    if (flushing) {
      int rc = PQflush(conn_);
      if (rc < 0) return lost("flushing a script");
      flushing = rc == 1;
    }
    bool done = false;
    while (!PQisBusy(conn_)) {
      PGresult* raw = PQgetResult(conn_);
      if (raw == nullptr) {
        done = true;
        break;
      }
      pg_result res{raw};
      if (PQresultStatus(raw) == PGRES_FATAL_ERROR && !failure) failure = error_of(raw, conn_);
    }
    if (done) break;
    if (auto r = wait_socket(flushing, deadline); !r) return std::move(r).err();
    if (PQconsumeInput(conn_) != 1) return lost("reading script results");
  }
  if (PQenterPipelineMode(conn_) != 1) return lost("re-entering pipeline mode");
  if (failure) return to_error(*failure, "running a script");
  return {};
}

void connection::rollback_if_needed() {
  if (broken()) return;
  auto state = PQtransactionStatus(conn_);
  if (state != PQTRANS_INTRANS && state != PQTRANS_INERROR) return;
  command rollback;
  rollback.sql = "ROLLBACK";
  std::vector<command> commands;
  commands.push_back(std::move(rollback));
  (void)run(commands);
}

}  // namespace aion::persistence::postgres
