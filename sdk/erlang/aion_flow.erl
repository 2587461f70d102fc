%% The engine's natives behind the SDK (module aion). Each function is replaced by a native
%% registered by the engine before any workflow code loads; these bodies only run when no
%% engine is present.
-module(aion_flow).
-export([command/1, await/3, cancel/1, marker/1, record/1, query_reply/2, continue_as_new/1,
         workflow_id/0, cancel_requested/0]).

command(_) -> erlang:nif_error(no_engine).
await(_, _, _) -> erlang:nif_error(no_engine).
cancel(_) -> erlang:nif_error(no_engine).
marker(_) -> erlang:nif_error(no_engine).
record(_) -> erlang:nif_error(no_engine).
query_reply(_, _) -> erlang:nif_error(no_engine).
continue_as_new(_) -> erlang:nif_error(no_engine).
workflow_id() -> erlang:nif_error(no_engine).
cancel_requested() -> erlang:nif_error(no_engine).
