%% A workflow that fails: its run closes with status failed.
-module(ops_fail).
-export([run/1]).

run(_) -> erlang:error(ops_boom).
