%% A catch whose handler lies before it: each exception would loop back without a call.
{module, h_loop_handler}.
{exports, [{f,0}]}.
{attributes, []}.
{labels, 4}.

{function, f, 0, 2}.
  {label,1}.
    {func_info,{atom,h_loop_handler},{atom,f},0}.
  {label,2}.
    {allocate,1,0}.
  {label,3}.
    {init_yregs,{list,[{y,0}]}}.
    {'catch',{y,0},{f,3}}.
    {badmatch,{atom,x}}.
