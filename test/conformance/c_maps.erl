%% Maps, small and large.
-module(c_maps).
-export([main/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    M = #{a => 1, b => 2},
    M2 = M#{c => 3, a := 10},
    Big = maps:from_list([{I, I * I} || I <- lists:seq(1, 100)]),
    Big2 = maps:remove(50, Big#{101 => x}),
    Mixed = #{1 => int, 1.0 => float, a => atom, "s" => string, {t} => tuple, <<"b">> => bin,
              [l] => list},
    [M, M2, map_size(M2), maps:get(b, M), maps:find(z, M), maps:is_key(a, M),
     maps:keys(M2), maps:values(M2), maps:to_list(M2), #{}, Mixed,
     map_size(Big), maps:get(77, Big), maps:get(missing, Big, default), map_size(Big2),
     lists:sum(maps:values(Big)), lists:sort(maps:keys(Big2)) =:= lists:sort(maps:keys(Big2)),
     maps:merge(M, #{b => 20, d => 4}), maps:update_with(a, fun(V) -> V + 1 end, M),
     maps:fold(fun(K, V, A) -> [{K, V} | A] end, [], M), maps:map(fun(_, V) -> V * 2 end, M),
     maps:filter(fun(K, _) -> K =/= a end, M2), maps:with([a, c], M2), maps:without([a], M2),
     case M of #{a := A, b := B} -> A + B end, match(M2), match(#{}),
     ?E(maps:get(zz, M)), ?E((M#{zz := 1})), ?E((not_a_map#{a => 1})),
     #{a => 1} < #{b => 1}, #{a => 2} > #{a => 1}, #{a => 1, b => 2} < #{c => 1}, Big, Big2].

match(#{c := C}) -> {c, C};
match(_) -> none.
