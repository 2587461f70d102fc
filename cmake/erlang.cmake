# aion_erlang_modules(TARGET OUTPUT_DIR SOURCES...)
# Compiles each .erl with erlc into OUTPUT_DIR and adds TARGET (built by ALL) depending on them.
function(aion_erlang_modules target out_dir)
  set(beams)
  foreach(src ${ARGN})
    get_filename_component(abs ${src} ABSOLUTE)
    get_filename_component(name ${src} NAME_WE)
    set(beam ${out_dir}/${name}.beam)
    add_custom_command(
      OUTPUT ${beam}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
      COMMAND ${ERLC_EXECUTABLE} -W0 -o ${out_dir} ${abs}
      DEPENDS ${abs}
      COMMENT "erlc ${name}.erl"
      VERBATIM)
    list(APPEND beams ${beam})
  endforeach()
  add_custom_target(${target} ALL DEPENDS ${beams})
endfunction()
