%% Keeps x1 live through a garbage collection although it holds no term.
{module, h_gc_live}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 3}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_gc_live},{atom,f},1}.
  {label,2}.
    {test_heap,3,2}.
    {put_tuple2,{x,0},{list,[{x,0},{x,0}]}}.
    return.
