# Makes bc's libmath.h, as bc/Makefile.am and bc/fix-libmath_h do: the bootstrap bc compiles
# the math library (-c prints the compiled code) and each line of the output but the last
# becomes one string of a C initializer list ended by 0.
#   cmake -DFBC=<bootstrap bc> -DLIBMATH=<libmath.b> -DOUTPUT=<libmath.h> -P libmath_header.cmake
# (Plain string operations: the code holds brackets, which CMake's lists would not split at.)
execute_process(COMMAND ${FBC} -c ${LIBMATH} INPUT_FILE /dev/null OUTPUT_VARIABLE compiled
                RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${FBC} -c ${LIBMATH} failed: ${status}")
endif()
string(REGEX REPLACE "\n[^\n]*\n?$" "" compiled "${compiled}") # the closing "@i"
string(REPLACE "\n" "\",\n\"" compiled "${compiled}")
file(WRITE ${OUTPUT} "{\"${compiled}\",0}\n")
