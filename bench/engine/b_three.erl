%% Engine benchmark workflow: three in-VM activities, one after another.
-module(b_three).
-export([run/1, step/1]).

run(N) ->
    {ok, A} = aion:activity({b_three, step}, N, #{}),
    {ok, B} = aion:activity({b_three, step}, A, #{}),
    {ok, C} = aion:activity({b_three, step}, B, #{}),
    C.

step(X) -> X + 1.
