%% Sleeps ten minutes unless cancelled (then it cleans up and returns) or terminated.
-module(e2e_wait).
-export([run/1]).

run(_) ->
    case aion:sleep(600000) of
        ok -> woke_up;
        {error, cancelled} -> cleaned_up
    end.
