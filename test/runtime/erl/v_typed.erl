%% Code whose tests OTP 25's compiler leaves out because its types prove them: the verifier
%% must prove the same from argument and return types of local functions (verifier_test).
-module(v_typed).
-export([second/1, head_of/1, update/1, sum/1, floats/1]).

-record(r, {a, b, c, d, e, f, g, h, i, j, k, l}).

second(X) -> inner(pair(X)).

pair(X) -> {X, X}.

inner(P) -> element(2, P).

head_of(X) -> first_head([X, X]).

first_head(L) -> hd(L).

update(R) when is_record(R, r) -> R#r{b = 1, e = 2, k = 3}.

sum(N) -> lists:sum(tl(spread(N))).

spread(N) -> [N, N + 1, N + 2].

floats(X) when is_float(X) -> scale(X) * 2.0.

scale(F) -> F * 3.0.
