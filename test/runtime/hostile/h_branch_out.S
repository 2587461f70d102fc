%% Jumps into another function.
{module, h_branch_out}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 5}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_branch_out},{atom,f},1}.
  {label,2}.
    {jump,{f,4}}.

{function, g, 1, 4}.
  {label,3}.
    {func_info,{atom,h_branch_out},{atom,g},1}.
  {label,4}.
    return.
