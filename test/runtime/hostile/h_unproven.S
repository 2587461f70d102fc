%% Not hostile in itself: takes an argument apart without testing it, as OTP 25 code does
%% when its types tell it the argument is a tuple or a list. Accepted; the interpreter must
%% check those operands at run time.
{module, h_unproven}.
{exports, [{f,1}, {g,1}]}.
{attributes, []}.
{labels, 5}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_unproven},{atom,f},1}.
  {label,2}.
    {get_tuple_element,{x,0},1,{x,0}}.
    return.

{function, g, 1, 4}.
  {label,3}.
    {func_info,{atom,h_unproven},{atom,g},1}.
  {label,4}.
    {get_hd,{x,0},{x,0}}.
    return.
