%% Moves a non-number into a float register, falls into a try handler without an
%% exception, takes messages out of an empty mailbox (each fails with badarg), flushes the
%% message a receive stands on, reserves more heap than a process may have. Accepted.
{module, h_rt_misc}.
{exports, [{float_of,1}, {fall_into_handler,0}, {remove_nothing,0}, {next_of_nothing,0},
           {flush_under_receive,0}, {huge_heap,0}]}.
{attributes, []}.
{labels, 20}.

{function, float_of, 1, 2}.
  {label,1}.
    {func_info,{atom,h_rt_misc},{atom,float_of},1}.
  {label,2}.
    {fmove,{x,0},{fr,0}}.
    {test_heap,{alloc,[{words,0},{floats,1},{funs,0}]},0}.
    {fmove,{fr,0},{x,0}}.
    return.

%% The try body jumps to the handler with a value in x0 and nothing in x1..x3: the handler
%% runs again for the badarg that raises, so the function returns {error, badarg}.
{function, fall_into_handler, 0, 4}.
  {label,3}.
    {func_info,{atom,h_rt_misc},{atom,fall_into_handler},0}.
  {label,4}.
    {allocate,1,0}.
    {'try',{y,0},{f,5}}.
    {move,{atom,value},{x,0}}.
    {jump,{f,5}}.
  {label,5}.
    {try_case,{y,0}}.
    {test_heap,3,2}.
    {put_tuple2,{x,0},{list,[{x,0},{x,1}]}}.
    {deallocate,1}.
    return.

{function, remove_nothing, 0, 7}.
  {label,6}.
    {func_info,{atom,h_rt_misc},{atom,remove_nothing},0}.
  {label,7}.
    remove_message.
    {move,{atom,removed},{x,0}}.
    return.

{function, next_of_nothing, 0, 9}.
  {label,8}.
    {func_info,{atom,h_rt_misc},{atom,next_of_nothing},0}.
  {label,9}.
    {loop_rec_end,{f,10}}.
  {label,10}.
    {loop_rec,{f,11},{x,0}}.
    return.
  {label,11}.
    {move,{atom,none},{x,0}}.
    return.

%% Steps past a DOWN message in a receive, then removes that message with
%% demonitor(Ref, [flush]) before looking at the next one: the receive goes on from the
%% message after it (there is none), not from the freed one.
{function, flush_under_receive, 0, 13}.
  {label,12}.
    {func_info,{atom,h_rt_misc},{atom,flush_under_receive},0}.
  {label,13}.
    {allocate,1,0}.
    {move,{atom,erlang},{x,0}}.
    {move,{atom,self},{x,1}}.
    {move,nil,{x,2}}.
    {call_ext,3,{extfunc,erlang,spawn_monitor,3}}.
    {get_tuple_element,{x,0},1,{y,0}}.
  {label,14}.
    {loop_rec,{f,15},{x,0}}.
    {loop_rec_end,{f,16}}.
  {label,15}.
    {wait,{f,14}}.
  {label,16}.
    {move,{y,0},{x,0}}.
    {move,{literal,[flush]},{x,1}}.
    {call_ext,2,{extfunc,erlang,demonitor,2}}.
    {loop_rec,{f,17},{x,0}}.
    {deallocate,1}.
    return.
  {label,17}.
    {move,{atom,done},{x,0}}.
    {deallocate,1}.
    return.

%% Asks for 2^32 heap words.
{function, huge_heap, 0, 19}.
  {label,18}.
    {func_info,{atom,h_rt_misc},{atom,huge_heap},0}.
  {label,19}.
    {test_heap,4294967296,0}.
    {move,{atom,survived},{x,0}}.
    return.
