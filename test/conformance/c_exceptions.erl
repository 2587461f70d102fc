%% Exceptions: classes and reasons, try/catch/after, catch, stack traces.
-module(c_exceptions).
-export([main/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    [?E(error(boom)), ?E(exit(bye)), ?E(throw(ball)), ?E(1 + a),
     try error(x) catch error:R -> {caught, R} end,
     try throw(y) catch throw:R2 -> {thrown, R2} end,
     try exit(z) catch exit:R3 -> {exited, R3} end,
     try ok of ok -> fine after put(after_ran, yes) end, get(after_ran),
     try badmatch() catch error:{badmatch, V} -> {badmatch, V} end,
     try case_clause(3) catch error:{case_clause, C} -> {case_clause, C} end,
     try if_clause(3) catch error:E1 -> E1 end,
     try fc(b) catch error:E2 -> E2 end,
     try try_clause() catch error:{try_clause, T} -> {try_clause, T} end,
     try undefined_module:f() catch error:E3 -> E3 end,
     try ?MODULE:nope() catch error:E4 -> E4 end,
     try (fun(A) -> A end)(1, 2) catch error:{badarity, _} -> badarity end,
     try (id(not_a_fun))(1) catch error:{badfun, F} -> {badfun, F} end,
     try atom_to_list(123) catch error:E5 -> E5 end,
     try element(9, {}) catch error:E6:St -> {E6, top_frame(St)} end,
     try erlang:raise(throw, rethrown, []) catch throw:R6 -> R6 end,
     try nested() catch C7:R7 -> {C7, R7} end,
     try error(with_args, [1, 2]) catch error:E8:St8 -> {E8, top_frame(St8)} end,
     try fc(zz) catch error:function_clause:St9 -> top_frame(St9) end,
     catch_in_loop(1000, 0), deep_throw(500), cleanup_order()].

badmatch() -> {ok, X} = id({error, 1}), X.
case_clause(N) -> case id(N) of 1 -> one; 2 -> two end.
if_clause(N) -> if N > 5 -> big; N < 0 -> neg end.
fc(a) -> a.
try_clause() -> try id(3) of 1 -> one catch _:_ -> c end.
nested() -> try throw(inner) catch throw:inner -> error(outer) end.
id(X) -> X.

top_frame([{M, F, A, _} | _]) -> {M, F, A}.

catch_in_loop(0, Acc) -> Acc;
catch_in_loop(N, Acc) ->
    V = try if N rem 2 =:= 0 -> throw(N); true -> N end catch throw:T -> -T end,
    catch_in_loop(N - 1, Acc + V).

deep_throw(N) -> try down(N) catch throw:{bottom, D} -> D end.
down(0) -> throw({bottom, 0});
down(N) -> 1 + down(N - 1).

cleanup_order() ->
    Self = self(),
    put(log, []),
    try
        try throw(x) after put(log, [inner | get(log)]) end
    catch throw:x -> put(log, [outer | get(log)])
    after put(log, [final | get(log)])
    end,
    {Self =:= self(), lists:reverse(get(log))}.
