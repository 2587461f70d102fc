%% Tuples and records.
-module(c_tuples).
-export([main/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

-record(point, {x = 0, y = 0, label = none}).

main() ->
    P = #point{x = 3},
    Q = P#point{y = 4, label = "q"},
    T = {a, b, c, d},
    [P, Q, Q#point.y, element(2, T), setelement(1, T, z), tuple_size(T),
     erlang:append_element(T, e), erlang:insert_element(2, T, new), erlang:delete_element(3, T),
     tuple_to_list(T), list_to_tuple([1, 2, 3]), erlang:make_tuple(3, x),
     erlang:make_tuple(4, 0, [{2, a}, {4, b}]), is_record(P, point), is_record(T, point),
     {}, {{}}, {1, {2, {3, {4}}}}, size(T), ?E(element(5, T)), ?E(setelement(0, T, x)),
     record_info(fields, point), dist(Q), [X || #point{x = X} <- [P, Q, #point{x = 9}]]].

dist(#point{x = X, y = Y}) -> X * X + Y * Y.
