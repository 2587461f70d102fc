# aion_boost_test(NAME SOURCES... LIBS libs... [LABELS l...] [ENV VAR=value...] [FIXTURES f...]
#                 [TIMEOUT s])
# Builds a Boost.Test executable and registers one CTest entry per test case, discovered
# after each build from `--list_content` (like gtest_discover_tests).
set(AION_BOOST_DISCOVER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/boost_test_discover.cmake)

function(aion_boost_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS;ENV;FIXTURES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} Boost::unit_test_framework)
  target_compile_definitions(${name} PRIVATE BOOST_TEST_DYN_LINK)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/test-bin)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set(ctest_file ${CMAKE_CURRENT_BINARY_DIR}/${name}_tests.cmake)
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${CMAKE_COMMAND}
      -D TEST_EXECUTABLE=$<TARGET_FILE:${name}>
      -D TEST_NAME=${name}
      -D CTEST_FILE=${ctest_file}
      -D TEST_TIMEOUT=${ARG_TIMEOUT}
      "-D TEST_LABELS=${ARG_LABELS}"
      "-D TEST_ENV=${ARG_ENV}"
      "-D TEST_FIXTURES=${ARG_FIXTURES}"
      -P ${AION_BOOST_DISCOVER_SCRIPT}
    BYPRODUCTS ${ctest_file}
    VERBATIM)
  # Until the executable is built, its test list is empty (so ctest works on partial builds).
  if(NOT EXISTS ${ctest_file})
    file(WRITE ${ctest_file} "")
  endif()
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${ctest_file})
endfunction()
