%% A body call without a frame: its return address is pushed where nothing reserved room.
{module, h_call_no_frame}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 5}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_call_no_frame},{atom,f},1}.
  {label,2}.
    {call,1,{f,4}}.
    {test_heap,2,1}.
    {put_list,{x,0},nil,{x,0}}.
    return.

{function, id, 1, 4}.
  {label,3}.
    {func_info,{atom,h_call_no_frame},{atom,id},1}.
  {label,4}.
    return.
