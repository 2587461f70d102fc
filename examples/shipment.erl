%% The shipment workflow, started by order as a child: print a label (an activity), wait for
%% the carrier's pick-up (a timer), and report the tracking number.
-module(shipment).
-export([run/1]).

run(#{<<"order_id">> := Id, <<"items">> := Items}) ->
    {ok, Tracking} = aion:activity({order_activities, print_label}, Id, #{}),
    ok = aion:sleep(200),
    #{tracking => Tracking, parcels => length(Items)}.
