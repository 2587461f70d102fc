%% OTP's maps module, loaded unmodified, over flat (up to 32 keys) and hash-trie maps, with
%% iterators, folds, filters and the update_with/merge_with families. Large maps use integer
%% and binary keys only (atom keys of hash-trie maps iterate in aion's own order).
-module(c_stdlib_maps).
-export([main/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    M = #{a => 1, b => 2, c => 3},
    Big = maps:from_list([{I, I * I} || I <- lists:seq(1, 500)]),
    Bins = maps:from_list([{integer_to_binary(I), I} || I <- lists:seq(1, 100)]),
    [small(M), big(Big), bins(Bins), iterators(M, Big), errors(M)].

small(M) ->
    [maps:get(a, M), maps:get(z, M, default), maps:find(b, M), maps:find(z, M), maps:is_key(c, M),
     maps:keys(M), maps:values(M), maps:to_list(M), maps:size(M), maps:put(d, 4, M), maps:put(a, 0, M),
     maps:remove(a, M), maps:remove(z, M), maps:update(a, 10, M), maps:merge(M, #{c => 30, e => 5}),
     maps:merge_with(fun(_K, V1, V2) -> V1 + V2 end, M, #{a => 100, q => 1}),
     maps:update_with(a, fun(V) -> V * 7 end, M), maps:update_with(z, fun(V) -> V * 7 end, 42, M),
     maps:map(fun(K, V) -> {K, V} end, M), maps:filter(fun(_, V) -> V > 1 end, M),
     maps:filtermap(fun(a, _) -> false; (b, V) -> {true, V * 2}; (_, _) -> true end, M),
     maps:fold(fun(K, V, Acc) -> [{K, V} | Acc] end, [], M), maps:with([a, c, z], M), maps:without([a, z], M),
     maps:take(b, M), maps:take(z, M), maps:from_keys([x, y], 0), maps:groups_from_list(fun(X) -> X rem 2 end, [1, 2, 3, 4, 5]),
     maps:groups_from_list(fun(X) -> X rem 2 end, fun(X) -> X * 10 end, [1, 2, 3]),
     maps:intersect(M, #{a => x, z => y}), maps:intersect_with(fun(_, A, B) -> {A, B} end, M, #{b => q}),
     maps:new(), maps:is_key(a, #{}), maps:from_list([{k, 1}, {k, 2}]),
     #{1 => a, 1.0 => b}, maps:get(1.0, #{1 => a, 1.0 => b}), lists:sort(maps:keys(#{[1] => l, {t} => t, "s" => s}))].

big(Big) ->
    Sum = maps:fold(fun(K, V, Acc) -> Acc + K + V end, 0, Big),
    Updated = lists:foldl(fun(I, Acc) -> maps:update_with(I rem 50, fun(V) -> V + 1 end, 1, Acc) end, #{}, lists:seq(1, 1000)),
    Removed = maps:without(lists:seq(1, 500, 2), Big),
    [maps:size(Big), Sum, maps:get(250, Big), maps:find(501, Big), lists:sort(maps:keys(Updated)),
     lists:sort(maps:values(Updated)), maps:size(Removed), lists:sum(maps:keys(Removed)),
     maps:to_list(maps:filter(fun(K, _) -> K > 495 end, Big)),
     lists:sort(maps:to_list(maps:map(fun(K, V) -> V - K end, maps:with(lists:seq(1, 40), Big)))),
     maps:size(maps:merge(Big, maps:from_list([{I, x} || I <- lists:seq(400, 600)]))),
     maps:keys(maps:with([1, 2, 3], Big)), Big =:= maps:from_list(maps:to_list(Big)),
     maps:to_list(maps:from_list([{I, I} || I <- lists:seq(1, 40)]))].

bins(Bins) ->
    [maps:size(Bins), maps:get(<<"42">>, Bins), maps:keys(Bins), maps:values(Bins),
     maps:fold(fun(K, V, Acc) -> Acc + byte_size(K) * V end, 0, Bins)].

iterators(M, Big) ->
    Walk = fun Walk(I, Acc) -> case maps:next(I) of none -> lists:reverse(Acc); {K, V, Next} -> Walk(Next, [{K, V} | Acc]) end end,
    [Walk(maps:iterator(M), []), length(Walk(maps:iterator(Big), [])), Walk(maps:iterator(#{}), []),
     Walk(maps:iterator(maps:with(lists:seq(1, 33), Big)), [])].

errors(M) ->
    [?E(maps:get(z, M)), ?E(maps:update(z, 1, M)), ?E(maps:get(a, not_a_map)), ?E(maps:from_list([x])),
     ?E(maps:update_with(z, fun(V) -> V end, M)), ?E(maps:map(fun(_, V) -> V end, [])), ?E(maps:keys(x))].
