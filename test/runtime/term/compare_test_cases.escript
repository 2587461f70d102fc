#!/usr/bin/env escript
%% Prints compare_test_cases.hpp's tables: erl's term order on every pair of the terms below.
%% Run: escript compare_test_cases.escript > body, then keep the .hpp preamble.
texts() ->
    ["0", "1", "-1", "1.0", "0.0", "-0.0", "2.5", "576460752303423488",
     "-576460752303423489", "18446744073709551616", "18446744073709551616.0", "1.0e300",
     "a", "b", "aa", "'B'", "'\\x{e9}'", "'\\x{10000}'", "'\\x{fffd}'", "z", "''",
     "{}", "{a}", "{1}", "{1.0}", "{a,b}", "{b,a}", "{1,2,3}",
     "#{}", "#{a => 1}", "#{a => 1.0}", "#{1 => a}", "#{1.0 => a}", "#{a => 1,b => 2}",
     "#{b => 1,c => 1}", "#{a => 2,b => 0}", "#{{1} => x}", "#{{1.0} => x}", "#{2 => a,1.0 => b}",
     "[]", "[1]", "[1.0]", "[1,2]", "[2]", "[a|b]", "[a|c]", "[a|1]", "[a|1.0]", "\"abc\"", "\"abd\"", "[[]]",
     "<<>>", "<<0>>", "<<1>>", "<<1,2>>", "<<1:1>>", "<<0:2>>", "<<0:1>>", "<<128>>",
     "<<\"abc\">>", "<<\"abd\">>", "<<1:7>>", "<<2:7>>", "<<1,1:1>>", "<<1,0:2>>"].

value(Text) ->
    {ok, Toks, _} = erl_scan:string(Text ++ "."),
    {ok, [Expr]} = erl_parse:parse_exprs(Toks),
    {value, V, _} = erl_eval:expr(Expr, []),
    V.

main(_) ->
    Texts = texts(),
    Values = [value(T) || T <- Texts],
    io:format("inline const char* const order_terms[] = {~n"),
    [io:format("    ~s,~n", [io_lib:write_string(T)]) || T <- Texts],
    io:format("};~n~n"),
    N = length(Values),
    Idx = lists:zip(lists:seq(0, N - 1), Values),
    io:format("/// {i, j, compare, ==, =:=, map-key order} for order_terms[i] and order_terms[j].~n"),
    io:format("inline const order_case order_cases[] = {~n"),
    [io:format("    {~w, ~w, ~w, ~w, ~w, ~w},~n", [I, J, cmp(A, B), A == B, A =:= B, key_order(A, B)])
     || {I, A} <- Idx, {J, B} <- Idx],
    io:format("};~n").

cmp(A, B) when A < B -> -1;
cmp(A, B) when A > B -> 1;
cmp(_, _) -> 0.

%% A flat map lists its keys in map-key order.
key_order(A, B) ->
    case maps:keys(#{A => 1, B => 2}) of
        [_] -> 0;
        [A, B] -> -1;
        [B, A] -> 1
    end.
