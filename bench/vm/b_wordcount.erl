%% A word count with maps:update_with/4 over 2,000,000 words drawn from a 5,000-word
%% vocabulary (binaries split out of text with binary:split/3), then the 10 most frequent.
-module(b_wordcount).
-export([run/0]).
run() ->
    Vocabulary = list_to_tuple([word(I) || I <- lists:seq(1, 5000)]),
    Text = iolist_to_binary(text(400000, 7, Vocabulary, [])),
    count(5, Text, #{}).
count(0, _, Counts) ->
    Top = lists:sublist(lists:reverse(lists:keysort(2, maps:to_list(Counts))), 10),
    {map_size(Counts), Top};
count(Rounds, Text, Counts) ->
    Words = binary:split(Text, <<" ">>, [global, trim_all]),
    C = lists:foldl(fun(W, Acc) -> maps:update_with(W, fun(V) -> V + 1 end, 1, Acc) end, Counts, Words),
    count(Rounds - 1, Text, C).
text(0, _, _, Acc) -> Acc;
text(N, S, V, Acc) ->
    S1 = (S * 1103515245 + 12345) band 16#7FFFFFFF,
    % Zipf-like: small indices are much more frequent.
    I = 1 + (S1 rem 5000) * (S1 rem 5000) div 5000,
    text(N - 1, S1, V, [element(I, V), $\s | Acc]).
word(I) -> list_to_binary("w" ++ integer_to_list(I * 7919 rem 100003)).
