%% Seed for the execution fuzzer (beam_exec_fuzz.cpp): tuples, lists, records and maps taken
%% apart where the compiler knows their types, so mutations that drop a test or change a
%% register reach the instructions that trust their operands. Calls only natives.
-module(fz_data).
-export([tuples/0, lists/0, records/0, maps/0, typed/0]).

-record(r, {a = 1, b = [], c = {x, y}}).

tuples() ->
    T = mk(3),
    {A, B, C} = T,
    S = setelement(2, T, B + 1),
    {element(1, S), A + C, tuple_size(S), pick(T), pick({1, 2})}.

mk(N) -> {N, N * 2, N * 3}.

pick({X, _, _}) -> X;
pick({X, _}) -> X.

lists() ->
    L = build(10, []),
    [H | T] = L,
    {H, len(T, 0), sum(L), hd(tl(L)), zip(L, L)}.

build(0, Acc) -> Acc;
build(N, Acc) -> build(N - 1, [N | Acc]).

len([], N) -> N;
len([_ | T], N) -> len(T, N + 1).

sum([H | T]) -> H + sum(T);
sum([]) -> 0.

zip([A | As], [B | Bs]) -> [{A, B} | zip(As, Bs)];
zip(_, _) -> [].

records() ->
    R = #r{},
    R2 = R#r{a = 2, b = [R#r.a]},
    R3 = R2#r{c = {R2#r.a, R#r.c}},
    {R3#r.a, R3#r.b, R3#r.c, is_record(R3, r)}.

maps() ->
    M = #{a => 1, b => 2},
    M2 = M#{c => 3, a := 10},
    #{a := A, c := C} = M2,
    {A, C, map_size(M2), maps_get(b, M2), is_map_key(d, M2)}.

maps_get(K, #{} = M) -> map_get(K, M).

typed() ->
    P = pair(7),
    {X, Y} = P,
    F = half(float(X)),
    {X * Y, F * 2.0, first(list3())}.

pair(N) -> {N, N + 1}.
half(F) when is_float(F) -> F / 2.
list3() -> [a, b, c].
first([A | _]) -> A.
