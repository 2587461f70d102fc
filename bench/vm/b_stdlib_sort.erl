%% OTP's lists:sort/1 of 500,000 pseudo-random integers, lists:sort/2 with a fun and
%% lists:keysort/2 on 200,000 tuples (the stdlib's own merge sorts, loaded unmodified).
-module(b_stdlib_sort).
-export([run/0]).
run() ->
    L = rand_list(500000, 42, []),
    S1 = lists:sort(L),
    S2 = lists:sort(fun(A, B) -> A >= B end, lists:sublist(L, 200000)),
    T = [{X rem 1000, X} || X <- lists:sublist(L, 200000)],
    S3 = lists:keysort(1, T),
    {hd(S1), lists:last(S1), lists:nth(250000, S1), hd(S2), element(2, hd(S3)), element(2, lists:last(S3))}.
rand_list(0, _, Acc) -> Acc;
rand_list(N, S, Acc) -> S1 = (S * 1103515245 + 12345) band 16#7FFFFFFF, rand_list(N - 1, S1, [S1 | Acc]).
