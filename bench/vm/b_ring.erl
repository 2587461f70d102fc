%% A ring of 20,000 processes passing a token 50 times around (1,000,000 hops).
-module(b_ring).
-export([run/0]).
run() ->
    N = 20000, Laps = 50,
    Self = self(),
    First = lists:foldl(fun(_, Next) -> spawn(fun() -> relay(Next) end) end, Self, lists:seq(1, N - 1)),
    First ! N * Laps,
    loop(First).
relay(Next) -> receive 0 -> Next ! 0; K -> Next ! K - 1, relay(Next) end.
loop(First) -> receive 0 -> done; K -> First ! K - 1, loop(First) end.
