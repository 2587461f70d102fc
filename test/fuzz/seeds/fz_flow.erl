%% Seed for the execution fuzzer: exceptions (try, catch, after, raise with stack traces),
%% receive with and without markers, processes, funs and apply.
-module(fz_flow).
-export([exceptions/0, messages/0, funs/0, procs/0, one/0]).

exceptions() ->
    A = try error(boom) catch error:R:St -> {R, is_list(St)} end,
    B = (catch throw(t)),
    C = try 1 + one() of X -> X catch _:_ -> bad after put(k, v) end,
    D = catch element(one() + 4, {}),
    E = try raise_again() catch exit:W -> W end,
    {A, B, C, D, E, get(k)}.

one() -> 1.

raise_again() ->
    try exit(inner)
    catch C:R:St -> erlang:raise(C, {again, R}, St)
    end.

messages() ->
    self() ! {m, 1},
    self() ! {m, 2},
    R = make_ref(),
    self() ! {R, ok},
    X = receive {R, V} -> V after 0 -> none end,
    Y = receive {m, N} -> N end,
    Z = receive nothing -> no after 0 -> timeout end,
    {X, Y, Z}.

funs() ->
    K = 3,
    F = fun(X) -> X * K end,
    G = fun ?MODULE:one/0,
    {F(2), G(), apply(F, [4]), apply(?MODULE, one, []), (fun(A, B) -> A - B end)(5, 1)}.

procs() ->
    Self = self(),
    P = spawn(fun() -> receive {ping, From} -> From ! pong end end),
    P ! {ping, Self},
    Got = receive pong -> pong after 1000 -> lost end,
    {Pid, Ref} = spawn_monitor(fun() -> exit(done) end),
    Down = receive {'DOWN', Ref, process, Pid, Why} -> Why end,
    {Got, Down}.
