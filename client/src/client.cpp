#include "aion/client/client.hpp"

#include <algorithm>

#include "client/src/connection.hpp"
#include "client/src/wire.hpp"

namespace aion {

using namespace std::chrono_literals;
using api::errc;
using api::error;
using api::session;

namespace {

/// The node answers one wait at most this long (schema: result and poll); longer waits loop.
constexpr std::chrono::milliseconds node_wait_cap = 60s;

std::uint32_t wait_ms(std::chrono::milliseconds d) {
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(d.count(), 0, node_wait_cap.count()));
}

}  // namespace

client::client(client_options options)
    : conn_(std::make_unique<api::connection>(std::move(options))) {}

client::~client() = default;

api::result<void> client::connect() {
  return conn_->ensure_connected();
}

std::uint64_t client::max_payload_bytes() const {
  return conn_->max_payload_bytes();
}

void client::interrupt_polls() {
  conn_->interrupt_polls();
}

api::result<api::deployment> client::deploy(const std::vector<api::module_source>& modules) {
  return conn_->call<api::deployment>(
      [&](session& s) {
        auto req = s.client.deployRequest();
        auto list = req.initModules(static_cast<unsigned>(modules.size()));
        for (unsigned i = 0; i < modules.size(); ++i) {
          const auto& m = modules[i];
          auto b = list[i];
          b.setName(api::wire_text(m.name));
          if (m.type == api::module_source::kind::beam)
            b.setBeam(api::wire_data(m.content));
          else
            b.setErlSource(api::wire_text(m.content));
        }
        return req.send().then([](auto resp) {
          return api::unwrap(resp.getResult(), [](wire::Deployment::Reader d) {
            api::deployment out;
            out.version = d.getVersion();
            for (auto name : d.getModules()) out.modules.push_back(api::from_wire(name));
            return out;
          });
        });
      },
      conn_->options().call_timeout + 60s);  // the node may run erlc
}

api::result<api::run_ref> client::start(const api::start_options& opts) {
  return conn_->call<api::run_ref>(
      [&](session& s) {
        auto req = s.client.startRequest();
        api::to_wire(opts, req.initRequest());
        return req.send().then([](auto resp) {
          return api::unwrap(resp.getResult(),
                             [](wire::RunRef::Reader r) { return api::from_wire(r); });
        });
      },
      conn_->options().call_timeout);
}

api::result<void> client::signal(std::string_view workflow_id, std::string_view name,
                                 std::string_view payload_json) {
  std::string id(workflow_id), n(name), payload(payload_json);
  return conn_->call<void>(
      [&](session& s) {
        auto req = s.client.signalRequest();
        req.setWorkflowId(api::wire_text(id));
        req.setName(api::wire_text(n));
        req.setPayloadJson(api::wire_text(payload));
        return req.send().then([](auto resp) { return api::unwrap_void(resp.getResult()); });
      },
      conn_->options().call_timeout);
}

api::result<api::run_ref> client::signal_with_start(const api::start_options& opts,
                                                    std::string_view name,
                                                    std::string_view payload_json) {
  std::string n(name), payload(payload_json);
  return conn_->call<api::run_ref>(
      [&](session& s) {
        auto req = s.client.signalWithStartRequest();
        api::to_wire(opts, req.initRequest());
        req.setName(api::wire_text(n));
        req.setPayloadJson(api::wire_text(payload));
        return req.send().then([](auto resp) {
          return api::unwrap(resp.getResult(),
                             [](wire::RunRef::Reader r) { return api::from_wire(r); });
        });
      },
      conn_->options().call_timeout);
}

api::result<std::string> client::query(std::string_view workflow_id, std::string_view name,
                                       std::string_view args_json,
                                       std::chrono::milliseconds timeout) {
  std::string id(workflow_id), n(name), args(args_json);
  return conn_->call<std::string>(
      [&](session& s) {
        auto req = s.client.queryRequest();
        req.setWorkflowId(api::wire_text(id));
        req.setName(api::wire_text(n));
        req.setArgsJson(api::wire_text(args));
        req.setTimeoutMs(wait_ms(timeout));
        return req.send().then([](auto resp) {
          return api::unwrap(resp.getResult(), [](wire::QueryAnswer::Reader a) {
            return api::from_wire(a.getJson());
          });
        });
      },
      conn_->options().call_timeout + timeout);
}

api::result<void> client::cancel(std::string_view workflow_id, std::string_view reason) {
  std::string id(workflow_id), why(reason);
  return conn_->call<void>(
      [&](session& s) {
        auto req = s.client.cancelRequest();
        req.setWorkflowId(api::wire_text(id));
        req.setReason(api::wire_text(why));
        return req.send().then([](auto resp) { return api::unwrap_void(resp.getResult()); });
      },
      conn_->options().call_timeout);
}

api::result<void> client::terminate(std::string_view workflow_id, std::string_view reason) {
  std::string id(workflow_id), why(reason);
  return conn_->call<void>(
      [&](session& s) {
        auto req = s.client.terminateRequest();
        req.setWorkflowId(api::wire_text(id));
        req.setReason(api::wire_text(why));
        return req.send().then([](auto resp) { return api::unwrap_void(resp.getResult()); });
      },
      conn_->options().call_timeout);
}

api::result<api::description> client::describe(std::string_view workflow_id,
                                               std::string_view run_id) {
  std::string id(workflow_id), run(run_id);
  return conn_->call<api::description>(
      [&](session& s) {
        auto req = s.client.describeRequest();
        req.setWorkflowId(api::wire_text(id));
        req.setRunId(api::wire_text(run));
        return req.send().then([](auto resp) {
          return api::unwrap(resp.getResult(),
                             [](wire::Description::Reader d) { return api::from_wire(d); });
        });
      },
      conn_->options().call_timeout);
}

api::result<api::history_page> client::history(std::string_view workflow_id,
                                               std::string_view run_id, std::int64_t from_seq,
                                               std::uint32_t limit,
                                               std::chrono::milliseconds follow_wait) {
  std::string id(workflow_id), run(run_id);
  return conn_->call<api::history_page>(
      [&](session& s) {
        auto req = s.client.historyRequest();
        auto r = req.initRequest();
        r.setWorkflowId(api::wire_text(id));
        r.setRunId(api::wire_text(run));
        r.setFromSeq(from_seq);
        r.setLimit(limit);
        r.setWaitMs(wait_ms(follow_wait));
        return req.send().then([](auto resp) {
          return api::unwrap(resp.getResult(),
                             [](wire::HistoryPage::Reader p) { return api::from_wire(p); });
        });
      },
      conn_->options().call_timeout + std::min(follow_wait, node_wait_cap));
}

api::result<api::run_outcome> client::result_of(std::string_view workflow_id,
                                                std::optional<std::chrono::milliseconds> wait) {
  std::string id(workflow_id);
  auto deadline = std::chrono::steady_clock::now() + wait.value_or(0ms);
  for (;;) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto this_wait = wait ? std::clamp(remaining, 0ms, node_wait_cap) : 0ms;
    auto r = conn_->call<api::run_outcome>(
        [&](session& s) {
          auto req = s.client.resultRequest();
          req.setWorkflowId(api::wire_text(id));
          req.setWaitMs(wait_ms(this_wait));
          return req.send().then([](auto resp) {
            return api::unwrap(resp.getResult(), [](wire::Outcome::Reader o) {
              return api::run_outcome{api::from_wire(o.getStatus()), api::from_wire(o.getJson())};
            });
          });
        },
        conn_->options().call_timeout + this_wait);
    if (r || r.err().code != errc::timeout || !wait || this_wait >= remaining) return r;
  }
}

api::result<api::list_page> client::list(const api::list_filter& filter) {
  return conn_->call<api::list_page>(
      [&](session& s) {
        auto req = s.client.listRequest();
        api::to_wire(filter, req.initFilter());
        return req.send().then([](auto resp) {
          return api::unwrap(resp.getResult(),
                             [](wire::ListPage::Reader p) { return api::from_wire(p); });
        });
      },
      conn_->options().call_timeout);
}

api::result<std::int64_t> client::count(const api::list_filter& filter) {
  return conn_->call<std::int64_t>(
      [&](session& s) {
        auto req = s.client.countRequest();
        api::to_wire(filter, req.initFilter());
        return req.send().then([](auto resp) {
          return api::unwrap(resp.getResult(), [](wire::Count::Reader c) { return c.getCount(); });
        });
      },
      conn_->options().call_timeout);
}

api::result<std::optional<api::activity_task>> client::poll(std::string_view queue,
                                                            std::string_view identity,
                                                            std::chrono::milliseconds wait) {
  std::string q(queue), who(identity);
  return conn_->call<std::optional<api::activity_task>>(
      [&](session& s) {
        auto req = s.worker.pollRequest();
        req.setTaskQueue(api::wire_text(q));
        req.setIdentity(api::wire_text(who));
        req.setWaitMs(wait_ms(wait));
        return req.send().then([](auto resp) {
          return api::unwrap(resp.getResult(), [](wire::PollAnswer::Reader a) {
            std::optional<api::activity_task> out;
            if (a.isTask()) out = api::from_wire(a.getTask());
            return out;
          });
        });
      },
      conn_->options().call_timeout + std::min(wait, node_wait_cap), /*poll=*/true);
}

api::result<bool> client::heartbeat(std::string_view task_token) {
  std::string token(task_token);
  return conn_->call<bool>(
      [&](session& s) {
        auto req = s.worker.heartbeatRequest();
        req.setTaskToken(api::wire_data(token));
        return req.send().then([](auto resp) {
          return api::unwrap(resp.getResult(), [](wire::HeartbeatAnswer::Reader a) {
            return a.getCancelRequested();
          });
        });
      },
      conn_->options().call_timeout);
}

api::result<api::cluster_view> client::cluster() {
  return conn_->call<api::cluster_view>(
      [&](session& s) {
        return s.client.clusterRequest().send().then(
            [](auto resp) {
              return api::unwrap(resp.getResult(), [](wire::ClusterView::Reader v) {
                api::cluster_view out;
                out.cluster_id = api::from_wire(v.getClusterId());
                out.shard_count = v.getShardCount();
                out.node_id = api::from_wire(v.getNodeId());
                out.as_of_ms = v.getAsOfMs();
                for (auto n : v.getNodes())
                  out.nodes.push_back({api::from_wire(n.getNodeId()), api::from_wire(n.getAddress()),
                                       n.getLive(), n.getStartedAtMs(), n.getHeartbeatAtMs(),
                                       n.getShards()});
                for (auto sh : v.getShards())
                  out.shards.push_back({sh.getShard(), api::from_wire(sh.getOwner()),
                                        sh.getFencingToken(), sh.getExpiresAtMs()});
                return out;
              });
            },
            [](kj::Exception&& e) -> api::result<api::cluster_view> {
              // A node on the embedded store (or an older node) has no such method.
              if (e.getType() == kj::Exception::Type::UNIMPLEMENTED)
                return api::error{api::errc::failed_precondition,
                                  "this node does not run as a cluster (it runs alone on the "
                                  "embedded SQLite store)"};
              kj::throwFatalException(kj::mv(e));
            });
      },
      conn_->options().call_timeout);
}

api::result<void> client::complete(std::string_view task_token, std::string_view result_json) {
  std::string token(task_token), json(result_json);
  return conn_->call<void>(
      [&](session& s) {
        auto req = s.worker.completeRequest();
        req.setTaskToken(api::wire_data(token));
        req.setResultJson(api::wire_text(json));
        return req.send().then([](auto resp) { return api::unwrap_void(resp.getResult()); });
      },
      conn_->options().call_timeout);
}

api::result<void> client::fail(std::string_view task_token, std::string_view error_type,
                               std::string_view message, bool non_retryable) {
  std::string token(task_token), type(error_type), msg(message);
  return conn_->call<void>(
      [&](session& s) {
        auto req = s.worker.failRequest();
        req.setTaskToken(api::wire_data(token));
        req.setErrorType(api::wire_text(type));
        req.setMessage(api::wire_text(msg));
        req.setNonRetryable(non_retryable);
        return req.send().then([](auto resp) { return api::unwrap_void(resp.getResult()); });
      },
      conn_->options().call_timeout);
}

}  // namespace aion
