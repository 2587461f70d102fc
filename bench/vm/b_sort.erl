%% List sorting: a merge sort and a quicksort of 200,000 pseudo-random integers, 5 rounds.
-module(b_sort).
-export([run/0]).
run() ->
    L = rand_list(200000, 42, []),
    R = [begin S1 = msort(L), S2 = qsort(L), {hd(S1), lists:last(S2)} end || _ <- lists:seq(1, 5)],
    hd(R).
rand_list(0, _, Acc) -> Acc;
rand_list(N, S, Acc) -> S1 = (S * 1103515245 + 12345) band 16#7FFFFFFF, rand_list(N - 1, S1, [S1 | Acc]).
msort([]) -> [];
msort([X]) -> [X];
msort(L) -> {A, B} = split(L, [], []), merge(msort(A), msort(B)).
split([], A, B) -> {A, B};
split([X | T], A, B) -> split(T, [X | B], A).
merge([], B) -> B;
merge(A, []) -> A;
merge([X | A] = AA, [Y | B] = BB) -> if X =< Y -> [X | merge(A, BB)]; true -> [Y | merge(AA, B)] end.
qsort([]) -> [];
qsort([P | T]) -> {Lo, Hi} = part(P, T, [], []), qsort(Lo) ++ [P | qsort(Hi)].
part(_, [], Lo, Hi) -> {Lo, Hi};
part(P, [X | T], Lo, Hi) when X < P -> part(P, T, [X | Lo], Hi);
part(P, [X | T], Lo, Hi) -> part(P, T, Lo, [X | Hi]).
