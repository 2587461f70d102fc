# The client and worker API of an aion node, served over Cap'n Proto RPC (two-party, TCP).
#
# A connection's bootstrap capability is a Gate. `login` checks the node's auth token and hands
# out the two capabilities everything else goes through: `ClientApi` (workflows and code) and
# `WorkerApi` (activity task queues). Without a successful login a connection reaches nothing.
#
# Every call returns `Result(T)`: either `ok` with the call's answer or a typed `Error`. A
# `kj::Exception` (connection lost, a message over the reader limits) means the transport
# failed, not the call: the call may or may not have taken effect.
#
# JSON travels as Text (UTF-8, RFC 8259). Times are milliseconds since the Unix epoch (Int64);
# durations are milliseconds, 0 meaning "not set" unless a field says otherwise.
#
# This file evolves only by the rules of schema/evolution.md (new fields and methods at the end,
# never renumber, rename freely, never change a type).

@0x902239b92f467881;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("aion::wire");

# ---- results and errors ---------------------------------------------------------------------

struct Error {
  # Why a call was refused. `code` says what the caller should do; `message` is one line for
  # people, naming the offending input.
  code @0 :Code;
  message @1 :Text;

  enum Code {
    internal @0;            # a bug in the node: report it (the message has details)
    invalidArgument @1;     # the request is malformed (bad JSON, oversized, bad .beam): fix it
    notFound @2;            # no such workflow, run, module, query handler or task
    alreadyExists @3;       # a run of this workflow id is open or the reuse policy forbids one
    conflict @4;            # the state changed meanwhile (lease expired, run closed): re-read
    timeout @5;             # a wait ran out; the operation may still complete
    unavailable @6;         # the store or node is overloaded or unreachable: retry with back-off
    shuttingDown @7;        # the node is stopping: reconnect (to another node)
    failedPrecondition @8;  # the workflow's state does not allow this (closed, stuck)
    unauthenticated @9;     # missing or wrong auth token
    resourceExhausted @10;  # too many concurrent calls on this node: back off
    notOwner @11;
    # Between the nodes of a cluster: this node does not own the workflow's shard (nothing was
    # done); the caller routes the call to the shard's owner. A node forwards its clients' calls
    # itself, so clients meet `unavailable` instead when no node owns the shard for too long.
  }
}

struct Result(T) {
  # The answer of every call. T is the call's own answer struct.
  union {
    ok @0 :T;
    error @1 :Error;
  }
}

struct Empty {}

# ---- login ----------------------------------------------------------------------------------

interface Gate @0x94b1cf4809018c13 {
  # The bootstrap capability of every connection.

  login @0 (token :Text, identity :Text) -> (result :Result(Session));
  # `token`: the node's auth token (empty when the node has none). `identity`: who is calling,
  # for logs (e.g. "aion-cli@host", "worker-1"). A wrong or missing token answers
  # `unauthenticated`; after three such answers the node closes the connection.
}

struct Session {
  client @0 :ClientApi;
  worker @1 :WorkerApi;
  nodeId @2 :Text;
  version @3 :Text;    # the node's software version
  maxPayloadBytes @4 :UInt64;  # the largest JSON payload (input, signal, result) it accepts
}

# ---- workflows and code ---------------------------------------------------------------------

enum IdReuse {
  # How a start treats a workflow id that was used before (an open run always refuses it).
  allowAfterClose @0;     # any closed run may be followed by a new one
  allowAfterFailure @1;   # only after a run that did not complete successfully
  rejectDuplicate @2;     # never reuse the id
}

enum RunStatus {
  running @0;
  stuck @1;               # held on a non-determinism error or a code problem; needs operator
  completed @2;
  failed @3;
  cancelled @4;
  terminated @5;
  timedOut @6;
  continuedAsNew @7;
}

struct Module {
  # One module to deploy. `name` is the file name it came from (for messages only).
  name @0 :Text;
  union {
    beam @1 :Data;        # a .beam file produced by erlc (OTP 25)
    erlSource @2 :Text;   # an .erl source: the node compiles it with its erlc
  }
}

struct Deployment {
  version @0 :Int32;               # the deployment version now current
  modules @1 :List(Text);          # the module names deployed
}

struct StartRequest {
  workflowId @0 :Text;
  module @1 :Text;                 # the workflow module (exports run/1)
  inputJson @2 :Text;              # run/1's argument, as JSON
  idReuse @3 :IdReuse;
  idempotencyKey @4 :Text;         # a retried start with the same key returns the same run
  executionTimeoutMs @5 :UInt64;   # 0: none
}

struct RunRef {
  workflowId @0 :Text;
  runId @1 :Text;
  created @2 :Bool;                # false: an earlier start with the same idempotency key made it
}

struct Description {
  workflowId @0 :Text;
  runId @1 :Text;
  module @2 :Text;
  deploymentVersion @3 :Int32;
  status @4 :RunStatus;
  startTimeMs @5 :Int64;
  closeTimeMs @6 :Int64;           # 0 while the run is open
  historyLength @7 :Int64;
  parentWorkflowId @8 :Text;       # absent: not a child
  inputJson @9 :Text;
  outcomeJson @10 :Text;           # absent until known: the result, failure or stuck reason
}

struct QueryAnswer {
  json @0 :Text;                   # what the handler returned
}

struct HistoryRequest {
  workflowId @0 :Text;
  runId @1 :Text;                  # empty: the latest run
  fromSeq @2 :Int64;               # the first event wanted (sequence numbers start at 1)
  limit @3 :UInt32;                # most events in the page; 0: the node's default (1000)
  waitMs @4 :UInt32;
  # Follow: when no event at or after fromSeq exists yet and the run is open, wait up to this
  # long for one (the node caps it at 30 s). 0: answer at once.
}

struct Event {
  seq @0 :Int64;
  timeMs @1 :Int64;
  type @2 :Text;                   # the event type's name (docs/events.md)
  detailsJson @3 :Text;            # its payload rendered as JSON
}

struct HistoryPage {
  events @0 :List(Event);
  nextSeq @1 :Int64;               # where the next page starts
  closed @2 :Bool;                 # the run is closed: once nextSeq is past its last event,
                                   # no further events will come
}

struct Outcome {
  status @0 :RunStatus;
  json @1 :Text;
  # completed: the result. failed/cancelled/terminated/timedOut/stuck: the reason, as JSON
  # ({"class": ..., "reason": ...}).
}

struct ListFilter {
  status @0 :RunStatus;
  hasStatus @1 :Bool;              # false: any status
  module @2 :Text;                 # empty: any workflow type
  startedAfterMs @3 :Int64;        # 0: unbounded (likewise the three below)
  startedBeforeMs @4 :Int64;
  closedAfterMs @5 :Int64;
  closedBeforeMs @6 :Int64;
  pageSize @7 :UInt32;             # 0: 100; the node caps it at 1000
  pageToken @8 :Text;              # from the previous page; empty: the first page
}

struct ListPage {
  runs @0 :List(Description);      # without input and outcome
  nextPageToken @1 :Text;          # empty: no more
}

struct Count {
  count @0 :Int64;
}

struct ClusterView {
  # Nodes, shards and owners as the answering node last read them (cluster.md).
  clusterId @0 :Text;
  shardCount @1 :UInt32;
  nodeId @2 :Text;                 # the node that answered
  asOfMs @3 :Int64;                # when it read the membership and the leases
  nodes @4 :List(ClusterNode);     # by node id, dead ones included until they are forgotten
  shards @5 :List(ShardOwner);     # one per shard, by shard number
}

struct ClusterNode {
  nodeId @0 :Text;
  address @1 :Text;                # HOST:PORT other nodes reach it at
  live @2 :Bool;                   # heard from within the heartbeat timeout
  startedAtMs @3 :Int64;
  heartbeatAtMs @4 :Int64;
  shards @5 :UInt32;               # shards it holds a current lease on
}

struct ShardOwner {
  shard @0 :UInt32;
  owner @1 :Text;                  # empty: released, never taken, or its lease ran out
  fencingToken @2 :Int64;
  expiresAtMs @3 :Int64;
}

interface ClientApi @0xf55afdc207027faa {
  deploy @0 (modules :List(Module)) -> (result :Result(Deployment));
  # Stores the modules content-addressed and publishes them as a new deployment version.
  # A malformed .beam or an .erl that does not compile is `invalidArgument` with the loader's or
  # compiler's message; nothing is deployed then.

  start @1 (request :StartRequest) -> (result :Result(RunRef));

  signal @2 (workflowId :Text, name :Text, payloadJson :Text) -> (result :Result(Empty));
  # Records the signal before delivering it. An empty payload means JSON null.

  signalWithStart @3 (request :StartRequest, name :Text, payloadJson :Text)
      -> (result :Result(RunRef));
  # Signals the workflow, starting it first when no run is open.

  query @4 (workflowId :Text, name :Text, argsJson :Text, timeoutMs :UInt32)
      -> (result :Result(QueryAnswer));
  # Runs the workflow's query handler `name` on its current state; never recorded.
  # timeoutMs 0: 10 s.

  cancel @5 (workflowId :Text, reason :Text) -> (result :Result(Empty));
  # Requests cooperative cancellation.

  terminate @6 (workflowId :Text, reason :Text) -> (result :Result(Empty));
  # Ends the run at once.

  describe @7 (workflowId :Text, runId :Text) -> (result :Result(Description));
  # runId empty: the latest run.

  history @8 (request :HistoryRequest) -> (result :Result(HistoryPage));

  result @9 (workflowId :Text, waitMs :UInt32) -> (result :Result(Outcome));
  # The outcome of the latest run. waitMs > 0: wait up to that long for the run to close (the
  # node caps one call at 60 s; callers loop for longer waits); `timeout` if it is still open.
  # waitMs 0 on an open run answers `timeout` at once.

  list @10 (filter :ListFilter) -> (result :Result(ListPage));
  count @11 (filter :ListFilter) -> (result :Result(Count));

  cluster @12 () -> (result :Result(ClusterView));
  # The cluster as this node sees it. A node that does not run as a cluster (the embedded
  # SQLite store) does not implement it: the call fails with an "unimplemented" exception.
}

# ---- workers --------------------------------------------------------------------------------

struct ActivityTask {
  taskToken @0 :Data;              # opaque: identifies this lease of the task
  workflowId @1 :Text;
  runId @2 :Text;
  activity @3 :Text;               # the activity's name
  inputJson @4 :Text;
  attempt @5 :Int32;               # from 1
  heartbeatTimeoutMs @6 :UInt64;   # 0: no heartbeat timeout
}

struct PollAnswer {
  union {
    none @0 :Void;                 # nothing arrived within waitMs: poll again
    task @1 :ActivityTask;
  }
}

struct HeartbeatAnswer {
  cancelRequested @0 :Bool;        # the workflow was cancelled: stop and fail the task
}

interface WorkerApi @0xc0988013b65d5e05 {
  poll @0 (taskQueue :Text, identity :Text, waitMs :UInt32) -> (result :Result(PollAnswer));
  # Long-polls a task queue: answers as soon as a task is leased to this caller, or with `none`
  # after waitMs (the node caps it at 60 s). A task leased to a poller whose connection dropped
  # before the answer arrived is re-delivered when its lease times out.

  heartbeat @1 (taskToken :Data) -> (result :Result(HeartbeatAnswer));
  # Extends the task's lease. `conflict` or `notFound`: the lease is gone (timed out and handed
  # to someone else, or the workflow closed); stop working on it.

  complete @2 (taskToken :Data, resultJson :Text) -> (result :Result(Empty));

  fail @3 (taskToken :Data, errorType :Text, message :Text, nonRetryable :Bool)
      -> (result :Result(Empty));
  # Fails this attempt. Retried by the activity's retry policy unless nonRetryable or the
  # errorType is in the policy's non-retryable list.
}
