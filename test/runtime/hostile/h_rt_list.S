%% Takes lists apart without testing them. Accepted; a non-list raises badarg.
{module, h_rt_list}.
{exports, [{head,1}, {tail,1}, {parts,1}, {parts_of_list,0}]}.
{attributes, []}.
{labels, 9}.

{function, head, 1, 2}.
  {label,1}.
    {func_info,{atom,h_rt_list},{atom,head},1}.
  {label,2}.
    {get_hd,{x,0},{x,0}}.
    return.

{function, tail, 1, 4}.
  {label,3}.
    {func_info,{atom,h_rt_list},{atom,tail},1}.
  {label,4}.
    {get_tl,{x,0},{x,0}}.
    return.

{function, parts, 1, 6}.
  {label,5}.
    {func_info,{atom,h_rt_list},{atom,parts},1}.
  {label,6}.
    {get_list,{x,0},{x,0},{x,1}}.
    {test_heap,3,2}.
    {put_tuple2,{x,0},{list,[{x,0},{x,1}]}}.
    return.

{function, parts_of_list, 0, 8}.
  {label,7}.
    {func_info,{atom,h_rt_list},{atom,parts_of_list},0}.
  {label,8}.
    {move,{literal,[1,2]},{x,0}}.
    {call_ext_only,1,{extfunc,h_rt_list,parts,1}}.
