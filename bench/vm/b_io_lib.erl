%% io_lib:format of 100,000 mixed terms (OTP's io_lib, io_lib_format and io_lib_pretty loaded
%% unmodified): ~p of nested terms, ~w, ~s, ~b, ~.2f, ~e and padded fields; the checksum is
%% the total length and erlang:phash2 of the flattened text.
-module(b_io_lib).
-export([run/0]).
run() -> loop(100000, 0, 0).
loop(0, Len, Hash) -> {Len, Hash};
loop(N, Len, Hash) ->
    T = term(N),
    S = lists:flatten(io_lib:format("~p|~w|~s|~8b|~.2f|~e|~-10s|~c~n",
                                    [T, {N, [a, b]}, "label", N, N / 7, N * 1.5, integer_to_list(N), $a + N rem 26])),
    loop(N - 1, Len + length(S), (Hash + erlang:phash2(S)) rem 16#7FFFFFF).
term(N) ->
    case N rem 5 of
        0 -> {record, N, "a string", [1, 2, 3], #{key => N}};
        1 -> [N, N * 2.5, atom, <<"binary">>, {nested, {deeper, [x, y]}}];
        2 -> "plain string " ++ integer_to_list(N);
        3 -> {N, 'Quoted Atom', <<1, 2, 3>>, [{k, v}, {k2, "v2"}]};
        _ -> lists:seq(1, 10 + N rem 10)
    end.
