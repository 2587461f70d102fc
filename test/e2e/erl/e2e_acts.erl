%% In-VM activities of the end-to-end workflows.
-module(e2e_acts).
-export([square/1, increment/1]).

square(X) when is_integer(X) -> X * X.
increment(X) when is_integer(X) -> X + 1.
