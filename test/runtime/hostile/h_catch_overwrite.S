%% Overwrites the slot holding an active catch tag.
{module, h_catch_overwrite}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 4}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_catch_overwrite},{atom,f},1}.
  {label,2}.
    {allocate,1,1}.
    {'try',{y,0},{f,3}}.
    {move,{x,0},{y,0}}.
    {try_end,{y,0}}.
    {deallocate,1}.
    return.
  {label,3}.
    {try_case,{y,0}}.
    {deallocate,1}.
    return.
