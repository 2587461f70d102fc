%% Reads x1 after a call: a call leaves only x0.
{module, h_after_call}.
{exports, [{f,2}]}.
{attributes, []}.
{labels, 5}.

{function, f, 2, 2}.
  {label,1}.
    {func_info,{atom,h_after_call},{atom,f},2}.
  {label,2}.
    {allocate,0,2}.
    {call,1,{f,4}}.
    {test_heap,3,1}.
    {put_tuple2,{x,0},{list,[{x,0},{x,1}]}}.
    {deallocate,0}.
    return.

{function, id, 1, 4}.
  {label,3}.
    {func_info,{atom,h_after_call},{atom,id},1}.
  {label,4}.
    return.
