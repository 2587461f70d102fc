%% Writes with io:format from the workflow, from its in-VM activity and from a process it
%% spawns (the node's log gets each, naming the workflow), and returns.
-module(e2e_logs).
-export([run/1, say/1]).

run(#{<<"marker">> := Marker}) ->
    io:format("e2e marker ~s~n", [Marker]),
    {ok, _} = aion:activity({e2e_logs, say}, <<"activity ", Marker/binary>>, #{}),
    Self = self(),
    spawn(fun() -> say(<<"spawned ", Marker/binary>>), Self ! said end),
    receive said -> ok end,
    done.

say(What) ->
    io:format("e2e ~s~n", [What]),
    ok.
