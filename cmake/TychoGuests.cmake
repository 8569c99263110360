# Building C guest programs to WebAssembly (wasm32-wasi, wasi-libc) with the C SDK, and
# registering them as tests run through `tycho run`.

set(TYCHO_SDK_C_INCLUDE ${CMAKE_SOURCE_DIR}/sdk/c/include)
set(TYCHO_GUEST_TEST_SCRIPT ${CMAKE_SOURCE_DIR}/tests/run_guest.sh)

# tycho_c_guest(<name> <source> [INCLUDES dir...] [FLAGS flag...] [DEPENDS file...])
# Compiles <source> to ${CMAKE_CURRENT_BINARY_DIR}/<name>.wasm and sets <name>_WASM.
# DEPENDS names generated files the source includes. A .cpp source is compiled as C++20
# with the SDK's tycho-c++ (libc++, no exceptions).
function(tycho_c_guest name source)
  cmake_parse_arguments(GUEST "" "" "INCLUDES;FLAGS;DEPENDS" ${ARGN})
  set(output ${CMAKE_CURRENT_BINARY_DIR}/${name}.wasm)
  set(includes -I${TYCHO_SDK_C_INCLUDE})
  foreach(dir IN LISTS GUEST_INCLUDES)
    list(APPEND includes -I${dir})
  endforeach()
  file(GLOB headers CONFIGURE_DEPENDS ${TYCHO_SDK_C_INCLUDE}/*.h ${TYCHO_SDK_C_INCLUDE}/tycho/*.h
       ${TYCHO_SDK_C_INCLUDE}/tycho/*.hpp)
  set(compiler ${TYCHO_WASM_CC})
  if(source MATCHES "\\.cpp$")
    set(compiler ${CMAKE_SOURCE_DIR}/sdk/bin/tycho-c++)
  endif()
  foreach(dir IN LISTS GUEST_INCLUDES)
    file(GLOB more CONFIGURE_DEPENDS ${dir}/*.h)
    list(APPEND headers ${more})
  endforeach()
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${compiler} --target=wasm32-wasi -O2 -Wall -Werror=implicit-function-declaration
            ${includes} ${GUEST_FLAGS} ${source} -o ${output}
    DEPENDS ${source} ${headers} ${GUEST_DEPENDS}
    COMMENT "Compiling guest ${name}.wasm")
  add_custom_target(guest_${name} ALL DEPENDS ${output})
  set(${name}_WASM ${output} PARENT_SCOPE)
endfunction()

# tycho_guest_test(<test name> <wasm> [TIMEOUT seconds] [ARGS tycho-run-options...])
# Runs `tycho run [ARGS] <wasm>`; passes when it exits with 0 and its output ends in "ok".
function(tycho_guest_test test_name wasm)
  cmake_parse_arguments(GUEST "" "TIMEOUT" "ARGS" ${ARGN})
  add_test(NAME ${test_name}
           COMMAND ${TYCHO_GUEST_TEST_SCRIPT} $<TARGET_FILE:tycho> run ${GUEST_ARGS} ${wasm})
  if(GUEST_TIMEOUT)
    set_tests_properties(${test_name} PROPERTIES TIMEOUT ${GUEST_TIMEOUT})
  endif()
endfunction()

# tycho_embedded_wat(<out var> <wat>...)
# Assembles each module in the text format and turns it into a C header
# ${CMAKE_CURRENT_BINARY_DIR}/modules/<name>.h defining `static const unsigned char
# <NAME>_WASM[]`, for guests that compile or spawn small hand-written modules. Sets <out var>
# to the headers (pass them to tycho_c_guest's DEPENDS).
function(tycho_embedded_wat out_var)
  find_program(TYCHO_WAT2WASM wat2wasm REQUIRED)
  set(headers)
  foreach(wat IN LISTS ARGN)
    get_filename_component(name ${wat} NAME_WE)
    string(TOUPPER ${name}_WASM symbol)
    set(dir ${CMAKE_CURRENT_BINARY_DIR}/modules)
    add_custom_command(
      OUTPUT ${dir}/${name}.h
      COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
      COMMAND ${TYCHO_WAT2WASM} ${wat} -o ${dir}/${name}.wasm
      COMMAND ${CMAKE_COMMAND} -DINPUT=${dir}/${name}.wasm -DOUTPUT=${dir}/${name}.h
              -DNAME=${symbol} -P ${CMAKE_SOURCE_DIR}/cmake/EmbedBinary.cmake
      DEPENDS ${wat} ${CMAKE_SOURCE_DIR}/cmake/EmbedBinary.cmake
      COMMENT "Embedding module ${name}.wat")
    list(APPEND headers ${dir}/${name}.h)
  endforeach()
  set(${out_var} ${headers} PARENT_SCOPE)
endfunction()
