%% Binaries and the bit syntax.
-module(c_binaries).
-export([main/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    B = <<1, 2, 3, 255>>,
    Long = list_to_binary(lists:seq(1, 200)),
    <<X:4, Y:12, Rest/binary>> = <<16#ABCD:16, "tail">>,
    <<F:32/float, G:64/float-little>> = <<1.5:32/float, 2.25:64/float-little>>,
    <<S:8/signed, U:16/little-unsigned, _/bits>> = <<-3:8, 513:16/little, 7:3>>,
    [B, byte_size(B), bit_size(<<1:3>>), <<1:3>>, <<1:1, 0:1, 1:1, 1:5>>, X, Y, Rest, F, G, S, U,
     binary_to_list(B), list_to_binary([1, [2, <<3>>], "ab"]), iolist_to_binary([<<"x">>, $y]),
     binary_part(Long, 10, 5), byte_size(Long), split_binary(B, 2),
     <<"héllo"/utf8>>, <<1024/utf16>>, <<65/utf32-little>>, utf8_chars(<<"aé€𝄞"/utf8>>),
     << <<(C + 1)>> || <<C>> <= <<"HAL">> >>, [C || <<C:4>> <= <<16#F0A5:16>>],
     build(100, <<>>), parse(<<1, 0, 5, "hello", 2, 0, 3, "bye">>, []),
     <<(-1):16>>, <<256:8>>, <<1:64/little>>, <<(1 bsl 70):80>>, <<(-(1 bsl 70)):80/signed-little>>,
     binary_to_term(term_to_binary({a, [1, 2], <<"x">>, 3.5, #{k => v}})),
     term_to_binary({a, 1}), term_to_binary([1, 2, 3]), term_to_binary(<<"abc">>),
     ?E(<<(foo):8>>), ?E((<<1:3>> =:= <<1:3>>)), bitstring_to_list(<<1, 2, 3:4>>),
     is_binary(<<1:7>>), is_bitstring(<<1:7>>), <<B/binary, B/binary>>].

utf8_chars(<<>>) -> [];
utf8_chars(<<C/utf8, R/binary>>) -> [C | utf8_chars(R)].

build(0, Acc) -> byte_size(Acc);
build(N, Acc) -> build(N - 1, <<Acc/binary, N:8, "xy">>).

parse(<<>>, Acc) -> lists:reverse(Acc);
parse(<<T:8, Len:16, Body:Len/binary, R/binary>>, Acc) -> parse(R, [{T, Body} | Acc]).
