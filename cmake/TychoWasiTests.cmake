# Registering WASI guest tests: a program run by `tycho run` in a scratch directory of its
# own, whose standard output must equal an expected file and whose exit status must be the
# one wanted (tests/wasi/run_wasi.sh compares; tests/wasi/README.md explains the layout).

set(TYCHO_WASI_RUNNER ${CMAKE_SOURCE_DIR}/tests/wasi/run_wasi.sh)
set(TYCHO_WASI_PREPARE ${CMAKE_SOURCE_DIR}/tests/wasi/prepare_scratch.sh)
set(TYCHO_WASI_SCRATCH ${CMAKE_BINARY_DIR}/tests/wasi/scratch)

# tycho_wasi_test(<name> <wasm> EXPECTED <file> [STATUS n] [SETUP script] [SANDBOX] [IN_SANDBOX]
#                 [TIMEOUT seconds] [RUN run_wasi options...] [TYCHO tycho run options...]
#                 [ARGS guest arguments...] [ENVIRONMENT VAR=value...])
# Registers the test wasi.<name> running `tycho run [TYCHO options] <wasm> [ARGS]`, and the
# fixture wasi.<name>.prepare that empties its scratch directory first (prepare_scratch.sh,
# then SETUP in it). SANDBOX preopens the scratch directory's sandbox/ as /sandbox;
# IN_SANDBOX runs tycho inside sandbox/ (for `--dir .`), otherwise tycho runs in the scratch
# directory. In RUN, TYCHO and ARGS, {scratch} stands for the scratch directory.
function(tycho_wasi_test name wasm)
  cmake_parse_arguments(T "SANDBOX;IN_SANDBOX" "EXPECTED;STATUS;SETUP;TIMEOUT"
                        "RUN;TYCHO;ARGS;ENVIRONMENT" ${ARGN})
  set(scratch ${TYCHO_WASI_SCRATCH}/${name})
  if(NOT T_STATUS)
    set(T_STATUS 0)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 60)
  endif()
  if(T_SANDBOX)
    list(PREPEND T_TYCHO --dir {scratch}/sandbox::/sandbox)
  endif()
  set(workdir ${scratch})
  if(T_IN_SANDBOX)
    set(workdir ${scratch}/sandbox)
  endif()
  foreach(list T_RUN T_TYCHO T_ARGS)
    list(TRANSFORM ${list} REPLACE "{scratch}" "${scratch}")
  endforeach()

  add_test(NAME wasi.${name}.prepare COMMAND ${TYCHO_WASI_PREPARE} ${scratch} ${T_SETUP})
  set_tests_properties(wasi.${name}.prepare PROPERTIES FIXTURES_SETUP wasi.${name}.scratch)
  # The working directory must exist when ctest starts the test, before the fixture runs.
  file(MAKE_DIRECTORY ${workdir})
  add_test(NAME wasi.${name}
           COMMAND ${TYCHO_WASI_RUNNER} --expected ${T_EXPECTED} --status ${T_STATUS}
                   --scratch ${scratch} ${T_RUN} -- $<TARGET_FILE:tycho> run ${T_TYCHO} ${wasm}
                   ${T_ARGS}
           WORKING_DIRECTORY ${workdir})
  set_tests_properties(wasi.${name} PROPERTIES FIXTURES_REQUIRED wasi.${name}.scratch
                       TIMEOUT ${T_TIMEOUT})
  if(T_ENVIRONMENT)
    set_tests_properties(wasi.${name} PROPERTIES ENVIRONMENT "${T_ENVIRONMENT}")
  endif()
endfunction()
