%% Processes: spawn, messages, selective receive, links, monitors, exit signals, names,
%% timers. Results are deterministic summaries (no pids).
-module(c_processes).
-export([main/0, echo/0, crasher/1, sleeper/0, counter/1]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    [ping_pong(), selective(), after_zero(), after_timeout(), links_trap(), link_normal(),
     link_kill(), monitor_down(), monitor_noproc(), demonitor_flush(), exit_normal_ignored(),
     exit_kill_untrappable(), registered_names(), send_to_unregistered(), timers(),
     cancel_timer(), spawn_monitor_reason(), refs_receive(), many_processes(1000),
     process_info_self(), alive_checks(), unlink_stops_signal(), trap_exit_message_shape(),
     exit_self_normal_trapped(), nested_links()].

echo() -> receive {From, Msg} -> From ! {self(), Msg}, echo(); stop -> ok end.

ping_pong() ->
    P = spawn(?MODULE, echo, []),
    R = [begin P ! {self(), N}, receive {P, M} -> M end end || N <- lists:seq(1, 100)],
    P ! stop,
    lists:sum(R).

selective() ->
    self() ! a, self() ! b, self() ! c,
    X = receive c -> got_c end,
    Y = receive M1 -> M1 end,
    Z = receive M2 -> M2 end,
    {X, Y, Z}.

after_zero() -> receive nothing -> no after 0 -> timeout end.

after_timeout() ->
    T0 = erlang:monotonic_time(millisecond),
    receive nothing -> no after 50 -> ok end,
    erlang:monotonic_time(millisecond) - T0 >= 50.

crasher(Reason) -> exit(Reason).

links_trap() ->
    process_flag(trap_exit, true),
    P = spawn_link(?MODULE, crasher, [boom]),
    R = receive {'EXIT', P, Why} -> Why end,
    process_flag(trap_exit, false),
    R.

link_normal() ->
    Self = self(),
    spawn(fun() -> process_flag(trap_exit, false), P = spawn_link(?MODULE, crasher, [normal]),
                   receive after 20 -> ok end, Self ! {alive, is_process_alive(P)} end),
    receive {alive, A} -> A end.

link_kill() ->
    process_flag(trap_exit, true),
    P = spawn_link(fun() -> receive never -> ok end end),
    exit(P, kill),
    R = receive {'EXIT', P, Why} -> Why end,
    process_flag(trap_exit, false),
    R.

monitor_down() ->
    {P, Ref} = spawn_monitor(?MODULE, crasher, [bye]),
    receive {'DOWN', Ref, process, P, Reason} -> Reason end.

monitor_noproc() ->
    P = spawn(fun() -> ok end),
    receive after 20 -> ok end,
    Ref = monitor(process, P),
    receive {'DOWN', Ref, process, P, R} -> R end.

demonitor_flush() ->
    P = spawn(fun() -> ok end),
    Ref = monitor(process, P),
    receive after 20 -> ok end,
    true = demonitor(Ref, [flush]),
    receive {'DOWN', Ref, _, _, _} -> leaked after 0 -> flushed end.

exit_normal_ignored() ->
    P = spawn(?MODULE, sleeper, []),
    exit(P, normal),
    receive after 20 -> ok end,
    A = is_process_alive(P),
    exit(P, kill),
    A.

sleeper() -> receive never -> ok end.

exit_kill_untrappable() ->
    P = spawn(fun() -> process_flag(trap_exit, true), receive never -> ok end end),
    Ref = monitor(process, P),
    receive after 10 -> ok end,
    exit(P, kill),
    receive {'DOWN', Ref, process, P, R} -> R end.

registered_names() ->
    P = spawn(?MODULE, echo, []),
    true = register(my_echo, P),
    my_echo ! {self(), hi},
    R = receive {P, M} -> M end,
    W = whereis(my_echo) =:= P,
    L = lists:member(my_echo, registered()),
    unregister(my_echo),
    U = whereis(my_echo),
    P ! stop,
    {R, W, L, U, ?E(register(bad, not_a_pid))}.

send_to_unregistered() -> try nobody_here ! hello catch error:E -> E end.

timers() ->
    erlang:send_after(30, self(), late),
    erlang:send_after(10, self(), early),
    T = erlang:start_timer(20, self(), middle),
    A = receive X1 -> X1 end,
    B = receive {timeout, T, M} -> M end,
    C = receive X2 -> X2 end,
    [A, B, C].

cancel_timer() ->
    T = erlang:send_after(1000, self(), never),
    Left = erlang:cancel_timer(T),
    Again = erlang:cancel_timer(T),
    {is_integer(Left) andalso Left > 900, Again, receive never -> got after 20 -> none end}.

spawn_monitor_reason() ->
    {P, Ref} = spawn_monitor(fun() -> 1 = 2 end),
    receive {'DOWN', Ref, process, P, {Reason, _Stack}} -> Reason end.

refs_receive() ->
    Ref = make_ref(),
    self() ! other,
    self() ! {Ref, value},
    V = receive {Ref, X} -> X end,
    O = receive Y -> Y end,
    {V, O}.

counter(Parent) -> receive {add, N} -> Parent ! {sum, N * 2} end.

many_processes(N) ->
    Self = self(),
    Ps = [spawn(?MODULE, counter, [Self]) || _ <- lists:seq(1, N)],
    [P ! {add, I} || {P, I} <- lists:zip(Ps, lists:seq(1, N))],
    lists:sum([receive {sum, S} -> S end || _ <- Ps]).

process_info_self() ->
    self() ! one, self() ! two,
    {message_queue_len, L} = process_info(self(), message_queue_len),
    receive one -> ok end, receive two -> ok end,
    put(k, v),
    {dictionary, D} = process_info(self(), dictionary),
    P = spawn(?MODULE, sleeper, []),
    {status, S} = process_info(P, status),
    Q = process_info(P, [message_queue_len, links]),
    exit(P, kill),
    {L, lists:member({k, v}, D), S, Q}.

alive_checks() ->
    P = spawn(fun() -> ok end),
    receive after 20 -> ok end,
    {is_process_alive(self()), is_process_alive(P), process_info(P, status)}.

unlink_stops_signal() ->
    process_flag(trap_exit, true),
    P = spawn_link(fun() -> receive go -> exit(bad) end end),
    unlink(P),
    P ! go,
    R = receive {'EXIT', P, _} -> got_exit after 50 -> no_exit end,
    process_flag(trap_exit, false),
    R.

trap_exit_message_shape() ->
    process_flag(trap_exit, true),
    P = spawn_link(fun() -> exit(shaped) end),
    R = receive {'EXIT', From, Why} -> {From =:= P, Why} end,
    process_flag(trap_exit, false),
    R.

exit_self_normal_trapped() ->
    process_flag(trap_exit, true),
    exit(self(), normal),
    R = receive {'EXIT', _, Why} -> Why after 100 -> nothing end,
    process_flag(trap_exit, false),
    R.

nested_links() ->
    Self = self(),
    Top = spawn(fun() ->
                        process_flag(trap_exit, true),
                        Mid = spawn_link(fun() -> spawn_link(fun() -> exit(leaf_died) end),
                                                  receive never -> ok end end),
                        receive {'EXIT', Mid, R} -> Self ! {top_saw, R} end
                end),
    receive {top_saw, R} -> {ok, R} after 1000 -> {timeout, Top} end.
