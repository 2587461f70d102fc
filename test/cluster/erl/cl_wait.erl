%% A workflow that waits for the test's signal, then sleeps: used to keep many workflows open on
%% every node while nodes pause, restart or lose their database.
-module(cl_wait).
-export([run/1]).

run(#{<<"n">> := N}) ->
    {ok, P} = aion:receive_signal(<<"go">>, 300000),
    ok = aion:sleep(50),
    {ok, Q} = aion:activity({cl_order, add}, #{<<"x">> => N, <<"y">> => P}, #{}),
    Q.
