%% Term order across types and within types.
-module(c_order).
-export([main/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    Terms = [{1, 2}, [1], "abc", <<"abc">>, <<1:3>>, a, 'B', 1, 1.0, 2.5, -3, 1 bsl 80,
             make_ref_free, [], {}, #{}, #{a => 1}, {a}, [a | b], -1.0e10, <<>>, zebra, {1, 1}],
    [lists:sort(Terms), lists:usort([1, 1.0, 2, 2.0]), lists:sort([b, a, 'Z', aa]),
     1 < a, a < {}, {} < #{}, #{} < [], [] < [a], [a] < <<>>, {1, 2} < {1, 3}, {2} < {1, 1},
     [1, 2] < [1, 3], [1] < [1, 2], <<1>> < <<1, 0>>, <<2>> > <<1, 255>>, 1 == 1.0, 1 =:= 1.0,
     1 < 1.5, 2 > 1.5, 1 bsl 80 > 1.0e20, lists:max(Terms), lists:min(Terms),
     #{a => 1} < #{a => 2}, #{b => 1} > #{a => 2}, [x || _ <- lists:seq(1, 3)]].
