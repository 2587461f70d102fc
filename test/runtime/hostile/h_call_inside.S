%% Calls a label inside a function instead of its entry.
{module, h_call_inside}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 6}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_call_inside},{atom,f},1}.
  {label,2}.
    {call_only,1,{f,5}}.

{function, g, 1, 4}.
  {label,3}.
    {func_info,{atom,h_call_inside},{atom,g},1}.
  {label,4}.
    {allocate,1,1}.
    {move,{x,0},{y,0}}.
  {label,5}.
    {move,{y,0},{x,0}}.
    {deallocate,1}.
    return.
