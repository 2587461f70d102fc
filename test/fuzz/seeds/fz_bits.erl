%% Seed for the execution fuzzer: binary matching with backtracking between clauses
%% (bs_get_position/bs_set_position), match contexts passed to local functions, UTF-8,
%% floats and integers in segments, and binaries built by appends.
-module(fz_bits).
-export([parse/0, utf/0, build/0, fields/0]).

parse() ->
    B = <<1, 2, 3, 4, 5, 6, 7, 8, "abc">>,
    {words(B, []), tag(<<2, 0, 5>>), tag(<<1, 9>>), tag(<<3>>)}.

words(<<W:16, Rest/binary>>, Acc) -> words(Rest, [W | Acc]);
words(<<_:8>>, Acc) -> Acc;
words(<<>>, Acc) -> Acc.

tag(<<1, X>>) -> {one, X};
tag(<<2, X:16>>) -> {two, X};
tag(<<_, _/bits>>) -> other.

utf() ->
    S = <<"héllo wörld"/utf8>>,
    {count(S, 0), [C || <<C/utf8>> <= S]}.

count(<<_/utf8, R/binary>>, N) -> count(R, N + 1);
count(<<>>, N) -> N.

build() ->
    B = lists_to_bin([1, 2, 300, 4], <<>>),
    {byte_size(B), B, <<1.5/float, 7:3, 1:5>>, <<(-1):12/little-signed, 0:4>>}.

lists_to_bin([H | T], Acc) -> lists_to_bin(T, <<Acc/binary, H:16>>);
lists_to_bin([], Acc) -> Acc.

fields() ->
    <<A:4, B:12, F:32/float, Rest/binary>> = <<16#12, 16#34, 1.0:32/float, "xyz">>,
    {A, B, F, Rest, split(<<"k=v;a=b">>)}.

split(Bin) -> split(Bin, <<>>, []).
split(<<$;, R/binary>>, Cur, Acc) -> split(R, <<>>, [Cur | Acc]);
split(<<C, R/binary>>, Cur, Acc) -> split(R, <<Cur/binary, C>>, Acc);
split(<<>>, Cur, Acc) -> [Cur | Acc].
