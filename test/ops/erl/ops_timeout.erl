%% A remote activity on a task queue nobody serves, with a short schedule-to-close timeout: it
%% times out, and the workflow completes with the error.
-module(ops_timeout).
-export([run/1]).

run(_) ->
    case aion:activity(<<"ops_unserved">>, 1,
                       #{task_queue => <<"ops_idle">>,
                         schedule_to_close_ms => 200,
                         retry => #{max_attempts => 1}}) of
        {ok, _} -> unexpected;
        {error, _} -> timed_out
    end.
