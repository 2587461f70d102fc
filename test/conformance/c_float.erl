%% Floats: arithmetic, printing of many magnitudes, conversions.
-module(c_float).
-export([main/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    [1.0, 0.1, 0.1 + 0.2, 1 / 3, 2 / 3, 1.0e10, 1.0e15, 1.0e16, 123456789.0, 1.0e-5,
     1.5e-7, 3.14159, -0.0, 0.0, 100.0, 1000000.0, 1.0e22, 1.0e23, 5.0e-324,
     1.7976931348623157e308, 2.2250738585072014e-308, 7 / 2, 2.5 * 4, 10 / 4,
     math_free(12.5), float(7), 1.0e100 * 1.0e100 =:= inf orelse ok,
     ?E(1.0e300 * 1.0e300), ?E(1.0 / 0), ?E((1 / 0.0)),
     float_to_list(1.5), float_to_list(0.1, [{decimals, 3}]), float_to_list(2.0, [short]),
     float_to_list(1234.5678, [{scientific, 2}]), list_to_float("2.5e3"),
     trunc(1.0e20), round(1.0e19), 1.0 == 1, 1.0 =:= 1, 0.5 < 1, -1.5 > -2,
     lists:sum([0.1 || _ <- lists:seq(1, 10)]), [X * 0.5 || X <- [1, 2, 3]]].

math_free(X) -> (X * X - 1) / (X + 1).
