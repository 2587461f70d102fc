%% Returns with its frame still allocated: the return would jump to the term in y0.
{module, h_return_frame}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 3}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_return_frame},{atom,f},1}.
  {label,2}.
    {allocate,1,1}.
    {move,{x,0},{y,0}}.
    return.
