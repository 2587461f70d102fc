%% Loops without calls that the verifier accepts: through an exception handler (the function
%% raises function_clause from its own func_info while its try is active) and through a
%% receive that keeps stepping over its only message. Both must yield.
{module, h_rt_loops}.
{exports, [{raising,0}, {rescanning,0}]}.
{attributes, []}.
{labels, 9}.

{function, raising, 0, 2}.
  {label,1}.
    {func_info,{atom,h_rt_loops},{atom,raising},0}.
  {label,2}.
    {allocate,1,0}.
    {'try',{y,0},{f,3}}.
    {jump,{f,1}}.
  {label,3}.
    {jump,{f,1}}.

{function, rescanning, 0, 5}.
  {label,4}.
    {func_info,{atom,h_rt_loops},{atom,rescanning},0}.
  {label,5}.
    {bif,self,{f,0},[],{x,0}}.
    {move,{atom,m},{x,1}}.
    send.
  {label,6}.
    {loop_rec,{f,7},{x,0}}.
    {loop_rec_end,{f,6}}.
  {label,7}.
    timeout.
    {loop_rec_end,{f,6}}.
