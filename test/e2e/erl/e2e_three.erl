%% Three activities in a row (in-VM): the benchmark's workflow.
-module(e2e_three).
-export([run/1]).

run(#{<<"n">> := N}) ->
    {ok, A} = aion:activity({e2e_acts, square}, N, #{}),
    {ok, B} = aion:activity({e2e_acts, square}, A, #{}),
    {ok, C} = aion:activity({e2e_acts, increment}, B, #{}),
    #{n => N, result => C}.
