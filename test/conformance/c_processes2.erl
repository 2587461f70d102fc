%% More process semantics: spawn_opt, names in monitors and timers, timer options, process
%% info items, shared large binaries, heap limits, receive markers in a long mailbox.
-module(c_processes2).
-export([main/0, named_echo/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    [spawn_opt_link_monitor(), monitor_by_name(), monitor_unregistered_name(),
     send_after_to_name(), start_timer_abs(), cancel_timer_async(), read_timer(),
     demonitor_info(), register_twice(), unregister_unknown(), big_binary_message(),
     heap_limit(), marker_in_long_mailbox(), exit_self_kill_not_caught(),
     process_flag_values(), link_to_dead(), spawn_bad_args(), group_leader_inherited()].

named_echo() -> receive {From, M} -> From ! {echo, M} end.

spawn_opt_link_monitor() ->
    process_flag(trap_exit, true),
    {P, Ref} = spawn_opt(fun() -> exit(both) end, [link, monitor, {min_heap_size, 1000}]),
    A = receive {'DOWN', Ref, process, P, R1} -> R1 end,
    B = receive {'EXIT', P, R2} -> R2 end,
    process_flag(trap_exit, false),
    {A, B}.

monitor_by_name() ->
    P = spawn(fun() -> receive go -> exit(named_exit) end end),
    register(watched, P),
    Ref = monitor(process, watched),
    P ! go,
    receive {'DOWN', Ref, process, Who, Why} -> {Who, Why} end.

monitor_unregistered_name() ->
    Ref = monitor(process, nobody),
    receive {'DOWN', Ref, process, Who, Why} -> {Who, Why} end.

send_after_to_name() ->
    register(me_myself, self()),
    erlang:send_after(5, me_myself, hello_name),
    R = receive hello_name -> ok end,
    unregister(me_myself),
    R.

start_timer_abs() ->
    Now = erlang:monotonic_time(millisecond),
    T = erlang:start_timer(Now + 10, self(), abs_tick, [{abs, true}]),
    receive {timeout, T, abs_tick} -> fired end.

cancel_timer_async() ->
    T = erlang:send_after(500, self(), never),
    ok = erlang:cancel_timer(T, [{async, true}, {info, true}]),
    receive {cancel_timer, T, Left} -> is_integer(Left) end.

read_timer() ->
    T = erlang:send_after(1000, self(), later),
    L = erlang:read_timer(T),
    erlang:cancel_timer(T),
    {L > 900, erlang:read_timer(T)}.

demonitor_info() ->
    P = spawn(fun() -> receive stop -> ok end end),
    Ref = monitor(process, P),
    A = demonitor(Ref, [info]),
    B = demonitor(Ref, [info]),
    P ! stop,
    {A, B}.

register_twice() ->
    P = spawn(fun() -> receive stop -> ok end end),
    true = register(twice, P),
    R = ?E(register(twice, self())),
    unregister(twice),
    P ! stop,
    R.

unregister_unknown() -> ?E(unregister(never_registered)).

big_binary_message() ->
    Big = list_to_binary(lists:duplicate(1000, 7)),
    P = spawn(fun() -> receive {From, B} -> From ! {size, byte_size(B), B} end end),
    P ! {self(), Big},
    receive {size, S, Back} -> {S, Back =:= Big} end.

heap_limit() ->
    {P, Ref} = spawn_opt(fun() -> lists:seq(1, 10000000) end,
                         [monitor, {max_heap_size, 100000}]),
    receive {'DOWN', Ref, process, P, Why} -> Why end.

marker_in_long_mailbox() ->
    [self() ! {noise, I} || I <- lists:seq(1, 10000)],
    Ref = make_ref(),
    self() ! {Ref, answer},
    A = receive {Ref, X} -> X end,
    N = drain(0),
    {A, N}.

drain(N) -> receive {noise, _} -> drain(N + 1) after 0 -> N end.

exit_self_kill_not_caught() ->
    {P, Ref} = spawn_monitor(fun() -> try exit(self(), kill) catch _:_ -> caught end, not_reached end),
    receive {'DOWN', Ref, process, P, Why} -> Why end.

process_flag_values() ->
    Old = process_flag(trap_exit, true),
    Cur = process_flag(trap_exit, false),
    {Old, Cur, ?E(process_flag(trap_exit, maybe))}.

link_to_dead() ->
    P = spawn(fun() -> ok end),
    receive after 20 -> ok end,
    A = ?E(link(P)),
    process_flag(trap_exit, true),
    true = link(P),
    B = receive {'EXIT', P, Why} -> Why after 100 -> none end,
    process_flag(trap_exit, false),
    {A, B}.

spawn_bad_args() -> {?E(spawn(1, 2, 3)), ?E(spawn(m, f, not_a_list))}.

group_leader_inherited() ->
    Self = self(),
    GL = group_leader(),
    spawn(fun() -> Self ! {gl, group_leader()} end),
    receive {gl, G} -> G =:= GL end.
