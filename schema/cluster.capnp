# The node-to-node API of an aion cluster (docs/cluster.md), served on the same address as the
# client API (aion.capnp).
#
# In a cluster, a connection's bootstrap capability is a NodeGate: a Gate (clients and workers
# log in as always) with one more method, `peerLogin`, by which another node of the cluster
# presents the cluster token. A peer session hands out this node's own ClientApi and WorkerApi
# (calls on them are served here and never forwarded again: a workflow this node does not own
# answers `notOwner`) and the NodeApi, the receiving end of the engine's cross-node calls
# (child workflows, workflow-to-workflow signals, cancels, child-close notices, expired task
# leases, code deployed through another node).
#
# Evolves by the rules of schema/evolution.md; both interfaces carry explicit IDs.

@0xdbce0e493e9d396f;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("aion::wire::cluster");

using Aion = import "aion.capnp";

interface NodeGate @0xf82a9ddbbb549549 extends(Aion.Gate) {
  peerLogin @0 (clusterToken :Text, nodeId :Text) -> (result :Aion.Result(PeerSession));
  # `clusterToken`: the cluster's token (empty when the cluster has none). `nodeId`: the calling
  # node, for logs. A wrong token answers `unauthenticated`; a node that is not a cluster
  # member (still starting, leaving) answers `unavailable`.
}

struct PeerSession {
  client @0 :Aion.ClientApi;   # this node's API, never forwarded: other shards answer notOwner
  worker @1 :Aion.WorkerApi;   # likewise for task heartbeats, completions and failures
  node @2 :NodeApi;
  nodeId @3 :Text;
}

struct ChildStart {
  # engine::child_start: a child workflow whose parent lives on the calling node.
  workflowId @0 :Text;
  module @1 :Text;
  input @2 :Data;              # external term format
  parentWorkflowId @3 :Text;
  parentRunId @4 :Text;
  parentCmd @5 :Int64;
  deploymentVersion @6 :Int32;
}

struct ChildClosed {
  # engine::child_closed_notice: a child's run closed; its parent lives on the called node.
  parentWorkflowId @0 :Text;
  parentRunId @1 :Text;
  parentCmd @2 :Int64;
  status @3 :Aion.RunStatus;
  outcomeJson @4 :Text;
}

struct ExpiredTask {
  # engine::expired_task: a worker polling the calling node leased this task again after its
  # previous lease ran out; the owner decides whether that attempt timed out.
  workflowId @0 :Text;
  runId @1 :Text;
  cmd @2 :Int64;
  attempt @3 :Int32;
  taskId @4 :Int64;
}

struct LeaseVerdict {
  consumed @0 :Bool;           # true: the attempt timed out (not handed out); false: hand it out
}

interface NodeApi @0xb0a7cf0d7d79dcec {
  # Every call answers `notOwner` when the called node does not own the workflow's shard (the
  # caller looks the owner up again and retries); other errors as in aion.capnp.

  startChild @0 (request :ChildStart) -> (result :Aion.Result(Aion.RunRef));
  # Idempotent: the parent's run and command name the start.

  signalTerm @1 (workflowId :Text, name :Text, payload :Data) -> (result :Aion.Result(Aion.Empty));
  # A workflow-to-workflow signal; the payload is a term in external term format.

  cancel @2 (workflowId :Text, reason :Text) -> (result :Aion.Result(Aion.Empty));
  terminate @3 (workflowId :Text, reason :Text) -> (result :Aion.Result(Aion.Empty));
  childClosed @4 (notice :ChildClosed) -> (result :Aion.Result(Aion.Empty));
  taskLeaseExpired @5 (task :ExpiredTask) -> (result :Aion.Result(LeaseVerdict));

  codeDeployed @6 (version :Int32) -> (result :Aion.Result(Aion.Empty));
  # A deployment was published through the calling node: load it before answering, so that the
  # caller's next start anywhere runs the new code.
}

struct AnyResult {
  # The shape of every call's results above and in aion.capnp: `(result :Result(T))`. A node
  # forwarding a call it does not understand the answer of reads it through this struct.
  result @0 :Aion.Result(AnyPointer);
}
