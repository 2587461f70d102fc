%% Recursion and small-integer arithmetic.
-module(b_fib).
-export([run/0]).
run() -> fib(38).
fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
