%% Small functions exercised by the interpreter tests.
-module(t_basic).
-export([add/2, fact/1, crash/1, throws/0, exits/0, loop_forever/0, sum_list/1, echo/1]).

add(A, B) -> A + B.
fact(0) -> 1;
fact(N) -> N * fact(N - 1).
crash(X) -> {ok, _} = X.
throws() -> throw(ball).
exits() -> exit(goodbye).
loop_forever() -> loop_forever().
sum_list(L) -> lists:foldl(fun(X, A) -> X + A end, 0, L).
echo(X) -> X.
