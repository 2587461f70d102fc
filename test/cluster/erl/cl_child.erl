%% The child of cl_order: signals its parent (a workflow-to-workflow signal, usually to another
%% node) and returns n + 1 computed by an in-VM activity.
-module(cl_child).
-export([run/1, inc/1]).

run(#{<<"n">> := N, <<"parent">> := Parent}) ->
    ok = aion:signal_workflow(Parent, <<"from_child">>, N * 10),
    {ok, M} = aion:activity({cl_child, inc}, N, #{}),
    M.

inc(N) -> N + 1.
