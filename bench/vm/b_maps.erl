%% Map updates: 2,000,000 puts into a map of 20,000 keys, then lookups and updates of a small map.
-module(b_maps).
-export([run/0]).
run() ->
    M = fill(2000000, #{}),
    S = small(5000000, #{a => 0, b => 0, c => 0}),
    {map_size(M), sum(20000, M, 0), S}.
fill(0, M) -> M;
fill(N, M) -> fill(N - 1, M#{N rem 20000 => N}).
sum(0, _, Acc) -> Acc;
sum(N, M, Acc) -> sum(N - 1, M, Acc + maps:get(N rem 20000, M)).
small(0, M) -> M;
small(N, #{a := A, b := B} = M) -> small(N - 1, M#{a := A + 1, b := B + N rem 3}).
