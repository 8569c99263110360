# CMake toolchain file for Tycho guests:
#   cmake -DCMAKE_TOOLCHAIN_FILE=<tycho>/sdk/cmake/tycho-wasm32.cmake -S app -B build
# (installed: <prefix>/share/tycho/cmake/tycho-wasm32.cmake). C and C++ targets are then
# compiled by tycho-cc / tycho-c++ (clang-19 for wasm32-wasi, with <lunatic.h> on the
# include path), and executables are WebAssembly modules named <target>.wasm.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR wasm32)

# In the source tree the wrappers are in sdk/bin; installed, in <prefix>/bin.
foreach(dir "${CMAKE_CURRENT_LIST_DIR}/../bin" "${CMAKE_CURRENT_LIST_DIR}/../../../bin")
  if(EXISTS "${dir}/tycho-cc")
    get_filename_component(TYCHO_SDK_BIN "${dir}" ABSOLUTE)
    break()
  endif()
endforeach()
if(NOT TYCHO_SDK_BIN)
  message(FATAL_ERROR "tycho-wasm32.cmake: cannot find tycho-cc near ${CMAKE_CURRENT_LIST_DIR}")
endif()

set(CMAKE_C_COMPILER "${TYCHO_SDK_BIN}/tycho-cc")
set(CMAKE_CXX_COMPILER "${TYCHO_SDK_BIN}/tycho-c++")
# Per language: the Generic platform resets CMAKE_EXECUTABLE_SUFFIX after this file.
set(CMAKE_EXECUTABLE_SUFFIX_C ".wasm")
set(CMAKE_EXECUTABLE_SUFFIX_CXX ".wasm")
# find_library and find_path look in Debian's wasm32-wasi multiarch directories (where
# wasi-libc and libc++ are), not in the host's.
set(CMAKE_LIBRARY_ARCHITECTURE wasm32-wasi)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
