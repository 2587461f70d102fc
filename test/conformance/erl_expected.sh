#!/usr/bin/env bash
# erl_expected.sh ERL BEAM_DIR OUT_DIR MODULE... — writes OUT_DIR/MODULE.expected with what the
# real erl prints: MODULE:main()'s io output, then io:format("~w~n", [Result]) (or the
# uncaught exception).
set -euo pipefail
erl=$1 beams=$2 out=$3
shift 3
mkdir -p "$out"
mods=$(printf "'%s'," "$@")
mods="[${mods%,}]"
# What the program prints (io:format, as UTF-8) and then its result, as aion-beam prints them.
"$erl" -noshell -pa "$beams" -eval "
  lists:foreach(fun(M) ->
      ok = file:write_file(\"$out/\" ++ atom_to_list(M) ++ \".expected\", conformance_capture:run(M))
    end, $mods),
  halt()."
