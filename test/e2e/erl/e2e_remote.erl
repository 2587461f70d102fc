%% One remote activity: Activity on task queue Queue with Value, retried up to 5 attempts.
-module(e2e_remote).
-export([run/1]).

run(#{<<"queue">> := Queue, <<"activity">> := Activity, <<"value">> := Value} = In) ->
    Opts0 = #{task_queue => Queue,
              retry => #{max_attempts => maps:get(<<"attempts">>, In, 5),
                         initial_interval_ms => 50}},
    Opts = case In of
               #{<<"heartbeat_ms">> := Hb} -> Opts0#{heartbeat_ms => Hb};
               _ -> Opts0
           end,
    case aion:activity(Activity, Value, Opts) of
        {ok, Result} -> #{result => Result};
        {error, Reason} -> #{failed => format(Reason)}
    end.

format(Reason) -> iolist_to_binary(io_lib:format("~p", [Reason])).
