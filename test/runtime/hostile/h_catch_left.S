%% Drops its frame while a catch is still active.
{module, h_catch_left}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 4}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_catch_left},{atom,f},1}.
  {label,2}.
    {allocate,1,1}.
    {'catch',{y,0},{f,3}}.
    {deallocate,1}.
    return.
  {label,3}.
    {catch_end,{y,0}}.
    {deallocate,1}.
    return.
