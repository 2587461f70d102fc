#include "node/cluster_links.hpp"

namespace aion::node {

struct peer_links::link {
  std::string node_id;
  std::string address;
  kj::Own<kj::AsyncIoStream> stream;
  kj::Own<capnp::TwoPartyClient> rpc;
  kj::Maybe<kj::ForkedPromise<peer_session>> session;
  bool broken = false;
};

namespace {

capnp::Text::Reader wire_text(const std::string& s) {
  return capnp::Text::Reader(s.c_str(), s.size());
}

}  // namespace

peer_links::peer_links(cluster_context& ctx, kj::AsyncIoProvider& io)
    : ctx_(ctx), io_(io), tasks_(*this) {
  tasks_.add(prune_regularly());
}

kj::Promise<void> peer_links::prune_regularly() {
  return io_.getTimer().afterDelay(250 * kj::MILLISECONDS).then([this] {
    if (auto* m = ctx_.manager.load())
      if (auto routes = m->routes()) prune(*routes);
    return prune_regularly();
  });
}

peer_links::~peer_links() = default;

void peer_links::taskFailed(kj::Exception&& e) {
  ctx_.log.debug("peer connection task failed", {{"error", e.getDescription().cStr()}});
}

void peer_links::drop(const std::string& node_id) {
  links_.erase(node_id);
}

void peer_links::prune(const cluster::routing_table& routes) {
  if (routes.generation == pruned_generation_) return;
  pruned_generation_ = routes.generation;
  for (auto it = links_.begin(); it != links_.end();) {
    const cluster::node_route* n = routes.node(it->first);
    if (n == nullptr || !n->live) {
      ctx_.log.info("dropping the connection to a node that is no longer live",
                    {{"node", it->first}});
      it = links_.erase(it);
    } else {
      ++it;
    }
  }
}

kj::Promise<peer_session> peer_links::session(const std::string& node_id,
                                              const std::string& address) {
  auto it = links_.find(node_id);
  if (it != links_.end() && (it->second->broken || it->second->address != address)) {
    links_.erase(it);
    it = links_.end();
  }
  if (it == links_.end()) {
    auto l = std::make_shared<link>();
    l->node_id = node_id;
    l->address = address;
    std::weak_ptr<link> weak = l;
    auto& log = ctx_.log;
    const auto& options = ctx_.options;
    kj::Promise<peer_session> p =
        io_.getNetwork()
            .parseAddress(kj::StringPtr(address.c_str(), address.size()))
            .then([](kj::Own<kj::NetworkAddress> a) { return a->connect(); })
            .then([this, weak, &options](kj::Own<kj::AsyncIoStream> stream) {
              auto l = weak.lock();
              KJ_REQUIRE(l != nullptr, "the connection was dropped while it opened");
              l->stream = kj::mv(stream);
              l->rpc = kj::heap<capnp::TwoPartyClient>(*l->stream);
              tasks_.add(l->rpc->onDisconnect().then([weak] {
                if (auto l = weak.lock()) l->broken = true;
              }));
              auto gate = l->rpc->bootstrap().castAs<wire::cluster::NodeGate>();
              auto req = gate.peerLoginRequest();
              req.setClusterToken(wire_text(options.cluster_token));
              req.setNodeId(wire_text(options.node_id));
              return req.send().then(
                  [](capnp::Response<wire::cluster::NodeGate::PeerLoginResults>&& r) {
                    auto res = r.getResult();
                    if (res.isError())
                      KJ_FAIL_REQUIRE("the node refused this node's login",
                                      res.getError().getMessage());
                    auto s = res.getOk();
                    return peer_session{s.getClient(), s.getWorker(), s.getNode()};
                  });
            })
            .catch_([weak, &log, node_id](kj::Exception&& e) -> kj::Promise<peer_session> {
              if (auto l = weak.lock()) l->broken = true;
              log.debug("cannot reach a node",
                        {{"node", node_id}, {"error", e.getDescription().cStr()}});
              return kj::mv(e);
            });
    l->session = p.fork();
    it = links_.emplace(node_id, std::move(l)).first;
  }
  KJ_IF_MAYBE (s, it->second->session) {
    return s->addBranch();
  }
  KJ_FAIL_REQUIRE("no session");
}

}  // namespace aion::node
