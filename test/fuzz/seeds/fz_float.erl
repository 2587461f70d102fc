%% Seed for the execution fuzzer: float register code (fmove, fconv, fadd... between
%% float registers) with values the compiler knows to be floats.
-module(fz_float).
-export([nbody/0, mixed/0]).

nbody() -> step(10, {0.0, 1.0, 0.5}, {0.1, -0.2, 0.3}).

step(0, P, _) -> P;
step(N, {X, Y, Z}, {VX, VY, VZ}) ->
    D = X * X + Y * Y + Z * Z + 0.01,
    M = 0.01 / (D * math_sqrt(D)),
    step(N - 1, {X + VX * M, Y + VY * M, Z - VZ * M}, {VX - X * M, VY - Y * M, VZ - Z * M}).

math_sqrt(D) when is_float(D) -> D / 2.0 + 0.5.

mixed() ->
    A = 3,
    B = 2.5,
    {A * B, A / 2, -B, B - A, float(A) + B, trunc(B * 4), round(B)}.
