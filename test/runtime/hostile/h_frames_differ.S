%% Two paths with different frames meet, then the frame is dropped.
{module, h_frames_differ}.
{exports, [{f,1}]}.
{attributes, []}.
{labels, 5}.

{function, f, 1, 2}.
  {label,1}.
    {func_info,{atom,h_frames_differ},{atom,f},1}.
  {label,2}.
    {test,is_nil,{f,3},[{x,0}]}.
    {allocate,1,1}.
    {jump,{f,4}}.
  {label,3}.
    {allocate,2,1}.
  {label,4}.
    {deallocate,1}.
    return.
