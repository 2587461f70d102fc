%% Runs a conformance program's main/0 under the real erl with an I/O server that captures
%% what it prints, so the expected output holds its io:format text (as UTF-8) and its result.
-module(conformance_capture).
-export([run/1]).

run(M) ->
    Self = self(),
    Cap = spawn(fun() -> loop(Self, []) end),
    Old = group_leader(),
    group_leader(Cap, self()),
    R = try M:main() of V -> V catch C:E -> {uncaught, C, E} end,
    group_leader(Old, self()),
    Cap ! {get, self()},
    receive {captured, Out} -> [Out, io_lib:format("~w~n", [R])] end.

loop(Owner, Acc) ->
    receive
        {io_request, From, ReplyAs, Request} ->
            {Reply, Acc2} = request(Request, Acc),
            From ! {io_reply, ReplyAs, Reply},
            loop(Owner, Acc2);
        {get, P} ->
            P ! {captured, iolist_to_binary(lists:reverse(Acc))}
    end.

request({put_chars, Enc, Chars}, Acc) -> {ok, [unicode:characters_to_binary(Chars, Enc, unicode) | Acc]};
request({put_chars, Enc, M, F, A}, Acc) -> request({put_chars, Enc, apply(M, F, A)}, Acc);
request({put_chars, Chars}, Acc) -> request({put_chars, latin1, Chars}, Acc);
request({requests, Rs}, Acc) ->
    lists:foldl(fun(R, {ok, A}) -> request(R, A); (_, Error) -> Error end, {ok, Acc}, Rs);
request(getopts, Acc) -> {[{binary, false}, {encoding, unicode}], Acc};
request({setopts, _}, Acc) -> {ok, Acc};
request(_, Acc) -> {{error, request}, Acc}.
