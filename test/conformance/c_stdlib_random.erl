%% Pseudo-random inputs (a fixed LCG) for the natives under the binary and unicode modules,
%% compared with erl: binary:match/matches/split/replace over small alphabets with one or
%% several patterns, scopes and options; characters_to_binary/list over random chardata,
%% valid and invalid; phash/2 and phash2/1 of random terms.
-module(c_stdlib_random).
-export([main/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    {Bin, S1} = binaries(300, 1, []),
    {Uni, S2} = chardata(300, S1, []),
    {Hash, _} = hashes(300, S2, []),
    [Bin, Uni, Hash].

next(S) -> (S * 1103515245 + 12345) band 16#7FFFFFFF.
pick(S, N) -> (S bsr 8) rem N.

rand_bin(S, Len, Alphabet) -> rand_bin(S, Len, Alphabet, []).
rand_bin(S, 0, _, Acc) -> {list_to_binary(Acc), S};
rand_bin(S, N, A, Acc) -> S1 = next(S), rand_bin(S1, N - 1, A, [lists:nth(1 + pick(S1, length(A)), A) | Acc]).

binaries(0, S, Acc) -> {lists:reverse(Acc), S};
binaries(N, S, Acc) ->
    S1 = next(S),
    {Subject, S2} = rand_bin(S1, pick(S1, 40), "ab,c"),
    {P1, S3} = rand_bin(next(S2), 1 + pick(S2, 3), "ab,"),
    {P2, S4} = rand_bin(next(S3), 1 + pick(S3, 2), "abc"),
    Size = byte_size(Subject),
    Start = pick(S4, Size + 1),
    Len = pick(next(S4), Size - Start + 1),
    Opts = lists:nth(1 + pick(next(S4), 6), [[], [global], [trim], [global, trim], [global, trim_all], [{scope, {Start, Len}}, global]]),
    Pats = case pick(S4, 3) of 0 -> P1; 1 -> [P1, P2]; 2 -> binary:compile_pattern([P2, P1]) end,
    R = {?E(binary:match(Subject, Pats)), ?E(binary:match(Subject, Pats, [{scope, {Start, Len}}])),
         ?E(binary:matches(Subject, Pats)), ?E(binary:split(Subject, Pats, Opts)),
         ?E(binary:replace(Subject, Pats, <<"<>">>, [global, {insert_replaced, 1}])),
         binary:longest_common_prefix([Subject, P1]), binary:longest_common_suffix([Subject, P2]),
         ?E(binary:part(Subject, Start, Len - Start))},
    binaries(N - 1, next(S4), [R | Acc]).

% Random chardata: code points (some invalid), latin-1 and UTF-8 binaries (some broken), nesting.
element_of(S) ->
    case pick(S, 9) of
        0 -> {pick(S, 128), next(S)};
        1 -> {lists:nth(1 + pick(S, 6), [233, 8364, 16#1F600, 16#10FFFF, 255, 16#7FF]), next(S)};
        2 -> {lists:nth(1 + pick(S, 4), [-1, 16#D800, 16#110000, 16#DFFF]), next(S)};
        3 -> {unicode:characters_to_binary(lists:sublist([$a, 233, 8364, 16#1F600], 1 + pick(S, 4))), next(S)};
        4 -> {lists:nth(1 + pick(S, 6), [<<255>>, <<192, 128>>, <<237, 160, 128>>, <<226, 130>>, <<240>>, <<128>>]), next(S)};
        5 -> {E, S1} = element_of(next(S)), {[E], S1};
        6 -> {<<"plain">>, next(S)};
        7 -> {[], next(S)};
        _ -> {$z, next(S)}
    end.
rand_chardata(S, 0, Acc) -> {Acc, S};
rand_chardata(S, N, Acc) -> {E, S1} = element_of(S), rand_chardata(S1, N - 1, [E | Acc]).

chardata(0, S, Acc) -> {lists:reverse(Acc), S};
chardata(N, S, Acc) ->
    {Data, S1} = rand_chardata(next(S), pick(S, 6), []),
    Data2 = case pick(S1, 4) of 0 -> Data; 1 -> iolist_to_binary([X || X <- Data, is_binary(X)]); 2 -> [Data | <<"tail">>]; 3 -> Data end,
    Enc = lists:nth(1 + pick(S1, 3), [unicode, latin1, utf8]),
    R = {?E(unicode:characters_to_binary(Data2, Enc)), ?E(unicode:characters_to_list(Data2, Enc)),
         ?E(unicode:characters_to_binary(Data2, unicode, {utf16, little})),
         ?E(unicode:characters_to_list(unicode:characters_to_binary([X || X <- lists:flatten([Data2]), is_integer(X), X >= 0, X < 16#D800], unicode, utf32), utf32))},
    chardata(N - 1, next(S1), [R | Acc]).

rand_term(S, 0) -> {pick(S, 1000) - 500, next(S)};
rand_term(S, D) ->
    case pick(S, 8) of
        0 -> {list_to_atom([$a + pick(S, 26)]), next(S)};
        1 -> {(pick(S, 1000) + 1) * 1000000000000000000000, next(S)};
        2 -> {pick(S, 1000) / 7, next(S)};
        3 -> {B, S1} = rand_bin(S, pick(S, 10), "xyz"), {B, S1};
        4 -> {A, S1} = rand_term(next(S), D - 1), {B, S2} = rand_term(S1, D - 1), {{A, B}, S2};
        5 -> {A, S1} = rand_term(next(S), D - 1), {B, S2} = rand_term(S1, D - 1), {[A, B], S2};
        6 -> {A, S1} = rand_term(next(S), D - 1), {#{k => A}, S1};
        _ -> {[pick(S, 256), pick(next(S), 300)], next(next(S))}
    end.

hashes(0, S, Acc) -> {lists:reverse(Acc), S};
hashes(N, S, Acc) ->
    {T, S1} = rand_term(S, 3),
    hashes(N - 1, next(S1), [{erlang:phash(T, 1 bsl 32), erlang:phash2(T), erlang:phash2(T, 97)} | Acc]).
