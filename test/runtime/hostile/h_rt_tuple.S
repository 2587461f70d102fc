%% Takes tuples apart without testing them, as OTP 25 code does where its types say the
%% operand is a tuple, and writes into tuples in place. Accepted: each access the verifier
%% cannot prove is checked at run time and raises badarg instead of reading or writing
%% outside the tuple, writing into a literal or making a term that contains itself.
{module, h_rt_tuple}.
{exports, [{elem,1}, {elem_of_pair,0}, {elem_of_one,0}, {set_literal,0}, {set_arg,1},
           {set_beyond,0}, {setelement_operands,0}, {cycle_self,0}, {cycle_pair,0},
           {record_update,0}, {later_read,1}, {later_read_of_pair,0},
           {later_read_of_six,0}, {read_past_call,1}, {read_past_own_call,1}]}.
{attributes, []}.
{labels, 31}.

%% The second element of whatever it is given.
{function, elem, 1, 2}.
  {label,1}.
    {func_info,{atom,h_rt_tuple},{atom,elem},1}.
  {label,2}.
    {get_tuple_element,{x,0},1,{x,0}}.
    return.

{function, elem_of_pair, 0, 4}.
  {label,3}.
    {func_info,{atom,h_rt_tuple},{atom,elem_of_pair},0}.
  {label,4}.
    {move,{literal,{a,b}},{x,0}}.
    {call_ext_only,1,{extfunc,h_rt_tuple,elem,1}}.

{function, elem_of_one, 0, 6}.
  {label,5}.
    {func_info,{atom,h_rt_tuple},{atom,elem_of_one},0}.
  {label,6}.
    {move,{literal,{a}},{x,0}}.
    {call_ext_only,1,{extfunc,h_rt_tuple,elem,1}}.

%% Writes into a literal tuple, which every process shares.
{function, set_literal, 0, 8}.
  {label,7}.
    {func_info,{atom,h_rt_tuple},{atom,set_literal},0}.
  {label,8}.
    {move,{literal,{a,b,c}},{x,0}}.
    {set_tuple_element,{atom,x},{x,0},0}.
    return.

{function, set_arg, 1, 10}.
  {label,9}.
    {func_info,{atom,h_rt_tuple},{atom,set_arg},1}.
  {label,10}.
    {set_tuple_element,{atom,x},{x,0},0}.
    return.

%% Writes beyond the end of a tuple it built itself.
{function, set_beyond, 0, 12}.
  {label,11}.
    {func_info,{atom,h_rt_tuple},{atom,set_beyond},0}.
  {label,12}.
    {test_heap,3,0}.
    {put_tuple2,{x,0},{list,[{atom,a},{atom,b}]}}.
    {set_tuple_element,{atom,x},{x,0},5}.
    return.

%% setelement/3 called as a gc_bif3 on a one-element tuple while x0 and x1 hold 64 and a
%% tuple of 64: the result is as large as its operand, not as x1.
{function, setelement_operands, 0, 14}.
  {label,13}.
    {func_info,{atom,h_rt_tuple},{atom,setelement_operands},0}.
  {label,14}.
    {move,{integer,64},{x,0}}.
    {move,{literal,{a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a}},{x,1}}.
    {move,{literal,{x}},{x,3}}.
    {gc_bif,setelement,{f,0},4,[{integer,1},{x,3},{atom,y}],{x,2}}.
    {get_tuple_element,{x,2},63,{x,0}}.
    return.

%% A tuple written into itself: a cyclic term would make copying, printing and encoding loop.
{function, cycle_self, 0, 16}.
  {label,15}.
    {func_info,{atom,h_rt_tuple},{atom,cycle_self},0}.
  {label,16}.
    {test_heap,3,0}.
    {put_tuple2,{x,0},{list,[{atom,a},{atom,b}]}}.
    {set_tuple_element,{x,0},{x,0},0}.
    return.

%% A tuple written into a newer tuple that holds it.
{function, cycle_pair, 0, 18}.
  {label,17}.
    {func_info,{atom,h_rt_tuple},{atom,cycle_pair},0}.
  {label,18}.
    {test_heap,4,0}.
    {put_tuple2,{x,0},{list,[{atom,a}]}}.
    {put_tuple2,{x,1},{list,[{x,0}]}}.
    {set_tuple_element,{x,1},{x,0},0}.
    return.

%% What erlc emits for R#r{a = z, b = [1]}: setelement/3, then set_tuple_element of an older
%% term into the fresh copy (proven, unchecked).
{function, record_update, 0, 20}.
  {label,19}.
    {func_info,{atom,h_rt_tuple},{atom,record_update},0}.
  {label,20}.
    {allocate,1,0}.
    {test_heap,2,0}.
    {put_list,{integer,1},nil,{y,0}}.
    {move,{literal,{a,b,c}},{x,1}}.
    {move,{integer,1},{x,0}}.
    {move,{atom,z},{x,2}}.
    {call_ext,3,{extfunc,erlang,setelement,3}}.
    {set_tuple_element,{y,0},{x,0},1}.
    {deallocate,1}.
    return.

%% Reads element 1, then element 6 of the same tuple later in the block: the first read is
%% checked for more than 6 elements, so the second needs no check of its own.
{function, later_read, 1, 22}.
  {label,21}.
    {func_info,{atom,h_rt_tuple},{atom,later_read},1}.
  {label,22}.
    {get_tuple_element,{x,0},0,{x,1}}.
    {move,{x,0},{x,2}}.
    {get_tuple_element,{x,2},5,{x,0}}.
    return.

{function, later_read_of_pair, 0, 24}.
  {label,23}.
    {func_info,{atom,h_rt_tuple},{atom,later_read_of_pair},0}.
  {label,24}.
    {move,{literal,{a,b}},{x,0}}.
    {call_ext_only,1,{extfunc,h_rt_tuple,later_read,1}}.

{function, later_read_of_six, 0, 26}.
  {label,25}.
    {func_info,{atom,h_rt_tuple},{atom,later_read_of_six},0}.
  {label,26}.
    {move,{literal,{a,b,c,d,e,f}},{x,0}}.
    {call_ext_only,1,{extfunc,h_rt_tuple,later_read,1}}.

%% The read of element 4 after a call the tuple is not passed to counts for the first read's
%% check (bound 3)...
{function, read_past_call, 1, 28}.
  {label,27}.
    {func_info,{atom,h_rt_tuple},{atom,read_past_call},1}.
  {label,28}.
    {allocate,1,1}.
    {get_tuple_element,{x,0},0,{x,1}}.
    {move,{x,0},{y,0}}.
    {move,{x,1},{x,0}}.
    {call_ext,1,{extfunc,erlang,abs,1}}.
    {get_tuple_element,{y,0},3,{x,0}}.
    {deallocate,1}.
    return.

%% ...but not after a call that is given the tuple (OTP may learn its type from that call's
%% success): then the later read (element 5, bound 4) is checked on its own.
{function, read_past_own_call, 1, 30}.
  {label,29}.
    {func_info,{atom,h_rt_tuple},{atom,read_past_own_call},1}.
  {label,30}.
    {allocate,1,1}.
    {get_tuple_element,{x,0},0,{x,1}}.
    {move,{x,0},{y,0}}.
    {call_ext,1,{extfunc,erlang,tuple_size,1}}.
    {get_tuple_element,{y,0},4,{x,0}}.
    {deallocate,1}.
    return.
