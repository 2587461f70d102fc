%% Funs and closures, higher-order functions, apply.
-module(c_funs).
-export([main/0, twice/1]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    Add = fun(A) -> fun(B) -> A + B end end,
    Add5 = Add(5),
    Fact = fun F(0) -> 1; F(N) -> N * F(N - 1) end,
    Compose = fun(F, G) -> fun(X) -> F(G(X)) end end,
    [Add5(10), Fact(20), (Compose(fun twice/1, Add5))(1), (fun ?MODULE:twice/1)(21),
     lists:map(fun erlang:abs/1, [-1, 2, -3]), apply(?MODULE, twice, [4]), apply(Add5, [1]),
     erlang:apply(fun(X, Y) -> X * Y end, [6, 7]), is_function(Add5), is_function(Add5, 1),
     is_function(Add5, 2), erlang:fun_info(Add5, arity), erlang:fun_info(fun lists:map/2, module),
     counter(10), fold_closures(), [F2(3) || F2 <- [fun(X) -> X end, fun(X) -> X * X end]],
     (fun() -> {nested, (fun() -> inner end)()} end)(), fun lists:reverse/1 =:= fun lists:reverse/1,
     ?E((Add5)(1, 2)), ?E(apply(nomod, nofun, []))].

twice(X) -> 2 * X.

counter(N) -> lists:foldl(fun(I, F) -> fun() -> I + F() end end, fun() -> 0 end, lists:seq(1, N)).
fold_closures() -> (counter(5))().
