%% Deep and tail recursion, mutual recursion and accumulation.
-module(c_recursion).
-export([main/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    [len(lists:seq(1, 200000)), sum_tail(3000000, 0), even(100001), ackermann(2, 300),
     hanoi(18), qsort([5, 3, 9, 1, 7, 2, 8] ++ lists:seq(100, 1, -1)), nest(20000),
     count_down(1000000), build_tree(12), tree_sum(build_tree(14))].

len([]) -> 0;
len([_ | T]) -> 1 + len(T).

sum_tail(0, A) -> A;
sum_tail(N, A) -> sum_tail(N - 1, A + N).

even(0) -> true;
even(N) -> odd(N - 1).
odd(0) -> false;
odd(N) -> even(N - 1).

ackermann(0, N) -> N + 1;
ackermann(M, 0) -> ackermann(M - 1, 1);
ackermann(M, N) -> ackermann(M - 1, ackermann(M, N - 1)).

hanoi(0) -> 0;
hanoi(N) -> 2 * hanoi(N - 1) + 1.

qsort([]) -> [];
qsort([P | T]) -> qsort([X || X <- T, X < P]) ++ [P] ++ qsort([X || X <- T, X >= P]).

nest(0) -> [];
nest(N) -> [nest(N - 1)].

count_down(0) -> done;
count_down(N) -> count_down(N - 1).

build_tree(0) -> leaf;
build_tree(N) -> {node, N, build_tree(N - 1), build_tree(N - 1)}.

tree_sum(leaf) -> 0;
tree_sum({node, V, L, R}) -> V + tree_sum(L) + tree_sum(R).
