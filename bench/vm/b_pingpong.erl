%% Message round trips between two processes: 1,000,000 ping-pongs.
-module(b_pingpong).
-export([run/0]).
run() ->
    Pong = spawn(fun pong/0),
    ping(Pong, 1000000),
    Pong ! stop,
    ok.
ping(_, 0) -> ok;
ping(Pong, N) -> Pong ! {self(), N}, receive {pong, N} -> ping(Pong, N - 1) end.
pong() -> receive {From, N} -> From ! {pong, N}, pong(); stop -> ok end.
