%% Reserves heap words, calls a function (which may use them), then writes.
{module, h_heap_after_call}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 5}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_heap_after_call},{atom,f},1}.
  {label,2}.
    {allocate_heap,0,2,1}.
    {call,1,{f,4}}.
    {put_list,{x,0},nil,{x,0}}.
    {deallocate,0}.
    return.

{function, id, 1, 4}.
  {label,3}.
    {func_info,{atom,h_heap_after_call},{atom,id},1}.
  {label,4}.
    return.
