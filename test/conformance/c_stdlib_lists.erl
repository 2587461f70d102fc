%% OTP's lists module, loaded unmodified: every exported function family, sorting with
%% funs and keys, stability, and the natives under it (reverse/2, keyfind/3, member/2...).
-module(c_stdlib_lists).
-export([main/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    L = [5, 3, 9, 1, 7, 3, 8, 2, 6, 4, 0],
    P = [{b, 2, x}, {a, 3, y}, {c, 1, z}, {a, 1, w}, {b, 2, v}],
    [basics(L), sorting(L, P), keys(P), higher_order(L), sublists(L), misc(), errors()].

basics(L) ->
    [lists:reverse(L), lists:reverse(L, [x]), lists:append([[1], [], [2, 3]]), lists:append("ab", "cd"),
     lists:concat([a, "b", 1, 2.5]), lists:flatten([[1, [2]], [], [[[3]]]]), lists:flatten([a, [b]], [c]),
     lists:flatlength([1, [2, [3]]]), lists:sum(L), lists:sum([1.5, 2]), lists:max(L), lists:min(L),
     lists:max([a, 1, "s", {}]), lists:nth(4, L), lists:nthtail(8, L), lists:last(L), lists:droplast(L),
     lists:seq(1, 10), lists:seq(10, 1, -3), lists:seq(5, 4), lists:duplicate(3, ab),
     lists:member(9, L), lists:member(10, L), lists:delete(3, L), lists:subtract(L, [3, 9]),
     lists:prefix([5, 3], L), lists:suffix([4, 0], L), lists:zip([1, 2, 3], [a, b, c]),
     lists:zip3([1], [2], [3]), lists:unzip([{1, a}, {2, b}]), lists:unzip3([{1, 2, 3}, {4, 5, 6}]),
     lists:enumerate([a, b, c]), lists:enumerate(0, [a, b])].

sorting(L, P) ->
    Big = [(I * 7919) rem 1000 || I <- lists:seq(1, 3000)],
    Sorted = lists:sort(Big),
    [lists:sort(L), lists:sort(fun erlang:'>='/2, L), lists:usort(L), lists:usort(fun(A, B) -> A >= B end, L),
     lists:sort([b, 1, "a", {x}, 2.0, [], <<"b">>, c, 1.0]), lists:sort(P),
     lists:sort(fun({_, X, _}, {_, Y, _}) -> X =< Y end, P),
     lists:merge([1, 4, 9], [2, 3, 10]), lists:merge([[1, 5], [2, 6], [0, 3]]),
     lists:merge(fun(A, B) -> A >= B end, [9, 4, 1], [10, 3, 2]), lists:umerge([1, 2, 3], [2, 3, 4]),
     lists:merge3([1, 4], [2, 5], [3, 6]), lists:umerge3([1, 2], [2, 3], [3, 4]),
     lists:rmerge([3, 1], [4, 2]), lists:sort([3, 1.0, 1, 2.0, 2]), lists:usort([1, 1.0, 2, 2.0]),
     length(Sorted), lists:sublist(Sorted, 20), lists:nthtail(2980, Sorted),
     lists:sum(Sorted), lists:usort(Big) =:= lists:usort(Sorted), lists:sort([]), lists:sort([x])].

keys(P) ->
    [lists:keysort(1, P), lists:keysort(2, P), lists:keysort(3, P), lists:ukeysort(1, P), lists:ukeysort(2, P),
     lists:keymerge(1, [{a, 1}, {c, 3}], [{b, 2}, {d, 4}]), lists:ukeymerge(1, [{a, 1}, {b, 0}], [{b, 2}]),
     lists:keyfind(a, 1, P), lists:keyfind(z, 1, P), lists:keyfind(2, 2, P), lists:keymember(c, 1, P),
     lists:keymember(q, 1, P), lists:keysearch(b, 1, P), lists:keysearch(q, 1, P),
     lists:keydelete(a, 1, P), lists:keyreplace(b, 1, P, {b, 0, new}), lists:keystore(q, 1, P, {q}),
     lists:keystore(c, 1, P, {c, new}), lists:keytake(c, 1, P), lists:keytake(q, 1, P),
     lists:keymap(fun(X) -> X * 10 end, 2, P), lists:keyfind(1, 1, [{1.0, float}, {1, int}]),
     lists:keyfind(1.0, 1, [{1, int}, {1.0, float}])].

higher_order(L) ->
    Add = fun(X, Acc) -> X + Acc end,
    [lists:map(fun(X) -> X * 2 end, L), lists:filter(fun(X) -> X rem 2 =:= 0 end, L),
     lists:foldl(fun(X, Acc) -> [X | Acc] end, [], L), lists:foldr(fun(X, Acc) -> [X | Acc] end, [], L),
     lists:foldl(Add, 0, L), lists:mapfoldl(fun(X, S) -> {X * S, S + 1} end, 1, L),
     lists:mapfoldr(fun(X, S) -> {X + S, S * 2} end, 1, [1, 2, 3]), lists:all(fun is_integer/1, L),
     lists:any(fun(X) -> X > 8 end, L), lists:takewhile(fun(X) -> X > 2 end, L),
     lists:dropwhile(fun(X) -> X > 2 end, L), lists:splitwith(fun(X) -> X =/= 1 end, L),
     lists:partition(fun(X) -> X > 4 end, L), lists:flatmap(fun(X) -> [X, X] end, [1, 2, 3]),
     lists:filtermap(fun(X) when X > 5 -> {true, X * 100}; (X) -> X =:= 0 end, L),
     lists:zipwith(fun(A, B) -> A * B end, [1, 2, 3], [4, 5, 6]),
     lists:zipwith3(fun(A, B, C) -> A + B + C end, [1], [2], [3]), lists:search(fun(X) -> X > 7 end, L),
     lists:search(fun(X) -> X > 70 end, L), lists:uniq([3, 1, 3, 2, 1]), lists:uniq(fun(X) -> X rem 3 end, L),
     begin put(visited, []), lists:foreach(fun(X) -> put(visited, [X | get(visited)]) end, [1, 2, 3]), erase(visited) end].

sublists(L) ->
    [lists:sublist(L, 3), lists:sublist(L, 4, 3), lists:sublist(L, 10, 5), lists:split(4, L),
     lists:join(x, [a, b, c]), lists:join(x, []), lists:splitwith(fun(X) -> X < 9 end, L)].

misc() ->
    Deep = lists:foldl(fun(X, Acc) -> [X, Acc] end, [], lists:seq(1, 200)),
    [length(lists:flatten(Deep)), lists:reverse(lists:seq(1, 100000)) =:= lists:seq(100000, 1, -1),
     lists:sum(lists:seq(1, 100000)), lists:nth(50000, lists:seq(1, 100000)),
     lists:keysort(2, [{N, N rem 10} || N <- lists:seq(1, 50)]),
     string:join(["a", "b"], "-"), lists:min([3.0, 3]), lists:max([3, 3.0])].

errors() ->
    [?E(lists:nth(0, [1])), ?E(lists:last([])), ?E(lists:seq(1, 0, 1)), ?E(lists:split(5, [1])),
     ?E(lists:foldl(not_a_fun, 0, [1])), ?E(lists:keyfind(a, 0, [])), ?E(lists:reverse(x, [])),
     ?E(lists:member(a, [b | c])), ?E(lists:sum([a])), ?E(lists:max([])), ?E(lists:sort(x))].
