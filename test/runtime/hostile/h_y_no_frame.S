%% Reads y0 without allocating a frame: the caller's return address or frame.
{module, h_y_no_frame}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 3}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_y_no_frame},{atom,f},1}.
  {label,2}.
    {move,{y,0},{x,0}}.
    return.
