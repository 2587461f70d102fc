%% Deallocates fewer slots than it allocated.
{module, h_dealloc_size}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 3}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_dealloc_size},{atom,f},1}.
  {label,2}.
    {allocate,2,1}.
    {deallocate,1}.
    return.
