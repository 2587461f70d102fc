%% Integer arithmetic, bignums and the error cases of arithmetic.
-module(c_arith).
-export([main/0]).
-define(E(Expr), (fun() -> try Expr catch Class:Reason -> {Class, Reason} end end)()).

main() ->
    Big = 1 bsl 100,
    Neg = -(1 bsl 70) + 12345,
    [1 + 2, 7 - 10, 6 * 7, 7 div 2, -7 div 2, 7 rem -2, -7 rem 2,
     576460752303423487 + 1, -576460752303423488 - 1,
     Big, Big * Big, Big - 1, Big div 3, Big rem 7, -Big div 7, Neg rem 1000,
     Neg * Neg, Big + Neg, Big band (Big - 1), Neg band 16#FFFF, Neg bor 7, Neg bxor Big,
     bnot Neg, bnot 5, 1 bsl 64, -1 bsl 64, Big bsr 90, Neg bsr 3, -1 bsr 100,
     abs(Neg), abs(-5), 123456789 * 987654321 * 1000000007,
     fact(30), fib(90), pow(3, 100), gcd(pow(2, 80) * 3, pow(2, 70) * 9),
     ?E(1 div 0), ?E(1 rem 0), ?E((foo + 1)), ?E((Big div 0)),
     integer_to_list(Big), integer_to_list(Neg, 16), integer_to_list(255, 2),
     list_to_integer("-123456789012345678901234567890"), list_to_integer("ff", 16),
     max(3, 4.0), min(a, 1), 10 =:= 10.0, 10 == 10.0, Big > 1.0e30, Big < 1.0e31,
     trunc(12.7), round(-2.5), round(2.5), floor(-1.5), ceil(1.2), float(Big)].

fact(0) -> 1;
fact(N) -> N * fact(N - 1).

fib(N) -> fib(N, 0, 1).
fib(0, A, _) -> A;
fib(N, A, B) -> fib(N - 1, B, A + B).

pow(_, 0) -> 1;
pow(X, N) -> X * pow(X, N - 1).

gcd(A, 0) -> A;
gcd(A, B) -> gcd(B, A rem B).
