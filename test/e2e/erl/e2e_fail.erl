%% Crashes: the run fails with the error recorded.
-module(e2e_fail).
-export([run/1]).

run(_) -> erlang:error(deliberate_failure).
