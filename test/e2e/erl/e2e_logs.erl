%% Writes with io:format (the node's log gets it) and returns.
-module(e2e_logs).
-export([run/1]).

run(#{<<"marker">> := Marker}) ->
    io:format("e2e marker ~s~n", [Marker]),
    done.
