%% Failover benchmark: a workflow that makes visible progress every period (a durable timer
%% fires and the next one starts), so the first event after a node's death shows when a
%% survivor resumed it.
-module(bc_tick).
-export([run/1]).

run(#{<<"ticks">> := Ticks, <<"period_ms">> := Period}) -> loop(Ticks, Period).

loop(0, _) -> done;
loop(N, Period) ->
    ok = aion:sleep(Period),
    loop(N - 1, Period).
