#!/usr/bin/env bash
# erl_expected.sh ERL BEAM_DIR OUT_DIR MODULE... — writes OUT_DIR/MODULE.expected with what the
# real erl prints for io:format("~w~n", [MODULE:main()]) (or the uncaught exception).
set -euo pipefail
erl=$1 beams=$2 out=$3
shift 3
mkdir -p "$out"
mods=$(printf "'%s'," "$@")
mods="[${mods%,}]"
"$erl" -noshell -pa "$beams" -eval "
  lists:foreach(fun(M) ->
      R = try M:main() of V -> V catch C:E -> {uncaught, C, E} end,
      ok = file:write_file(\"$out/\" ++ atom_to_list(M) ++ \".expected\", io_lib:format(\"~w~n\", [R]))
    end, $mods),
  halt()."
