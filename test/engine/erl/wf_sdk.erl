%% Test workflows for the engine suites: run/1 dispatches on the input's "case".
-module(wf_sdk).
-export([run/1, double/1, crash/1, slow/1, spin/1]).

run(#{<<"case">> := Case} = Input) -> run(Case, Input).

run(<<"echo">>, Input) ->
    #{input => Input, id => aion:workflow_id(), tuple => {1, 2.5, <<"x">>},
      atoms => [true, false, null, other], <<"bin_key">> => -7};
run(<<"fail">>, _) -> error({bad, thing});
run(<<"throw">>, _) -> throw(oops);
run(<<"fail_text">>, _) -> error({no_such_order, <<"o-17">>});
run(<<"badarg">>, _) -> atom_to_list(id(123));
run(<<"vm_activity">>, Input) ->
    {ok, A} = aion:activity({wf_sdk, double}, maps:get(<<"n">>, Input, 21), #{}),
    A;
run(<<"vm_crash">>, _) ->
    aion:activity({wf_sdk, crash}, 1, #{retry => #{max_attempts => 3, initial_interval_ms => 10}});
run(<<"vm_memory">>, _) ->
    aion:activity({wf_sdk, spin}, memory, #{retry => #{max_attempts => 1}});
run(<<"host">>, _) -> aion:activity(<<"host.add_one">>, 41, #{});
run(<<"host_flaky">>, _) ->
    aion:activity(<<"host.flaky">>, 3, #{retry => #{max_attempts => 5, initial_interval_ms => 10,
                                                     backoff_coefficient => 2.0,
                                                     max_interval_ms => 40}});
run(<<"host_fatal">>, _) ->
    aion:activity(<<"host.fatal">>, 0, #{retry => #{max_attempts => 5, initial_interval_ms => 10,
                                                     non_retryable => [<<"fatal">>]}});
run(<<"host_exhausted">>, _) ->
    aion:activity(<<"host.flaky">>, 100, #{retry => #{max_attempts => 2, initial_interval_ms => 10}});
run(<<"start_to_close">>, _) ->
    aion:activity({wf_sdk, slow}, 5000, #{start_to_close_ms => 100,
                                          retry => #{max_attempts => 2, initial_interval_ms => 10}});
run(<<"remote">>, _) ->
    aion:activity(<<"remote.triple">>, 5, #{task_queue => <<"q-remote">>,
                                            retry => #{max_attempts => 3, initial_interval_ms => 10}});
run(<<"remote_heartbeat">>, _) ->
    aion:activity(<<"remote.hb">>, 1, #{task_queue => <<"q-hb">>, heartbeat_ms => 300,
                                        retry => #{max_attempts => 2, initial_interval_ms => 10}});
run(<<"remote_heartbeat_start_to_close">>, _) ->
    aion:activity(<<"remote.hb">>, 1, #{task_queue => <<"q-hb-stc">>, heartbeat_ms => 2000,
                                        start_to_close_ms => 400,
                                        retry => #{max_attempts => 1}});
run(<<"remote_schedule_to_close">>, _) ->
    R = aion:activity(<<"remote.nobody">>, 1, #{task_queue => <<"q-nobody">>,
                                                schedule_to_close_ms => 200}),
    {ok, _} = aion:receive_signal(<<"finish">>, infinity),
    R;
run(<<"sleep">>, Input) ->
    T0 = aion:now(),
    ok = aion:sleep(maps:get(<<"ms">>, Input, 200)),
    aion:now() - T0;
run(<<"signal">>, _) ->
    {ok, P} = aion:receive_signal(<<"go">>, infinity),
    {ok, Q} = aion:receive_signal(<<"go">>, 5000),
    [P, Q, aion:receive_signal(<<"never">>, 50)];
run(<<"query">>, _) ->
    aion:set_query_handler(<<"state">>, fun(Args) -> #{stage => waiting, args => Args} end),
    {ok, P} = aion:receive_signal(<<"finish">>, infinity),
    aion:set_query_handler(<<"state">>, fun(_) -> #{stage => finishing} end),
    ok = aion:sleep(10),
    P;
run(<<"cancel">>, _) ->
    R = aion:activity(<<"remote.never">>, 0, #{task_queue => <<"q-never">>}),
    Later = aion:sleep(10),
    #{activity => R, later => Later, requested => aion:cancel_requested()};
run(<<"wait_forever">>, _) ->
    aion:receive_signal(<<"never">>, infinity);
run(<<"child">>, Input) ->
    {ok, R} = aion:child(wf_sdk, #{<<"case">> => <<"vm_activity">>, <<"n">> => 5},
                         #{id => <<(maps:get(<<"child_id">>, Input))/binary>>}),
    R;
run(<<"child_fails">>, _) ->
    aion:child(wf_sdk, #{<<"case">> => <<"fail">>}, #{});
run(<<"children">>, _) ->
    Hs = [aion:start_child(wf_sdk, #{<<"case">> => <<"vm_activity">>, <<"n">> => I}, #{})
          || I <- [1, 2, 3]],
    [R || {ok, R} <- aion:await_all(Hs)];
run(<<"parent_of_waiter">>, Input) ->
    H = aion:start_child(wf_sdk, #{<<"case">> => <<"wait_forever">>},
                         #{id => maps:get(<<"child_id">>, Input)}),
    aion:await_any([H, aion:async({sleep, 100})]),
    done;
run(<<"parent_policy">>, Input) ->
    Policy = binary_to_atom(maps:get(<<"policy">>, Input)),
    H = aion:start_child(wf_sdk, #{<<"case">> => <<"cancellable">>},
                         #{id => maps:get(<<"child_id">>, Input), parent_close => Policy}),
    aion:await_any([H, aion:async({sleep, 100})]),
    done;
run(<<"cancellable">>, _) ->
    R = aion:receive_signal(<<"never">>, infinity),
    #{child_saw => R};
run(<<"parent_cancelled">>, Input) ->
    aion:child(wf_sdk, #{<<"case">> => <<"cancellable">>},
               #{id => maps:get(<<"child_id">>, Input)});
run(<<"cross">>, Input) ->
    %% A child and a signal to workflows that may live on other engines.
    Child = maps:get(<<"child_id">>, Input),
    {ok, C} = aion:child(wf_sdk, #{<<"case">> => <<"vm_activity">>, <<"n">> => 7}, #{id => Child}),
    ok = aion:signal_workflow(maps:get(<<"target">>, Input), <<"go">>, C),
    C;
run(<<"continue">>, Input) ->
    N = maps:get(<<"n">>, Input, 0),
    if N < 3 -> aion:continue_as_new(Input#{<<"n">> => N + 1});
       true -> N
    end;
run(<<"markers">>, _) ->
    Values = #{uuid => aion:uuid(), random => aion:random(), now => aion:now(),
               side => aion:side_effect(fun() -> erlang:unique_integer() end)},
    aion:set_query_handler(<<"values">>, fun(_) -> Values end),
    {ok, _} = aion:receive_signal(<<"finish">>, infinity),
    Values;
run(<<"await_any">>, _) ->
    H1 = aion:async({sleep, 5000}),
    H2 = aion:async({sleep, 50}),
    {H, R} = aion:await_any([H1, H2]),
    [H =:= H2, R];
run(<<"await_all">>, _) ->
    Hs = [aion:async({activity, {wf_sdk, double}, I, #{}}) || I <- [1, 2, 3]],
    aion:await_all(Hs);
run(<<"with_timeout">>, _) ->
    [aion:with_timeout(50, fun() -> aion:sleep(5000) end),
     aion:with_timeout(5000, fun() -> ok = aion:sleep(10), done end)];
run(<<"signal_other">>, Input) ->
    aion:signal_workflow(maps:get(<<"target">>, Input), <<"go">>, aion:workflow_id());
run(<<"loop">>, _) -> spin(loop);
run(<<"memory">>, _) -> spin(memory);
run(<<"binary_memory">>, _) -> spin(binary_memory);
run(<<"huge_binary">>, _) -> byte_size(binary:copy(<<0>>, 1 bsl 36));
run(<<"spawn_bomb">>, _) -> spawn_forever();
run(<<"spawned_memory">>, _) ->
    %% A process the workflow spawns is held to the workflow's limit.
    {_, Ref} = spawn_monitor(fun() -> spin(memory) end),
    receive {'DOWN', Ref, process, _, Reason} -> Reason end;
run(<<"steps">>, Input) ->
    N = maps:get(<<"n">>, Input, 100),
    lists:foreach(fun(_) -> ok = aion:sleep(0) end, lists:seq(1, N)),
    N;
run(<<"nd">>, _) ->
    case nd_choice:choice() of
        a -> {ok, _} = aion:activity({wf_sdk, double}, 1, #{});
        b -> ok = aion:sleep(1)
    end,
    {ok, P} = aion:receive_signal(<<"finish">>, infinity),
    P.

double(N) -> 2 * N.
crash(_) -> error(boom).
slow(Ms) -> receive after Ms -> slow end.
spin(loop) -> spin(loop);
spin(memory) -> grow([]);
spin(binary_memory) -> grow_binaries([]).

grow(Acc) -> grow([lists:seq(1, 1000) | Acc]).

spawn_forever() ->
    spawn(fun() -> receive after infinity -> ok end end),
    spawn_forever().

grow_binaries(Acc) -> grow_binaries([binary:copy(<<1>>, 1 bsl 20) | Acc]).

id(X) -> X.
