%% Binary building and parsing: build a 2 MB binary of records, parse it back, 100 rounds.
-module(b_binary).
-export([run/0]).
run() -> lists:last([round() || _ <- lists:seq(1, 100)]).
round() ->
    Bin = build(100000, <<>>),
    {byte_size(Bin), parse(Bin, 0, 0)}.
build(0, Acc) -> Acc;
build(N, Acc) -> build(N - 1, <<Acc/binary, N:32, (N rem 256):8, "payload-", (N band 16#FFFF):16/little, 7:3, 0:5>>).
parse(<<>>, Count, Sum) -> {Count, Sum};
parse(<<N:32, B:8, "payload-", L:16/little, _:3, _:5, Rest/binary>>, Count, Sum) ->
    parse(Rest, Count + 1, Sum + N + B + L).
