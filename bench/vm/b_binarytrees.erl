%% Allocation-heavy: the binary-trees benchmark (depth 16).
-module(b_binarytrees).
-export([run/0]).
run() ->
    Max = 18,
    Long = make(Max),
    Checks = [{D, iterate(1 bsl (Max - D + 4), D, 0)} || D <- lists:seq(4, Max, 2)],
    {check(make(Max + 1)), Checks, check(Long)}.
iterate(0, _, Acc) -> Acc;
iterate(N, D, Acc) -> iterate(N - 1, D, Acc + check(make(D))).
make(0) -> {nil, nil};
make(D) -> {make(D - 1), make(D - 1)}.
check({nil, nil}) -> 1;
check({L, R}) -> 1 + check(L) + check(R).
