%% The I/O server behind io:format/io:put_chars in aion: a process that speaks OTP's I/O
%% protocol and hands every piece of output to the host (aion_io_server:output/3, a native)
%% together with the pid that wrote it, so the node can log it with its workflow. There is no
%% input: workflow code has no I/O.
-module(aion_io_server).
-export([loop/1, output/3]).

loop(Stream) ->
    receive
        {io_request, From, ReplyAs, Request} ->
            From ! {io_reply, ReplyAs, request(Stream, From, Request)},
            loop(Stream);
        _Other ->
            loop(Stream)
    end.

request(Stream, From, {put_chars, Encoding, Chars}) ->
    put_chars(Stream, From, Encoding, Chars);
request(Stream, From, {put_chars, Encoding, M, F, A}) ->
    try apply(M, F, A) of
        Chars -> put_chars(Stream, From, Encoding, Chars)
    catch
        _:_ -> {error, F}
    end;
request(Stream, From, {put_chars, Chars}) ->
    put_chars(Stream, From, latin1, Chars);
request(Stream, From, {put_chars, M, F, A}) ->
    request(Stream, From, {put_chars, latin1, M, F, A});
request(Stream, From, {requests, Requests}) ->
    lists:foldl(fun(R, ok) -> request(Stream, From, R);
                   (_, Error) -> Error
                end, ok, Requests);
request(_, _, {setopts, _}) -> ok;
request(_, _, getopts) -> [{binary, false}, {encoding, unicode}];
request(_, _, {get_geometry, _}) -> {error, enotsup};
request(_, _, {get_chars, _, _}) -> eof;
request(_, _, {get_chars, _, _, _}) -> eof;
request(_, _, {get_line, _}) -> eof;
request(_, _, {get_line, _, _}) -> eof;
request(_, _, {get_until, _, _, _, _}) -> eof;
request(_, _, {get_until, _, _, _, _, _}) -> eof;
request(_, _, _) -> {error, request}.

put_chars(Stream, From, Encoding, Chars) ->
    case unicode:characters_to_binary(Chars, Encoding, unicode) of
        Bin when is_binary(Bin) -> output(Stream, From, Bin);
        _ -> {error, put_chars}
    end.

%% Replaced by a native that writes to the host's output sink.
output(_Stream, _From, _Bin) -> erlang:nif_error(undef).
