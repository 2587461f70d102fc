%% io_lib:format (OTP's io_lib, io_lib_format and io_lib_pretty, loaded unmodified) with every
%% control sequence: field widths, precision, padding characters, * arguments, the t and l
%% modifiers, and ~p of nested terms. Results are flattened so ~w compares characters.
-module(c_io_lib).
-export([main/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

f(Format, Args) -> try lists:flatten(io_lib:format(Format, Args)) catch Class:Reason -> {Class, Reason} end.

main() ->
    [strings(), numbers(), floats(), terms(), pretty(), misc(), errors()].

strings() ->
    [f("~s", ["abc"]), f("~s", [<<"bin">>]), f("~s", [abc]), f("~s", [[$a, [$b, <<"c">>]]]),
     f("~10s|", ["abc"]), f("~-10s|", ["abc"]), f("~.2s|", ["abcdef"]), f("~10.2s|", ["abcdef"]),
     f("~-10.2.*s|", [$*, "abcdef"]), f("~10..xs|", ["ab"]), f("~*s|", [6, "ab"]), f("~*.*s|", [6, 1, "ab"]),
     f("~ts", ["日本"]), f("~ts", [<<"grüße"/utf8>>]), f("~10ts|", ["é"]), f("~s", ["é"]),
     f("~c", [$a]), f("~5c", [$x]), f("~-5c|", [$x]), f("~.3c", [$y]), f("~tc", [16#65E5]),
     f("~~ ~n", []), f("a~nb", []), f("~i~s", [ignored, "x"]), f("~w ~s", [[1, 2], ""])].

numbers() ->
    [f("~b", [10]), f("~b", [-10]), f("~.2b", [10]), f("~.16b", [255]), f("~.16B", [255]), f("~.36b", [1295]),
     f("~8.2b|", [5]), f("~-8.2b|", [5]), f("~8.2.0b|", [5]), f("~x", [255, "0x"]), f("~.16x", [255, "#"]),
     f("~.16X", [255, "#"]), f("~.16X", [-255, "#"]), f("~#", [255]), f("~.16#", [255]), f("~.2#", [-5]),
     f("~+", [255]), f("~.16+", [255]), f("~.16+", [-255]), f("~w", [123456789012345678901234567890]),
     f("~b", [123456789012345678901234567890]), f("~.16b", [-16#DEADBEEFCAFEBABE1234]),
     f("~5w|", [42]), f("~-5w|", [42]), f("~2w|", [12345]), f("~5..0w|", [42]), f("~.5w|", [42])].

floats() ->
    Pi = math:pi(),
    [f("~f", [Pi]), f("~.2f", [Pi]), f("~.0f", [2.5]), f("~.0f", [3.5]), f("~10.3f|", [Pi]), f("~-10.3f|", [Pi]),
     f("~10.3.0f|", [-Pi]), f("~e", [Pi]), f("~.3e", [Pi]), f("~12.4e|", [-123456.789]), f("~e", [0.0]),
     f("~g", [Pi]), f("~g", [1.0e-10]), f("~g", [123456789.0]), f("~.3g", [0.0001234]), f("~f", [1.0e20]),
     f("~.1f", [0.05]), f("~.1f", [0.15]), f("~.1f", [0.25]), f("~.1f", [-0.05]), f("~.10f", [1/3]),
     f("~f", [5]), f("~.2f", [-0.0]), f("~w", [0.1]), f("~w", [1.0e100]), f("~w", [-2.5e-8]), f("~p", [1/3]),
     f("~.3f", [1.0005]), f("~.3f", [2.0e-7]), f("~e", [1.0e-300]), f("~.20f", [0.1]), f("~f", [123456789012345.0])].

terms() ->
    T = {atom, 'Quoted Atom', "string", <<"bin">>, <<1, 2, 3>>, [1, 2 | 3], 1.5, -7, #{k => v}, {}, [], <<>>},
    [f("~w", [T]), f("~p", [T]), f("~W", [lists:seq(1, 20), 5]), f("~P", [lists:seq(1, 20), 5]),
     f("~W", [{a, {b, {c, {d, {e}}}}}, 3]), f("~P", [{a, {b, {c, {d, {e}}}}}, 3]), f("~p", [[65, 66, 67]]),
     f("~lp", [[65, 66, 67]]), f("~w", ["abc"]), f("~p", [[1, 2, 300]]), f("~p", ["a\nb\"c"]), f("~p", ['a\'b']),
     f("~p", [[]]), f("~p", ['']), f("~p", [<<"abc">>]), f("~p", [<<200, 201>>]), f("~tp", [<<"é"/utf8>>]),
     f("~p", [<<"é"/utf8>>]), f("~tp", ["日本"]), f("~p", ["日本"]), f("~p", [<<1:3>>]), f("~w", [<<1, 2:3>>]),
     f("~p", [self_free_fun_text]), f("~w", [fun lists:map/2]), f("~p", [{1, 2.0, "x", ok}]),
     f("~p", [#{a => [1, 2], "k" => {x}, 3 => <<"v">>}]), f("~w", [#{b => 1, a => 2}]),
     f("~p", [[{a, 1}, {b, 2}]]), f("~p", [{'EXIT', {badarg, [{m, f, 1, [{file, "m.erl"}, {line, 3}]}]}}]),
     f("~p", [[[[[[deep]]]]]]), f("~p", [{[], [[]], {{}}}]), f("~w", [[$a | b]]), f("~p", [[$a | b]]),
     f("~p", [[true, false, undefined, 'and', 'begin', 'maybe', 'else']]), f("~p", ['hello world'])].

pretty() ->
    Long = [{key_number_one, "a fairly long string value"}, {key_number_two, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]},
            {key_number_three, #{nested => {tuple, with, several, elements, inside, it}}},
            {key_number_four, <<"a binary that is long enough to wrap the line somewhere">>}],
    Records = lists:duplicate(5, {record, field_a, "value", [list, with, atoms], 12345}),
    [f("~p", [Long]), f("~p~n", [Records]), f("~80p", [Long]), f("~40p", [Long]), f("~p", [lists:seq(1, 60)]),
     f("~p", [lists:duplicate(30, "str")]), f("~10p", [{a, b, c}]), f("~-60p|", [short]), f("~p", [{Long, Long}]),
     f("~P", [Long, 8]), f("~P", [Records, 4]), f("~.10p", [Long]), f("~100p", [Long]),
     f("abc ~p def", [Long]), f("~p", [maps:from_list([{I, I * I} || I <- lists:seq(1, 12)])]),
     f("~p", [maps:from_list([{I, lists:seq(1, I)} || I <- lists:seq(1, 6)])]),
     f("~p", [[<<"binary one">>, <<"binary two">>, <<"binary three">>, <<"binary four">>, <<"binary five">>]]),
     f("~p", [{lists:seq(1, 15), lists:seq(1, 15), lists:seq(1, 15)}])].

misc() ->
    [lists:flatten(io_lib:fwrite("~w", [x])), lists:flatten(io_lib:write({a, "b"})), lists:flatten(io_lib:write([1, 2], 1)),
     lists:flatten(io_lib:print({a, "b"})), lists:flatten(io_lib:write_string("a\"b")), lists:flatten(io_lib:write_atom('A b')),
     lists:flatten(io_lib:write_char($a)), lists:flatten(io_lib:write_latin1_string("é")), io_lib:printable_list("abc"),
     io_lib:printable_list([1, 2]), io_lib:printable_latin1_list("é"), io_lib:printable_unicode_list("日本"),
     io_lib:char_list("ab"), io_lib:deep_char_list([["a"], "b"]), io_lib:deep_latin1_char_list(["é"]),
     io_lib:nl(), io_lib:quote_atom(abc, false), io_lib:quote_atom('A', false), io_lib:indentation("ab\tc", 0),
     io_lib:fread("~d ~s", "12 word rest"), io_lib:fread("~f", "1.5"), io_lib:fread("~a~d", "x 3"),
     io_lib:scan_format("~5.2fx~w", [1.5, a]), lists:flatten(io_lib:build_text(io_lib:scan_format("~p~n", [z]))),
     io_lib:unscan_format(io_lib:scan_format("~-10s ~w", ["a", b])), iolist_to_binary(io_lib:format("~s~w", [<<"x">>, 1])),
     lists:flatten(io_lib:format("~ts ~w ~s", [[<<"ü"/utf8>>], 'ü', "ab"])), length(f("~p", [lists:seq(1, 1000)])),
     io_lib:format("plain", []), f("~p", [{self_test, 'UPPER', 'lower', 'with space', '1number'}])].

errors() ->
    [?E(io_lib:format("~d", [1])), ?E(io_lib:format("~s", [1])), ?E(io_lib:format("~w", [])),
     ?E(io_lib:format("~w", [a, b])), ?E(io_lib:format("~b", [1.0])), ?E(io_lib:format("~f", [x])),
     ?E(io_lib:format("~c", [-1])), ?E(io_lib:format(bad, []))].
