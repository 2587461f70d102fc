%% io:format and io:put_chars through the group leader's I/O server.
-module(c_io).
-export([main/0]).

main() ->
    io:format("plain text~n"),
    io:format("~p ~w ~s ~b ~.2f ~e ~c ~ts~n", [[1, {a, "b"}], "w", "s", 255, 3.14159, 1.5, $x, <<"t">>]),
    io:format("~10s|~-10s|~5.2f|~10.3e~n", ["right", "left", 2.5, 12345.678]),
    io:put_chars(["iolist ", <<"binary">>, $\n]),
    io:fwrite("~p~n", [#{nested => [{deep, [1, 2, #{k => v}]}], list => lists:seq(1, 30)}]),
    io:nl(),
    Self = self(),
    spawn(fun() -> io:format("from a child~n"), Self ! done end),
    receive done -> ok end,
    printed.
