%% The aion workflow SDK: the calls a workflow makes. Every call that touches the world is a
%% command recorded in the workflow's durable history (through the aion_flow natives), so that
%% after a crash the workflow replays through its own code to where it stopped.
-module(aion).
-export([activity/3, sleep/1, receive_signal/2, signal_workflow/3, set_query_handler/2,
         child/3, start_child/3, async/1, await/1, await_all/1, await_any/1, with_timeout/2,
         now/0, random/0, uuid/0, side_effect/1, continue_as_new/1, workflow_id/0,
         cancel_requested/0]).

-define(DEADLINES, '$aion_deadlines').

%% aion:activity({Module, Function}, Input, Opts) runs Module:Function(Input) in a process
%% linked to the workflow; aion:activity(Name, Input, Opts) with a binary Name runs the host
%% activity registered under Name, or a remote one on task queue maps:get(task_queue, Opts).
activity(Name, Input, Opts) -> await(async({activity, Name, Input, Opts})).

sleep(Ms) when is_integer(Ms), Ms >= 0 -> await(async({sleep, Ms})).

receive_signal(Name, Timeout) when is_binary(Name),
                                   (Timeout =:= infinity orelse
                                    (is_integer(Timeout) andalso Timeout >= 0)) ->
    await(aion_flow:command({signal_wait, Name, Timeout})).

signal_workflow(WorkflowId, Name, Payload) when is_binary(WorkflowId), is_binary(Name) ->
    await(aion_flow:command({signal_send, WorkflowId, Name, Payload})).

set_query_handler(Name, Fun) when is_binary(Name), is_function(Fun, 1) ->
    put({'$aion_query', Name}, Fun),
    ok.

child(Module, Input, Opts) -> await(start_child(Module, Input, Opts)).

start_child(Module, Input, Opts) when is_atom(Module), is_map(Opts) ->
    async({child, Module, Input, Opts}).

async({activity, Name, Input, Opts}) when is_map(Opts), is_binary(Name) ->
    aion_flow:command({activity, Name, Input, Opts});
async({activity, {M, F} = MF, Input, Opts}) when is_map(Opts), is_atom(M), is_atom(F) ->
    aion_flow:command({activity, MF, Input, Opts});
async({sleep, Ms}) when is_integer(Ms), Ms >= 0 ->
    aion_flow:command({timer, Ms});
async({child, Module, Input, Opts}) when is_atom(Module), is_map(Opts) ->
    aion_flow:command({child, Module, Input, Opts}).

await(Handle) -> wait_for([Handle], one).
await_all(Handles) when is_list(Handles) -> wait_for(Handles, all).
await_any(Handles) when is_list(Handles), Handles =/= [] -> wait_for(Handles, any).

%% Runs Fun; if it has not finished after Ms milliseconds of workflow time, its pending awaits
%% are abandoned and the result is `timeout`.
with_timeout(Ms, Fun) when is_integer(Ms), Ms >= 0, is_function(Fun, 0) ->
    Timer = aion_flow:command({timer, Ms}),
    Outer = deadlines(),
    put(?DEADLINES, [Timer | Outer]),
    try Fun() of
        Value ->
            aion_flow:cancel(Timer),
            {ok, Value}
    catch
        throw:{'$aion_timeout', Timer} -> timeout
    after
        put(?DEADLINES, Outer)
    end.

now() -> aion_flow:marker(now).
random() -> aion_flow:marker(random).
uuid() -> aion_flow:marker(uuid).

side_effect(Fun) when is_function(Fun, 0) ->
    case aion_flow:marker(side_effect) of
        {recorded, Value} -> Value;
        live ->
            Value = Fun(),
            aion_flow:record(Value),
            Value
    end.

continue_as_new(Input) ->
    aion_flow:continue_as_new(Input),
    exit(normal).

workflow_id() -> aion_flow:workflow_id().
cancel_requested() -> aion_flow:cancel_requested().

%% ---- internals -----------------------------------------------------------------------------

deadlines() ->
    case get(?DEADLINES) of
        undefined -> [];
        D -> D
    end.

wait_for(Handles, Mode) ->
    flush_exits(),
    case aion_flow:await(Handles, Mode, deadlines()) of
        {'$aion_query', Id, Name, Args} ->
            answer_query(Id, Name, Args),
            wait_for(Handles, Mode);
        {'$aion_interrupted', Timer} ->
            throw({'$aion_timeout', Timer});
        Result ->
            Result
    end.

answer_query(Id, Name, Args) ->
    Reply = case get({'$aion_query', Name}) of
                undefined -> {error, unknown_query};
                Fun -> try {ok, Fun(Args)} catch Class:Reason -> {error, {Class, Reason}} end
            end,
    aion_flow:query_reply(Id, Reply).

%% Activity processes are linked to the workflow, which traps exits: their exit messages carry
%% nothing the engine has not recorded already.
flush_exits() ->
    receive {'EXIT', _, _} -> flush_exits()
    after 0 -> ok
    end.
