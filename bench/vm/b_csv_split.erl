%% binary:split of a 10 MB CSV: the lines, then each line's fields, summing one numeric
%% column (binary_to_integer) and the field lengths; 5 rounds.
-module(b_csv_split).
-export([run/0]).
run() ->
    Csv = iolist_to_binary([row(I) || I <- lists:seq(1, 200000)]),
    R = [parse(Csv) || _ <- lists:seq(1, 5)],
    {byte_size(Csv), hd(R)}.
row(I) ->
    [integer_to_list(I), $,, "name", integer_to_list(I rem 977), $,, integer_to_list(I * 37 rem 10007), $,,
     "city-", integer_to_list(I rem 13), $,, "some free text field ", integer_to_list(I), $\n].
parse(Csv) ->
    Lines = binary:split(Csv, <<"\n">>, [global, trim]),
    lists:foldl(fun(Line, {N, Sum, Len}) ->
                        [_Id, Name, Num, City, Text] = binary:split(Line, <<",">>, [global]),
                        {N + 1, Sum + binary_to_integer(Num), Len + byte_size(Name) + byte_size(City) + byte_size(Text)}
                end, {0, 0, 0}, Lines).
