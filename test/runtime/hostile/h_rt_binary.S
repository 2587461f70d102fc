%% Bit-syntax instructions on operands that are not match contexts, and positions that lie
%% outside their context. Accepted; each fails with badarg.
{module, h_rt_binary}.
{exports, [{int,1}, {tail,1}, {position,1}, {test_tail,1}, {skip,1}, {utf8,1},
           {foreign_position,0}, {set_position,1}]}.
{attributes, []}.
{labels, 21}.

{function, int, 1, 2}.
  {label,1}.
    {func_info,{atom,h_rt_binary},{atom,int},1}.
  {label,2}.
    {test,bs_get_integer2,{f,1},1,[{x,0},{integer,32},1,{field_flags,[]}],{x,0}}.
    return.

{function, tail, 1, 4}.
  {label,3}.
    {func_info,{atom,h_rt_binary},{atom,tail},1}.
  {label,4}.
    {bs_get_tail,{x,0},{x,0},1}.
    return.

{function, position, 1, 6}.
  {label,5}.
    {func_info,{atom,h_rt_binary},{atom,position},1}.
  {label,6}.
    {bs_get_position,{x,0},{x,0},1}.
    return.

{function, test_tail, 1, 8}.
  {label,7}.
    {func_info,{atom,h_rt_binary},{atom,test_tail},1}.
  {label,8}.
    {test,bs_test_tail2,{f,9},[{x,0},0]}.
    {move,{atom,empty},{x,0}}.
    return.
  {label,9}.
    {move,{atom,nonempty},{x,0}}.
    return.

{function, skip, 1, 11}.
  {label,10}.
    {func_info,{atom,h_rt_binary},{atom,skip},1}.
  {label,11}.
    {test,bs_skip_bits2,{f,10},[{x,0},{integer,64},1,{field_flags,[]}]}.
    {move,{atom,skipped},{x,0}}.
    return.

{function, utf8, 1, 13}.
  {label,12}.
    {func_info,{atom,h_rt_binary},{atom,utf8},1}.
  {label,13}.
    {test,bs_get_utf8,{f,12},1,[{x,0},{field_flags,[]}],{x,0}}.
    return.

%% A position read from one context (16 bits in) set on another of 8 bits.
{function, foreign_position, 0, 15}.
  {label,14}.
    {func_info,{atom,h_rt_binary},{atom,foreign_position},0}.
  {label,15}.
    {move,{literal,<<1,2,3,4>>},{x,0}}.
    {test,bs_start_match3,{f,14},1,[{x,0}],{x,0}}.
    {test,bs_skip_bits2,{f,14},[{x,0},{integer,16},1,{field_flags,[]}]}.
    {bs_get_position,{x,0},{x,1},1}.
    {move,{literal,<<9>>},{x,0}}.
    {test,bs_start_match3,{f,14},2,[{x,0}],{x,0}}.
    {bs_set_position,{x,0},{x,1}}.
    {test,bs_get_integer2,{f,14},2,[{x,0},{integer,32},1,{field_flags,[]}],{x,0}}.
    return.

%% Any term as a position.
{function, set_position, 1, 17}.
  {label,16}.
    {func_info,{atom,h_rt_binary},{atom,set_position},1}.
  {label,17}.
    {move,{x,0},{x,1}}.
    {move,{literal,<<9>>},{x,0}}.
    {test,bs_start_match3,{f,16},2,[{x,0}],{x,0}}.
    {bs_set_position,{x,0},{x,1}}.
    {test,bs_get_integer2,{f,16},2,[{x,0},{integer,32},1,{field_flags,[]}],{x,0}}.
    return.
