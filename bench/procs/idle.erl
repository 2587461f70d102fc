%% Memory per idle process: spawns N processes parked in receive and reports how many live.
-module(idle).
-export([run/1]).
run(N) ->
    Pids = spawn_idle(N, []),
    Alive = length([P || P <- Pids, is_process_alive(P)]),
    Alive.
spawn_idle(0, Acc) -> Acc;
spawn_idle(N, Acc) -> spawn_idle(N - 1, [spawn(fun() -> receive stop -> ok end end) | Acc]).
