%% Waits for the "go" signal, answering the "state" query meanwhile, and returns what came.
-module(e2e_signal).
-export([run/1]).

run(Input) ->
    aion:set_query_handler(<<"state">>, fun(Args) -> #{waiting => true, asked => Args} end),
    {ok, Payload} = aion:receive_signal(<<"go">>, infinity),
    #{input => Input, signal => Payload}.
