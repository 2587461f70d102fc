#!/usr/bin/env escript
%% Assembles an `erlc -S` listing into a .beam without running beam_validator, so that the
%% hostile fixtures keep their flaws: asm.escript In.S OutDir
main([In, OutDir]) ->
    {ok, Forms} = file:consult(In),
    {ok, Code1} = beam_a:module(asm_forms(Forms), []),
    {ok, Code2} = beam_z:module(Code1, []),
    {ok, Bin} = beam_asm:module(Code2, [], [], []),
    Out = filename:join(OutDir, atom_to_list(element(1, Code2)) ++ ".beam"),
    ok = file:write_file(Out, Bin).

asm_forms([{module, M}, {exports, E}, {attributes, A}, {labels, L} | Rest]) ->
    {M, E, A, functions(Rest), L}.

functions([{function, Name, Arity, Entry} | Rest]) ->
    {Is, More} = lists:splitwith(fun(I) -> not is_function_header(I) end, Rest),
    [{function, Name, Arity, Entry, Is} | functions(More)];
functions([]) -> [].

is_function_header(I) -> is_tuple(I) andalso element(1, I) =:= function.
