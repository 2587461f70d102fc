%% A loop made of a test that branches backwards: it would never yield (reductions are
%% counted at calls, receives and exceptions).
{module, h_loop_back}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 3}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_loop_back},{atom,f},1}.
  {label,2}.
    {test,is_nil,{f,2},[{x,0}]}.
    return.
