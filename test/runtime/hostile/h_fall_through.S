%% Runs off the end of its code into the next function.
{module, h_fall_through}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 5}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_fall_through},{atom,f},1}.
  {label,2}.
    {move,{x,0},{x,1}}.

{function, g, 1, 4}.
  {label,3}.
    {func_info,{atom,h_fall_through},{atom,g},1}.
  {label,4}.
    return.
