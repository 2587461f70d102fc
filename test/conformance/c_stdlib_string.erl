%% OTP's string and unicode_util modules, loaded unmodified: the grapheme-aware API on lists,
%% binaries and mixed chardata (including non-ASCII text), and the old list API.
-module(c_stdlib_string).
-export([main/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    S = "  Hello, Wörld! ",
    B = <<"  Grüße aus Köln  "/utf8>>,
    Mixed = ["ab", <<"cd">>, [$e, <<"fg">>]],
    [modern(S, B, Mixed), cases(), splitting(), old_api(), unicode_util(), numbers()].

modern(S, B, Mixed) ->
    [string:length(S), string:length(B), string:length(Mixed), string:length("e\x{301}"),
     string:trim(S), string:trim(B), string:trim(S, leading), string:trim(S, trailing), string:trim("xxaxx", both, "x"),
     string:pad("abc", 7), string:pad("abc", 7, leading, $.), string:pad("abc", 8, both, "*"), string:pad(<<"é"/utf8>>, 3),
     string:slice(S, 2, 5), string:slice(B, 2, 5), string:slice(Mixed, 1, 3), string:slice("abc", 10),
     string:reverse("aé\x{301}b"), string:reverse(<<"abc">>), string:is_empty(""), string:is_empty([<<>>, []]),
     string:is_empty(" "), string:equal("abc", <<"abc">>), string:equal("ABC", "abc", true),
     string:prefix("foobar", "foo"), string:prefix(<<"foobar">>, "bar"), string:find("a,b,c", ","),
     string:find(<<"a,b,c">>, ",", trailing), string:find("abc", "x"), string:replace("a-b-c", "-", "+"),
     string:replace("a-b-c", "-", "+", all), string:replace(<<"a-b">>, "-", "--", all),
     string:chomp("line\n"), string:chomp(<<"line\r\n">>), string:next_grapheme("e\x{301}x"),
     string:next_grapheme(<<"ab">>), string:next_codepoint("ab"), string:next_codepoint(<<"é"/utf8>>),
     string:to_graphemes("ae\x{301}"), string:take("abc123", lists:seq($a, $z)), string:take("abc123", "abc", true),
     string:take(<<"  x">>, " ", false, leading), string:to_graphemes(<<"ok">>)].

cases() ->
    [string:uppercase("hello wörld"), string:lowercase("HELLO WÖRLD"), string:titlecase("hello"),
     string:casefold("Straße"), string:uppercase(<<"straße"/utf8>>), string:lowercase(<<"ΑΒΓ"/utf8>>),
     string:titlecase(<<"ǆx"/utf8>>), string:to_upper("abc"), string:to_lower("ABC"), string:to_upper($a)].

splitting() ->
    [string:split("a,b,,c", ","), string:split("a,b,,c", ",", all), string:split(<<"a,b,,c">>, ",", trailing),
     string:split("a::b::c", "::", all), string:lexemes("  a  b c ", " "), string:lexemes(<<"a,b;c">>, ",;"),
     string:lexemes("a\r\nb", "\r\n"), string:tokens("a b  c", " "), string:nth_lexeme("a b c", 2, " "),
     string:split("", ","), string:split("abc", ""), string:split(["ab", <<",cd">>], ",")].

old_api() ->
    [string:substr("hello", 2, 3), string:substr("hello", 3), string:strip("  x  "), string:strip("xxaxx", both, $x),
     string:left("ab", 5), string:left("abcdef", 3), string:right("ab", 5, $.), string:centre("ab", 6),
     string:join(["a", "b", "c"], ", "), string:chr("hello", $l), string:rchr("hello", $l), string:str("hello", "ll"),
     string:rstr("hello hello", "ll"), string:sub_word("a b c", 2), string:words("a b  c"), string:copies("ab", 3),
     string:span("abc123", "cba"), string:cspan("abc123", "123"), string:concat("ab", "cd"),
     string:sub_string("hello", 2, 4), string:len("abc")].

unicode_util() ->
    [unicode_util:gc("e\x{301}x"), unicode_util:cp(<<"ab">>), unicode_util:cp([]), unicode_util:uppercase("ä"),
     unicode_util:lowercase("Ä"), unicode_util:casefold("ß"), unicode_util:nfd("é"), unicode_util:nfc("e\x{301}"),
     unicode_util:nfkd("ﬁ"), unicode_util:whitespace(), unicode_util:is_whitespace($\s),
     unicode:characters_to_nfd_list("éà"), unicode:characters_to_nfc_binary([$e, 16#301]),
     unicode:characters_to_nfkc_list("ﬁ²"), unicode:characters_to_nfkd_binary("ﬀ"),
     unicode:characters_to_list(<<"日本語"/utf8>>), unicode:characters_to_binary("日本語"),
     unicode:characters_to_binary("aé", unicode, latin1), unicode:characters_to_binary(<<"aé">>, latin1, utf8),
     unicode:characters_to_binary("a€", unicode, utf16), unicode:characters_to_binary("a€", unicode, {utf32, little}),
     unicode:characters_to_list(<<0, 97, 32, 172>>, utf16), unicode:characters_to_list([<<"a">>, 98, [<<"ç"/utf8>>]]),
     unicode:characters_to_binary([<<"a">>, 16#10FFFF]), unicode:characters_to_binary([1, -1]),
     unicode:characters_to_binary(<<"ab", 200>>), unicode:characters_to_list(<<"a", 255, "b">>),
     unicode:bom_to_encoding(<<239, 187, 191, "x">>), unicode:encoding_to_bom({utf16, little}),
     ?E(unicode:characters_to_binary(foo)), ?E(unicode:characters_to_list([a]))].

numbers() ->
    [string:to_integer("123abc"), string:to_integer(<<"-45 x">>), string:to_integer("abc"), string:to_integer(<<"">>),
     string:to_float("1.5e3x"), string:to_float(<<"2.25">>), string:to_float("3"), string:to_float("-0.5E-2 !"),
     string:list_to_integer("77z"), string:list_to_float("7.5y"), ?E(string:to_integer(foo))].
