%% The crash test's workflow: host and in-VM activities, timers, two signals and a child
%% whose own timer and activity run too. Its result is the same with or without crashes.
-module(wf_crash).
-export([run/1, vm_step/1]).

run(#{<<"child">> := N}) ->
    ok = aion:sleep(100),
    {ok, X} = aion:activity({wf_crash, vm_step}, N, #{}),
    X;
run(#{<<"n">> := N}) ->
    {ok, A} = aion:activity(<<"crash.step">>, N, #{}),
    {ok, B} = aion:activity({wf_crash, vm_step}, A, #{}),
    ok = aion:sleep(300),
    %% More steps, so that kills land in many places.
    Steps = lists:foldl(fun(K, Acc) ->
                                {ok, V} = aion:activity(<<"crash.step">>, Acc + K, #{}),
                                ok = aion:sleep(80),
                                V
                        end, 0, lists:seq(1, 8)),
    {ok, S1} = aion:receive_signal(<<"s">>, infinity),
    {ok, S2} = aion:receive_signal(<<"s">>, infinity),
    {ok, C} = aion:child(wf_crash, #{<<"child">> => N},
                         #{id => <<"crash-child-", (integer_to_binary(N))/binary>>}),
    {ok, D} = aion:activity(<<"crash.step">>, B + C, #{}),
    [A, B, S1, S2, C, D, Steps].

vm_step(X) -> X + 1000.
