%% Garbage-collection workloads for runtime/gc tests.
-module(t_gc).
-export([garbage/1, keep/1, binaries/1, deep/1, id/1, matches/2]).
-export([big_binary/1, hold_binaries/1, drop_binaries/2, child_limit/0, lift_limit/0,
         spawn_idle/1, huge_tuple/1, hold/1]).

%% Allocates about N * 64 bytes of short-lived tuples and lists, keeping nothing.
garbage(N) -> garbage(N, 0).
garbage(0, Acc) -> Acc;
garbage(N, Acc) ->
    %% The remote call keeps the compiler from optimising the allocation away: 12 words.
    T = ?MODULE:id({N, [N, N + 1], {a, N}}),
    garbage(N - 1, Acc + element(1, T) rem 7).

id(X) -> X.

%% Builds a live list of N elements through many collections and returns its sum.
keep(N) -> lists:sum(keep(N, [])).
keep(0, Acc) -> Acc;
keep(N, Acc) -> keep(N - 1, [N | Acc]).

%% Creates N large (refc) binaries, keeping only the last one.
binaries(N) -> binaries(N, <<>>).
binaries(0, Last) -> byte_size(Last);
binaries(N, _) -> binaries(N - 1, list_to_binary(lists:duplicate(100, N rem 256))).

%% A nested term of depth N.
deep(0) -> leaf;
deep(N) -> {deep(N - 1)}.

%% Matches B N times: each round allocates a match context and a sub-binary (10 words) and
%% the loop has no heap check at all, so only the collection at a yield reclaims them.
matches(B, 0) -> B;
matches(B, N) -> <<_, R/binary>> = B, matches2(R, B, N).
matches2(_, B, N) -> matches(B, N - 1).

%% One binary of Bytes bytes, or the error that refused it.
big_binary(Bytes) ->
    try byte_size(binary:copy(<<7>>, Bytes))
    catch error:system_limit -> system_limit
    end.

%% Keeps N binaries of 100 kB each alive at once.
hold_binaries(N) -> length(hold_binaries(N, [])).
hold_binaries(0, Acc) -> Acc;
hold_binaries(N, Acc) -> hold_binaries(N - 1, [binary:copy(<<N:8>>, 100000) | Acc]).

%% With a live list of Live elements (a large heap that rarely fills), makes and drops N
%% binaries of 1 MB each.
drop_binaries(Live, N) -> drop_binaries(lists:seq(1, Live), N, 0).
drop_binaries(Big, 0, Acc) -> Acc + length(Big);
drop_binaries(Big, N, Acc) ->
    drop_binaries(Big, N - 1, Acc + byte_size(binary:copy(<<N:8>>, 1 bsl 20)) div (1 bsl 20)).

%% The maximum heap size a spawned process starts with.
child_limit() ->
    Self = self(),
    spawn(fun() -> Self ! {limit, erlang:process_flag(max_heap_size, 0)} end),
    receive {limit, L} -> L end.

%% Tries to lift this process's maximum heap size; returns what it is afterwards.
lift_limit() ->
    erlang:process_flag(max_heap_size, 0),
    erlang:process_flag(max_heap_size, 0).

%% Spawns N idle processes; system_limit when the VM refuses one.
spawn_idle(N) ->
    try [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, N)] of
        Pids -> length(Pids)
    catch error:system_limit -> system_limit
    end.

%% A tuple of N elements, built by one native call.
huge_tuple(N) -> tuple_size(erlang:make_tuple(N, 0)).

%% Holds a list of N integers and a 4 MB binary until told to stop.
hold(N) ->
    L = lists:seq(1, N),
    B = binary:copy(<<1>>, 4 bsl 20),
    receive stop -> length(L) + byte_size(B) end.
