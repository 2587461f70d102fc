%% Version 1 of a workflow redeployed by the versioning test.
-module(wf_ver).
-export([run/1, which/1]).
run(_) ->
    {ok, _} = aion:receive_signal(<<"go">>, infinity),
    {ok, W} = aion:activity({wf_ver, which}, [], #{}),
    W.
which(_) -> 1.
