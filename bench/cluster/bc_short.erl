%% Throughput benchmark: one in-VM activity, then the result (5 recorded events).
-module(bc_short).
-export([run/1, inc/1]).

run(#{<<"n">> := N}) ->
    {ok, M} = aion:activity({bc_short, inc}, N, #{}),
    M.

inc(N) -> N + 1.
