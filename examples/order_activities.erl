%% The in-VM activities of the order example. An activity may do anything a workflow must not
%% (its result is recorded once and replayed afterwards); these compute their answers.
-module(order_activities).
-export([reserve_stock/1, print_label/1, refund/1]).

%% Reserves each item in a warehouse chosen from the item.
reserve_stock(Input) ->
    [#{item => Item, warehouse => warehouse(Item)} || Item <- field(items, Input)].

print_label(OrderId) when is_binary(OrderId) ->
    <<"TRK-", OrderId/binary>>.

refund(Charge) ->
    #{refunded => Charge}.

%% A field of a map whose keys are atoms (as the workflow built it) or binaries (as JSON
%% decoding makes them).
field(Key, Map) ->
    case Map of
        #{Key := Value} -> Value;
        _ -> maps:get(atom_to_binary(Key), Map)
    end.

warehouse(Item) when is_integer(Item), Item rem 2 =:= 0 -> <<"north">>;
warehouse(_) -> <<"south">>.
