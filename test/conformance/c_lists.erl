%% Lists: construction, recursion, comprehensions, BIFs on lists.
-module(c_lists).
-export([main/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    L = lists:seq(1, 20),
    [L, [X * X || X <- L, X rem 3 =:= 0], [{X, Y} || X <- [a, b], Y <- [1, 2]],
     length(L), hd(L), tl([1, 2, 3]), [1, 2] ++ [3], [1, 2, 3, 2] -- [2],
     lists:reverse(L), lists:sum(L), lists:foldl(fun(X, A) -> X + A end, 0, L),
     lists:map(fun(X) -> X + 1 end, [1, 2, 3]), lists:filter(fun(X) -> X > 10 end, L),
     lists:sort([3, 1, 2, 5, 4]), lists:sort(fun(A, B) -> A > B end, [3, 1, 2]),
     lists:keyfind(b, 1, [{a, 1}, {b, 2}]), lists:keysort(2, [{x, 3}, {y, 1}, {z, 2}]),
     lists:member(5, L), lists:nth(3, L), lists:last(L), lists:zip([1, 2], [a, b]),
     lists:flatten([1, [2, [3, [4]]], 5]), lists:append([[1], [2, 3]]), lists:duplicate(3, x),
     lists:split(2, [1, 2, 3, 4]), lists:usort([b, a, b, c]), lists:max(L), lists:min(L),
     lists:dropwhile(fun(X) -> X < 15 end, L), lists:partition(fun(X) -> X rem 2 =:= 0 end, [1, 2, 3, 4]),
     [a | b], [1, 2 | 3], "hello", [], [[]], length(long(100000, [])),
     tail_sum(1000000, 0), deep(10000), ?E(hd([])), ?E(length(a)), ?E(([1|2] ++ [3]))].

long(0, Acc) -> Acc;
long(N, Acc) -> long(N - 1, [N | Acc]).

tail_sum(0, Acc) -> Acc;
tail_sum(N, Acc) -> tail_sum(N - 1, Acc + N).

deep(0) -> 0;
deep(N) -> 1 + deep(N - 1).
