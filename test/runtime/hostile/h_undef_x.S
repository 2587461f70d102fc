%% Reads x1, which a function of arity 1 never wrote: a stale term of another process.
{module, h_undef_x}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 3}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_undef_x},{atom,f},1}.
  {label,2}.
    {gc_bif,'+',{f,0},2,[{x,1},{integer,1}],{x,0}}.
    return.
