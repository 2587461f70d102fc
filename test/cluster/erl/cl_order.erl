%% The cluster suites' workflow: it crosses nodes at every step. An in-VM activity, a remote
%% activity served by workers on task queue "cluster" (which may poll any node), a durable
%% timer, a child workflow on its own shard (usually owned by another node) that signals back,
%% and a signal from the test. The result tells what each step returned.
-module(cl_order).
-export([run/1, add/1]).

run(#{<<"n">> := N, <<"child">> := Child, <<"sleep_ms">> := Sleep}) ->
    {ok, A} = aion:activity({cl_order, add}, #{<<"x">> => N, <<"y">> => 1}, #{}),
    {ok, B} = aion:activity(<<"double">>, A,
                            #{task_queue => <<"cluster">>, start_to_close_ms => 4000,
                              retry => #{max_attempts => 50, initial_interval_ms => 100,
                                         max_interval_ms => 1000}}),
    ok = aion:sleep(Sleep),
    {ok, C} = aion:child(cl_child, #{<<"n">> => B, <<"parent">> => aion:workflow_id()},
                         #{id => Child}),
    {ok, FromChild} = aion:receive_signal(<<"from_child">>, 120000),
    Go = case aion:receive_signal(<<"go">>, 120000) of
             {ok, P} -> P;
             timeout -> <<"timeout">>
         end,
    #{<<"a">> => A, <<"b">> => B, <<"c">> => C, <<"from_child">> => FromChild, <<"go">> => Go}.

add(#{<<"x">> := X, <<"y">> := Y}) -> X + Y.
