%% Processes exercised by the host (CAF) tests.
-module(t_proc).
-export([receiver/1, sender/3, spinner/0, count_to/1, wait_native/1, dirty_native/1,
         idle/0, trap_and_wait/0, return_value/1, ring/2, crash/0]).

%% Receives N messages (any order) and returns how many arrived.
receiver(N) -> receiver(N, 0).
receiver(0, Got) -> Got;
receiver(N, Got) -> receive {msg, _} -> receiver(N - 1, Got + 1) end.

%% Sends Count messages to Pid, then exits.
sender(Pid, Tag, Count) -> [Pid ! {msg, {Tag, I}} || I <- lists:seq(1, Count)], ok.

spinner() -> spinner().

count_to(N) -> count_to(N, 0).
count_to(N, N) -> N;
count_to(N, I) -> count_to(N, I + 1).

wait_native(X) -> {got, t_native:suspend(X)}.
dirty_native(X) -> {dirty, t_native:slow(X)}.

idle() -> receive stop -> stopped end.

trap_and_wait() -> receive {'EXIT', _, Why} -> {trapped, Why} end.

return_value(X) -> {returned, X}.

%% A ring of N processes passing a token M times around.
ring(N, M) ->
    Self = self(),
    First = lists:foldl(fun(_, Next) -> spawn(fun() -> relay(Next) end) end, Self, lists:seq(1, N)),
    First ! {token, N * M},
    wait_ring(First).
relay(Next) -> receive {token, 0} = T -> Next ! T; {token, K} -> Next ! {token, K - 1}, relay(Next) end.
wait_ring(First) -> receive {token, 0} -> done; {token, K} -> First ! {token, K - 1}, wait_ring(First) end.

crash() -> error(deliberate).
