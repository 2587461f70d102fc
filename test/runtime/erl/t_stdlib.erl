%% Calls into the standard library for stdlib_load_test.cpp: refused modules, port BIFs and
%% erlang.beam's functions written in Erlang.
-module(t_stdlib).
-export([refused_file/0, refused_port/0, erlang_beam/0, unimplemented_builtin/0, formatted/0]).

refused_file() -> try file:read_file("/etc/hostname") catch Class:Reason -> {Class, Reason} end.

refused_port() -> try open_port({spawn, "true"}, []) catch Class:Reason -> {Class, Reason} end.

erlang_beam() -> {max(1, 2), lists:keyfind(arity, 1, erlang:fun_info(fun lists:map/2)), atom_to_binary(abc)}.

unimplemented_builtin() ->
    try erlang:dt_get_tag() catch Class:Reason -> {Class, Reason} end.

formatted() -> lists:flatten(io_lib:format("~p ~s ~.2f", [{a, [1, 2]}, "x", 1.5])).
