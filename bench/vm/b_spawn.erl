%% Spawn-and-exit rate: 500,000 processes, each tells its parent it ran, then exits.
-module(b_spawn).
-export([run/0]).
run() ->
    Self = self(),
    N = 500000,
    spawn_all(N, Self),
    collect(N, 0).
spawn_all(0, _) -> ok;
spawn_all(N, Self) -> spawn(fun() -> Self ! {done, N} end), spawn_all(N - 1, Self).
collect(0, Sum) -> Sum;
collect(N, Sum) -> receive {done, K} -> collect(N - 1, Sum + K) end.
