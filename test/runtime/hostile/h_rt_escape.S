%% Lets a match context escape into places OTP's compiler never puts one: a function's
%% result, a tuple, a message, another process, natives (term_to_binary, phash2, byte_size,
%% display), a comparison. Accepted; nothing crashes (the natives see a term of no known
%% type).
{module, h_rt_escape}.
{exports, [{ctx,0}, {to_binary,0}, {hash,0}, {size,0}, {display,0}, {send_self,0},
           {compare,0}, {spawn_with,0}]}.
{attributes, []}.
{labels, 22}.

{function, ctx, 0, 2}.
  {label,1}.
    {func_info,{atom,h_rt_escape},{atom,ctx},0}.
  {label,2}.
    {move,{literal,<<1,2,3>>},{x,0}}.
    {test,bs_start_match3,{f,1},0,[{x,0}],{x,0}}.
    {test,bs_skip_bits2,{f,1},[{x,0},{integer,8},1,{field_flags,[]}]}.
    return.

{function, to_binary, 0, 4}.
  {label,3}.
    {func_info,{atom,h_rt_escape},{atom,to_binary},0}.
  {label,4}.
    {allocate,0,0}.
    {call,0,{f,2}}.
    {test_heap,2,1}.
    {put_tuple2,{x,0},{list,[{x,0}]}}.
    {call_ext_last,1,{extfunc,erlang,term_to_binary,1},0}.

{function, hash, 0, 6}.
  {label,5}.
    {func_info,{atom,h_rt_escape},{atom,hash},0}.
  {label,6}.
    {allocate,0,0}.
    {call,0,{f,2}}.
    {call_ext_last,1,{extfunc,erlang,phash2,1},0}.

{function, size, 0, 8}.
  {label,7}.
    {func_info,{atom,h_rt_escape},{atom,size},0}.
  {label,8}.
    {allocate,0,0}.
    {call,0,{f,2}}.
    {call_ext_last,1,{extfunc,erlang,byte_size,1},0}.

{function, display, 0, 10}.
  {label,9}.
    {func_info,{atom,h_rt_escape},{atom,display},0}.
  {label,10}.
    {allocate,0,0}.
    {call,0,{f,2}}.
    {call_ext_last,1,{extfunc,erlang,display,1},0}.

%% Sends the context to itself and returns what it receives.
{function, send_self, 0, 12}.
  {label,11}.
    {func_info,{atom,h_rt_escape},{atom,send_self},0}.
  {label,12}.
    {allocate,0,0}.
    {call,0,{f,2}}.
    {move,{x,0},{x,1}}.
    {bif,self,{f,0},[],{x,0}}.
    send.
  {label,13}.
    {loop_rec,{f,14},{x,0}}.
    remove_message.
    {deallocate,0}.
    return.
  {label,14}.
    {wait,{f,13}}.

{function, compare, 0, 16}.
  {label,15}.
    {func_info,{atom,h_rt_escape},{atom,compare},0}.
  {label,16}.
    {allocate,1,0}.
    {call,0,{f,2}}.
    {move,{x,0},{y,0}}.
    {call,0,{f,2}}.
    {test,is_eq_exact,{f,17},[{x,0},{y,0}]}.
    {move,{atom,equal},{x,0}}.
    {deallocate,1}.
    return.
  {label,17}.
    {move,{atom,different},{x,0}}.
    {deallocate,1}.
    return.

%% Spawns erlang:byte_size(Ctx): the context is copied into the new process.
{function, spawn_with, 0, 19}.
  {label,18}.
    {func_info,{atom,h_rt_escape},{atom,spawn_with},0}.
  {label,19}.
    {allocate,0,0}.
    {call,0,{f,2}}.
    {test_heap,2,1}.
    {put_list,{x,0},nil,{x,2}}.
    {move,{atom,byte_size},{x,1}}.
    {move,{atom,erlang},{x,0}}.
    {call_ext_last,3,{extfunc,erlang,spawn,3},0}.
