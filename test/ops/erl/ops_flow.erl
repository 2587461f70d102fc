%% The operations suite's main workflow: an in-VM activity, a remote activity (served by the
%% test's worker, whose first attempt fails), a durable timer, then a wait for the "go" signal
%% while the "stage" query answers.
-module(ops_flow).
-export([run/1, double/1]).

run(#{<<"n">> := N}) ->
    stage(<<"working">>),
    {ok, Doubled} = aion:activity({ops_flow, double}, N, #{}),
    {ok, Charged} = aion:activity(<<"ops_charge">>, #{n => Doubled},
                                  #{task_queue => <<"ops">>,
                                    start_to_close_ms => 30000,
                                    retry => #{max_attempts => 3, initial_interval_ms => 20}}),
    ok = aion:sleep(20),
    stage(<<"waiting">>),
    case aion:receive_signal(<<"go">>, 600000) of
        {ok, Go} -> #{doubled => Doubled, charged => Charged, go => Go};
        timeout -> #{doubled => Doubled, charged => Charged, go => timeout}
    end.

%% The in-VM activity.
double(N) -> N * 2.

stage(Text) -> aion:set_query_handler(<<"stage">>, fun(_) -> Text end).
