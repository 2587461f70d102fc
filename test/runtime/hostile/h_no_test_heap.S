%% Builds a tuple without reserving heap words: it would write into the stack.
{module, h_no_test_heap}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 3}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_no_test_heap},{atom,f},1}.
  {label,2}.
    {put_tuple2,{x,0},{list,[{x,0},{x,0}]}}.
    return.
