%% Ten steps of an activity and a timer each: long enough to kill the node in the middle.
%% Returns the sum of the squares of 1..Steps.
-module(e2e_steps).
-export([run/1]).

run(#{<<"steps">> := Steps, <<"sleep_ms">> := Ms}) -> step(1, Steps, Ms, 0).

step(I, Steps, _Ms, Sum) when I > Steps -> #{sum => Sum, steps => Steps};
step(I, Steps, Ms, Sum) ->
    {ok, Square} = aion:activity({e2e_acts, square}, I, #{}),
    ok = aion:sleep(Ms),
    step(I + 1, Steps, Ms, Sum + Square).
