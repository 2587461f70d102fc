%% Engine recovery benchmark workflow: one activity, then it waits for a signal (open).
-module(b_waiter).
-export([run/1, step/1]).

run(N) ->
    {ok, A} = aion:activity({b_waiter, step}, N, #{}),
    {ok, S} = aion:receive_signal(<<"go">>, infinity),
    A + S.

step(X) -> X + 1.
