%% How the engine runs a workflow: the workflow process traps exits (its in-VM activities are
%% linked to it) and returns what Module:run/1 returns.
-module(aion_workflow).
-export([start/2]).

start(Module, Input) ->
    process_flag(trap_exit, true),
    Module:run(Input).
