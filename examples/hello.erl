%% The first program to run on aion's interpreter: a little of everything, returned as one
%% term that aion-beam prints as io:format("~w~n", ...) would.
-module(hello).
-export([main/0]).

main() ->
    Words = [<<"durable">>, <<"workflows">>, <<"in">>, <<"erlang">>],
    Counts = lists:foldl(fun(W, M) -> maps:update_with(byte_size(W), fun(N) -> N + 1 end, 1, M) end,
                         #{}, Words),
    {hello, aion,
     {fib_90, fib(90, 0, 1)},
     {word_lengths, Counts},
     {joined, << <<W/binary, " ">> || W <- Words >>},
     {primes, [N || N <- lists:seq(2, 50), is_prime(N)]}}.

fib(0, A, _) -> A;
fib(N, A, B) -> fib(N - 1, B, A + B).

is_prime(N) -> lists:all(fun(D) -> N rem D =/= 0 end, lists:seq(2, trunc(math:sqrt(N)))).
