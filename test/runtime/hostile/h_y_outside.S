%% Writes y3 in a frame of one slot: over the return address.
{module, h_y_outside}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 3}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_y_outside},{atom,f},1}.
  {label,2}.
    {allocate,1,1}.
    {move,{x,0},{y,3}}.
    {deallocate,1}.
    return.
