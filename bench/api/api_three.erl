%% The API benchmark's workflow: three in-VM activities, one after another, on the input.
-module(api_three).
-export([run/1, step/1]).

run(#{<<"n">> := N}) ->
    {ok, A} = aion:activity({api_three, step}, N, #{}),
    {ok, B} = aion:activity({api_three, step}, A, #{}),
    {ok, C} = aion:activity({api_three, step}, B, #{}),
    #{n => N, result => C}.

step(X) -> X + 1.
