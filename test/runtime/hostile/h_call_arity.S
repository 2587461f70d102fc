%% Calls a function of arity 3 with one argument: it would read x1 and x2.
{module, h_call_arity}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 5}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_call_arity},{atom,f},1}.
  {label,2}.
    {call_only,1,{f,4}}.

{function, g, 3, 4}.
  {label,3}.
    {func_info,{atom,h_call_arity},{atom,g},3}.
  {label,4}.
    {move,{x,2},{x,0}}.
    return.
