%% OTP's collection modules, loaded unmodified: proplists, orddict, ordsets, sets (v1 and v2),
%% dict, gb_trees, gb_sets, queue and array. The sets and dict orders follow erlang:phash/2,
%% so their to_list results are compared as they come.
-module(c_stdlib_collections).
-export([main/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    [proplists(), orddict(), ordsets(), sets(), dict(), gb_trees(), gb_sets(), queues(), arrays()].

proplists() ->
    P = [{a, 1}, b, {c, 3}, {a, 4}, {d, true}, "str", {e, 1, 2}],
    [proplists:get_value(a, P), proplists:get_value(z, P), proplists:get_value(z, P, def),
     proplists:get_all_values(a, P), proplists:get_bool(b, P), proplists:get_bool(d, P),
     proplists:get_bool(c, P), proplists:lookup(c, P), proplists:lookup(z, P), proplists:lookup_all(a, P),
     proplists:is_defined(e, P), proplists:delete(a, P), proplists:get_keys(P),
     proplists:append_values(a, [{a, [1]}, {a, [2, 3]}]), proplists:compact([{a, true}, {b, 1}]),
     proplists:expand([{foo, [bar, baz]}], [fie, foo, fum]), proplists:normalize([a, {b, true}], [{aliases, [{a, x}]}]),
     proplists:split([{a, 1}, {b, 2}, c], [a, c]), proplists:substitute_aliases([{x, y}], [x, {x, 1}]),
     proplists:substitute_negations([{no_x, x}], [no_x]), proplists:unfold([a, {b, 1}]),
     proplists:to_map([a, {b, 2}, {a, 3}]), proplists:from_map(#{k => v}), proplists:property(a, true),
     proplists:property({a, 1})].

orddict() ->
    D = orddict:from_list([{c, 3}, {a, 1}, {b, 2}, {a, 0}]),
    D2 = orddict:store(d, 4, D),
    [D, orddict:fetch(a, D), orddict:find(z, D), orddict:is_key(b, D), D2, orddict:erase(c, D2),
     orddict:append(e, x, D), orddict:append_list(a, [y], orddict:store(a, [x], D)),
     orddict:update(a, fun(V) -> V + 10 end, D), orddict:update(q, fun(V) -> V end, 99, D),
     orddict:update_counter(b, 5, D), orddict:fold(fun(K, V, A) -> [{V, K} | A] end, [], D),
     orddict:map(fun(_, V) -> V * 2 end, D), orddict:filter(fun(_, V) -> V > 1 end, D),
     orddict:merge(fun(_, A, B) -> A + B end, D, orddict:from_list([{b, 10}, {z, 26}])),
     orddict:fetch_keys(D), orddict:to_list(D), orddict:size(D), orddict:take(a, D), ?E(orddict:fetch(z, D))].

ordsets() ->
    A = ordsets:from_list([5, 1, 3, 1, 9]),
    B = ordsets:from_list([3, 4, 5]),
    [A, ordsets:union(A, B), ordsets:union([A, B, [100]]), ordsets:intersection(A, B),
     ordsets:intersection([A, B, [3]]), ordsets:subtract(A, B), ordsets:is_element(9, A),
     ordsets:is_subset([1, 3], A), ordsets:is_disjoint(A, [2]), ordsets:add_element(2, A),
     ordsets:del_element(5, A), ordsets:fold(fun(X, S) -> X + S end, 0, A), ordsets:filter(fun(X) -> X > 2 end, A),
     ordsets:size(A), ordsets:to_list(A), ordsets:is_set(A), ordsets:is_set([2, 1]), ordsets:is_empty([])].

sets() ->
    S1 = sets:from_list([a, b, c, {x, 1}, "str", 42, 3.5, <<"bin">>]),
    S2 = sets:from_list(lists:seq(1, 300)),
    V2 = sets:from_list([c, a, b], [{version, 2}]),
    [sets:to_list(S1), sets:size(S1), sets:is_element(a, S1), sets:is_element(z, S1),
     sets:to_list(sets:add_element(new, S1)), sets:to_list(sets:del_element(a, S1)),
     sets:size(S2), lists:sum(sets:to_list(S2)), sets:to_list(S2),
     sets:to_list(sets:union(sets:from_list([1, 2]), sets:from_list([2, 3]))),
     sets:to_list(sets:intersection(sets:from_list([1, 2, 3]), sets:from_list([2, 3, 4]))),
     sets:to_list(sets:subtract(S2, sets:from_list(lists:seq(1, 295)))),
     sets:fold(fun(X, Acc) -> [X | Acc] end, [], sets:from_list([p, q, r])),
     sets:to_list(sets:filter(fun(X) -> X rem 50 =:= 0 end, S2)),
     sets:is_subset(sets:from_list([1]), S2), sets:is_disjoint(S1, S2), sets:is_set(S1),
     lists:sort(sets:to_list(V2)), sets:is_element(a, V2), sets:size(sets:new())].

dict() ->
    D = dict:from_list([{K, {K}} || K <- [a, b, c, d, e, 1, 2, {t}, "s"]]),
    Words = string:tokens("the cat and the dog and the bird", " "),
    Counts = lists:foldl(fun(W, Acc) -> dict:update_counter(W, 1, Acc) end, dict:new(), Words),
    Big = dict:from_list([{I, I} || I <- lists:seq(1, 200)]),
    [dict:to_list(Counts), dict:fetch("the", Counts), dict:find(b, dict:from_list([{b, 1}])),
     dict:size(Big), dict:to_list(dict:filter(fun(K, _) -> K > 190 end, Big)), dict:fetch_keys(Big),
     dict:to_list(dict:map(fun(_, V) -> V + 1 end, dict:from_list([{x, 1}, {y, 2}]))),
     dict:fold(fun(K, V, A) -> [{K, V} | A] end, [], dict:from_list([{k1, 1}, {k2, 2}, {k3, 3}])),
     dict:to_list(dict:append(x, 1, dict:append(x, 0, dict:new()))),
     dict:to_list(dict:merge(fun(_, A, B) -> A + B end, dict:from_list([{a, 1}, {b, 2}]), dict:from_list([{b, 3}]))),
     dict:is_key(z, Big), dict:to_list(dict:erase(1, dict:from_list([{1, a}, {2, b}]))),
     dict:to_list(dict:store(new, v, dict:from_list([{a, 1}]))), dict:size(D), dict:to_list(D), catch_fetch()].

catch_fetch() -> ?E(dict:fetch(missing, dict:new())).

gb_trees() ->
    T = lists:foldl(fun(K, Acc) -> gb_trees:insert(K, K * 10, Acc) end, gb_trees:empty(), [5, 2, 8, 1, 9, 3]),
    It = gb_trees:iterator(T),
    {K1, V1, It2} = gb_trees:next(It),
    {K2, _, _} = gb_trees:next(It2),
    [gb_trees:to_list(T), gb_trees:lookup(8, T), gb_trees:lookup(7, T), gb_trees:get(2, T), gb_trees:size(T),
     gb_trees:keys(T), gb_trees:values(T), gb_trees:smallest(T), gb_trees:largest(T),
     gb_trees:to_list(gb_trees:delete(5, T)), gb_trees:to_list(gb_trees:enter(5, x, T)),
     gb_trees:to_list(gb_trees:update(1, y, T)), gb_trees:is_defined(3, T), gb_trees:take_smallest(T),
     gb_trees:to_list(gb_trees:balance(T)), gb_trees:to_list(gb_trees:map(fun(_, V) -> -V end, T)),
     K1, V1, K2, gb_trees:to_list(gb_trees:from_orddict([{a, 1}, {b, 2}])), T,
     gb_trees:size(lists:foldl(fun(K, Acc) -> gb_trees:enter(K rem 97, K, Acc) end, gb_trees:empty(), lists:seq(1, 1000))),
     ?E(gb_trees:insert(5, dup, T)), element(1, gb_trees:next(gb_trees:iterator_from(4, T)))].

gb_sets() ->
    S = gb_sets:from_list([3, 1, 4, 1, 5, 9, 2, 6]),
    [gb_sets:to_list(S), gb_sets:size(S), gb_sets:is_member(4, S), gb_sets:is_element(7, S),
     gb_sets:to_list(gb_sets:add(7, S)), gb_sets:to_list(gb_sets:delete_any(1, S)), gb_sets:smallest(S),
     gb_sets:largest(S), gb_sets:to_list(gb_sets:union(S, gb_sets:from_list([10, 11]))),
     gb_sets:to_list(gb_sets:intersection(S, gb_sets:from_list([1, 2, 3, 100]))),
     gb_sets:to_list(gb_sets:difference(S, gb_sets:from_list([1, 2]))), gb_sets:is_subset(gb_sets:from_list([1]), S),
     gb_sets:fold(fun(X, A) -> X + A end, 0, S), gb_sets:to_list(gb_sets:filter(fun(X) -> X > 3 end, S)),
     gb_sets:take_largest(S), S, gb_sets:next(gb_sets:iterator(S))].

queues() ->
    Q = queue:from_list([1, 2, 3]),
    Q2 = queue:in(4, queue:in_r(0, Q)),
    {{value, H}, Q3} = queue:out(Q2),
    {{value, T}, Q4} = queue:out_r(Q3),
    [queue:to_list(Q2), H, T, queue:to_list(Q4), queue:len(Q2), queue:is_empty(queue:new()), queue:out(queue:new()),
     queue:peek(Q), queue:peek_r(Q), queue:to_list(queue:reverse(Q)), queue:to_list(queue:join(Q, Q)),
     queue:split(2, Q), queue:member(2, Q), queue:to_list(queue:filter(fun(X) -> X > 1 end, Q)),
     queue:head(Q), queue:last(Q), queue:to_list(queue:drop(Q)), queue:to_list(queue:drop_r(Q)),
     queue:get(Q), queue:get_r(Q), queue:to_list(queue:cons(z, Q)), queue:to_list(queue:snoc(Q, z)),
     queue:fold(fun(X, A) -> X + A end, 0, Q), queue:any(fun(X) -> X > 2 end, Q), queue:all(fun(X) -> X > 2 end, Q),
     queue:to_list(queue:delete(2, Q)), queue:to_list(queue:filtermap(fun(X) -> {true, X * 3} end, Q)),
     Q2, ?E(queue:head(queue:new())), queue:len(lists:foldl(fun queue:in/2, queue:new(), lists:seq(1, 10000)))].

arrays() ->
    A = array:from_list([a, b, c, d]),
    A2 = array:set(20, z, A),
    Big = lists:foldl(fun(I, Acc) -> array:set(I, I * I, Acc) end, array:new(), lists:seq(0, 2000)),
    [array:to_list(A), array:size(A), array:get(2, A), array:size(A2), array:get(10, A2), array:to_list(A2),
     array:sparse_to_orddict(A2), array:default(array:new([{default, q}])), array:get(5, array:new([{default, q}])),
     array:foldl(fun(I, V, Acc) -> [{I, V} | Acc] end, [], A), array:foldr(fun(_, V, Acc) -> [V | Acc] end, [], A),
     array:to_list(array:map(fun(I, V) -> {I, V} end, A)), array:to_list(array:resize(2, A)),
     array:is_array(A), array:is_fix(array:fix(A)), array:get(1500, Big), array:size(Big),
     lists:sum(array:to_list(Big)), array:sparse_size(A2), array:to_orddict(array:from_list([x, y])),
     array:to_list(array:from_orddict([{0, a}, {3, d}])), array:to_list(array:reset(1, A)),
     ?E(array:get(10, array:fix(A))), ?E(array:set(-1, x, A)), array:new(3), A].
