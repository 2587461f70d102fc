%% Returns its input: the smallest workflow.
-module(e2e_echo).
-export([run/1]).

run(Input) -> #{echo => Input}.
