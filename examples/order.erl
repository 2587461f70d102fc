%% The order workflow: what a newcomer runs first (README, examples/demo.sh).
%%
%% 1. reserve the items' stock: an activity run inside the VM (order_activities), retried;
%% 2. charge the card: a remote activity on task queue "payments", served by any program
%%    (examples/charge_card.sh through `aion worker --exec`); its first attempt fails, so the
%%    history shows the retry;
%% 3. wait up to an hour (or the input's approval_timeout_ms) for the "approve" signal
%%    (`aion signal ID approve '{"by":"ann"}'`); without it, refund the charge;
%% 4. let the parcel be packed: a durable timer;
%% 5. ship it: a child workflow (shipment);
%% all along, the "status" query says where the order is (`aion query ID status`).
-module(order).
-export([run/1]).

run(#{<<"order_id">> := Id, <<"items">> := Items} = Input) ->
    status(<<"reserving stock">>),
    {ok, Reserved} = aion:activity({order_activities, reserve_stock},
                                   #{order_id => Id, items => Items},
                                   #{retry => #{max_attempts => 5, initial_interval_ms => 100}}),
    status(<<"charging the card">>),
    Amount = maps:get(<<"amount">>, Input, 100),
    {ok, Charge} = aion:activity(<<"charge_card">>, #{order_id => Id, amount => Amount},
                                 #{task_queue => <<"payments">>,
                                   start_to_close_ms => 30000,
                                   retry => #{max_attempts => 3, initial_interval_ms => 200}}),
    status(<<"waiting for approval">>),
    Patience = maps:get(<<"approval_timeout_ms">>, Input, 3600 * 1000),
    case aion:receive_signal(<<"approve">>, Patience) of
        {ok, Approval} ->
            status(<<"packing">>),
            ok = aion:sleep(300),
            status(<<"shipping">>),
            %% A child's input is passed as the term itself: binary keys make it look like
            %% the JSON input of a shipment started from the command line.
            {ok, Shipment} = aion:child(shipment, #{<<"order_id">> => Id, <<"items">> => Reserved},
                                        #{}),
            status(<<"shipped">>),
            #{order_id => Id,
              status => shipped,
              approved_by => approver(Approval),
              charge => Charge,
              shipment => Shipment};
        timeout ->
            status(<<"refunding">>),
            {ok, _} = aion:activity({order_activities, refund}, Charge, #{}),
            #{order_id => Id, status => cancelled}
    end.

%% The query handler answers with the status set last.
status(Text) ->
    aion:set_query_handler(<<"status">>, fun(_) -> Text end).

approver(#{<<"by">> := By}) -> By;
approver(_) -> null.
