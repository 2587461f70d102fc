%% is_tagged_tuple with arity 0 would compare the first element of an empty tuple: refused.
{module, h_tagged_zero}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 3}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_tagged_zero},{atom,f},1}.
  {label,2}.
    {test,is_tagged_tuple,{f,1},[{x,0},0,{atom,a}]}.
    return.
