%% bs_test_unit with unit 0 would divide by zero: refused.
{module, h_unit_zero}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 3}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_unit_zero},{atom,f},1}.
  {label,2}.
    {test,bs_start_match3,{f,1},1,[{x,0}],{x,0}}.
    {test,bs_test_unit,{f,1},[{x,0},0]}.
    {move,{atom,ok},{x,0}}.
    return.
