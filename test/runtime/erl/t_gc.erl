%% Garbage-collection workloads for runtime/gc tests.
-module(t_gc).
-export([garbage/1, keep/1, binaries/1, deep/1, id/1, matches/2]).

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
