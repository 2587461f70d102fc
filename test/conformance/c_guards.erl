%% Guards and pattern matching.
-module(c_guards).
-export([main/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    [classify(X) || X <- [1, -1, 0, 1.5, a, "s", <<"b">>, {t}, [l], #{}, fun() -> ok end, self()]],
    [g2(X) || X <- [{1, 2}, {a, b, c}, [1 | 2], 42, 3.0]],
    [bool(A, B) || A <- [true, false], B <- [true, false]].

classify(X) when is_integer(X), X > 0 -> pos_int;
classify(X) when is_integer(X), X < 0 -> neg_int;
classify(0) -> zero;
classify(X) when is_float(X) -> float;
classify(X) when is_atom(X) -> atom;
classify(X) when is_list(X), length(X) > 0, is_integer(hd(X)) -> string;
classify(X) when is_binary(X) -> binary;
classify(X) when is_tuple(X), tuple_size(X) =:= 1 -> one_tuple;
classify(X) when is_list(X) -> list;
classify(X) when is_map(X), map_size(X) =:= 0 -> empty_map;
classify(X) when is_function(X, 0) -> fun0;
classify(X) when is_pid(X) -> pid.

g2({A, B}) when A < B, (A + B) rem 3 =:= 0 -> {pair_div3, A + B};
g2({_, _, _} = T) when element(1, T) =:= a -> starts_with_a;
g2([_ | T]) when not is_list(T) -> improper;
g2(N) when N > 40 andalso N < 50; N =:= 0 -> forties;
g2(F) when F == 3 -> equals_three.

bool(A, B) -> {A and B, A or B, A xor B, not A, A andalso B, A orelse B}.
