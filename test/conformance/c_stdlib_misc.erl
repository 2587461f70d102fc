%% calendar, base64, math, the binary module, checksums and hashes, and erlang.beam's
%% functions written in Erlang, all from the installed OTP. Error results are compared by
%% class and reason only (OTP adds error_info to BIF stack frames).
-module(c_stdlib_misc).
-export([main/0, exported/2]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    [calendar(), base64(), math(), binary(), hashes(), erlang_beam(), module_infos()].

exported(A, B) -> {A, B}.

calendar() ->
    [calendar:date_to_gregorian_days({2024, 2, 29}), calendar:gregorian_days_to_date(739000),
     calendar:datetime_to_gregorian_seconds({{2000, 1, 1}, {12, 30, 45}}),
     calendar:gregorian_seconds_to_datetime(63000000000), calendar:day_of_the_week({2000, 1, 1}),
     calendar:is_leap_year(1900), calendar:is_leap_year(2000), calendar:last_day_of_the_month(2023, 2),
     calendar:valid_date({2023, 2, 29}), calendar:valid_date(2024, 2, 29), calendar:iso_week_number({2024, 12, 30}),
     calendar:iso_week_number({2021, 1, 1}), calendar:time_difference({{2024, 1, 1}, {0, 0, 0}}, {{2024, 3, 1}, {6, 7, 8}}),
     calendar:seconds_to_daystime(100000), calendar:seconds_to_time(3725), calendar:time_to_seconds({1, 2, 5}),
     calendar:now_to_datetime({1700, 0, 5}), calendar:now_to_universal_time({1, 2, 3}),
     calendar:system_time_to_rfc3339(1700000000), calendar:system_time_to_rfc3339(1700000000123, [{unit, millisecond}, {offset, "+02:00"}]),
     calendar:system_time_to_rfc3339(-1, [{offset, 0}, {time_designator, $\s}]),
     calendar:rfc3339_to_system_time("2024-02-29T23:59:59.5+01:00", [{unit, millisecond}]),
     calendar:rfc3339_to_system_time("1970-01-01T00:00:00Z"), calendar:system_time_to_universal_time(86399, second),
     calendar:universal_time_to_local_time({{2024, 6, 1}, {12, 0, 0}}), calendar:local_time_to_universal_time_dst({{2024, 6, 1}, {12, 0, 0}}),
     erlang:universaltime_to_posixtime({{2038, 1, 19}, {3, 14, 8}}), erlang:posixtime_to_universaltime(2147483648),
     ?E(calendar:date_to_gregorian_days({2023, 2, 29})), ?E(erlang:universaltime_to_localtime({{1800, 1, 1}, {0, 0, 0}})),
     is_integer(calendar:datetime_to_gregorian_seconds(calendar:universal_time()))].

base64() ->
    Bin = list_to_binary(lists:seq(0, 255)),
    [base64:encode(<<>>), base64:encode(<<"f">>), base64:encode(<<"fo">>), base64:encode(<<"foo">>), base64:encode("foobar"),
     base64:encode_to_string("hello"), base64:decode(<<"Zm9vYmFy">>), base64:decode("Zm9vYg=="), base64:decode_to_string("aGk="),
     base64:mime_decode(<<"Zm9v\r\nYmFy">>), base64:mime_decode_to_string("Zm9 vYg=="), base64:decode(base64:encode(Bin)) =:= Bin,
     base64:encode(Bin), ?E(base64:decode(<<"Zm9">>)), ?E(base64:decode(<<"Zm9*">>))].

math() ->
    [math:pi(), math:sqrt(2), math:pow(2, 0.5), math:exp(1), math:log(10), math:log2(1024), math:log10(0.001),
     math:sin(1.0), math:cos(1.0), math:tan(1.0), math:asin(0.5), math:acos(0.5), math:atan(1.0), math:atan2(1.0, -1.0),
     math:sinh(1.0), math:cosh(1.0), math:tanh(0.5), math:asinh(1.0), math:acosh(2.0), math:atanh(0.5),
     math:erf(0.5), math:erfc(0.5), math:ceil(1.2), math:floor(-1.2), math:fmod(7.5, 2),
     ?E(math:sqrt(-1)), ?E(math:log(0)), ?E(math:pow(10, 1000)), ?E(math:acos(2))].

binary() ->
    Csv = <<"name,age,city\nalice,30,paris\nbob,25,\"new york\"\n">>,
    Lines = binary:split(Csv, <<"\n">>, [global, trim]),
    [Lines, [binary:split(L, <<",">>, [global]) || L <- Lines], binary:matches(Csv, [<<"a">>, <<"al">>]),
     binary:match(Csv, <<"bob">>), binary:match(Csv, <<"bob">>, [{scope, {0, 10}}]), binary:replace(Csv, <<",">>, <<";">>, [global]),
     binary:replace(<<"abcabc">>, [<<"a">>, <<"b">>], <<"[]">>, [global, {insert_replaced, 1}]),
     binary:bin_to_list(<<"abc">>), binary:bin_to_list(<<"abcdef">>, 1, 3), binary:list_to_bin([$a, <<"b">>, ["c"]]),
     binary:part(<<"0123456789">>, 7, -3), binary:at(<<"xyz">>, 1), binary:first(<<"q">>), binary:last(<<"qr">>),
     binary:copy(<<"ab">>, 4), binary:decode_unsigned(<<1, 2, 3>>), binary:decode_unsigned(<<1, 2, 3>>, little),
     binary:encode_unsigned(16#010203), binary:encode_unsigned(1 bsl 80, little), binary:longest_common_prefix([<<"prefix1">>, <<"prefix22">>]),
     binary:longest_common_suffix([<<"a.erl">>, <<"bb.erl">>]), binary:encode_hex(<<"hi!">>), binary:decode_hex(<<"6869">>),
     binary:split(<<"a  b   c">>, binary:compile_pattern(<<" ">>), [global, trim_all]),
     binary:matches(<<"banana">>, binary:compile_pattern([<<"an">>, <<"ana">>])),
     ?E(binary:at(<<>>, 0)), ?E(binary:split(<<"a">>, <<>>)), ?E(binary:part(<<"a">>, 2, 1)), ?E(binary:decode_unsigned(x))].

hashes() ->
    Terms = [0, -1, 1 bsl 70, 1.5, atom, "str", <<"bin">>, <<1:5>>, {t, [1, 2]}, #{k => v}, [], {}, fun lists:map/2],
    [[erlang:phash2(T) || T <- Terms], [erlang:phash2(T, 1000) || T <- Terms], erlang:phash2(a, 1),
     erlang:md5(<<>>), erlang:md5("The quick brown fox jumps over the lazy dog"), erlang:md5([<<"a">>, "b", [$c]]),
     erlang:md5_final(erlang:md5_update(erlang:md5_update(erlang:md5_init(), "ab"), <<"c">>)),
     erlang:md5(binary:copy(<<"0123456789">>, 1000)), erlang:crc32(<<"hello">>), erlang:crc32(["he", <<"llo">>]),
     erlang:crc32(erlang:crc32("he"), "llo"), erlang:crc32_combine(erlang:crc32("he"), erlang:crc32("llo"), 3),
     erlang:adler32("hello"), erlang:adler32(erlang:adler32("he"), <<"llo">>), erlang:adler32_combine(erlang:adler32("he"), erlang:adler32("llo"), 3),
     erlang:crc32(binary:copy(<<"x">>, 100000)), ?E(erlang:crc32(foo)), ?E(erlang:phash2(x, 0))].

erlang_beam() ->
    F = fun(X, Y) -> X + Y end,
    [max(1, 2.0), max(1, 1.0), min(1, 1.0), max(a, "s"), min({1}, [1]), erlang:fun_info(fun lists:map/2),
     [erlang:fun_info(F, K) || K <- [arity, type, module, env]], erlang:fun_info_mfa(fun lists:foldl/3), ?MODULE:exported(1, 2),
     atom_to_binary('héllo'), binary_to_atom(<<"hey">>), binary_to_existing_atom(<<"hey">>),
     erlang:convert_time_unit(1, second, millisecond), erlang:system_info(wordsize), erlang:system_info(otp_release),
     erlang:is_builtin(erlang, abs, 1), erlang:function_exported(lists, map, 2), erlang:function_exported(lists, nope, 0),
     erlang:module_loaded(lists), ?E(list_to_existing_atom("no such atom exists here")), list_to_existing_atom("hey"),
     erlang:external_size({a, [1, 2], <<"b">>}), erlang:term_to_iovec({x}), erlang:iolist_to_iovec([<<"a">>, "b"])].

module_infos() ->
    [?MODULE:module_info(module), ?MODULE:module_info(exports), lists:keyfind(vsn, 1, ?MODULE:module_info(attributes)) =/= false,
     [K || {K, _} <- ?MODULE:module_info()], length(?MODULE:module_info(functions)) > 10, ?MODULE:module_info(nifs),
     lists:member({map, 2}, lists:module_info(exports)), erlang:get_module_info(lists, module),
     code:ensure_loaded(queue), ?E(erlang:get_module_info(no_such_module_here))].
