# cmake -DINPUT=<file.wasm> -DOUTPUT=<header.h> -DNAME=<identifier> -P embed_wasm.cmake
# Writes a C header that holds the bytes of INPUT as `static const unsigned char NAME[]`.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" digits)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n    " bytes "${bytes}")
math(EXPR size "${digits} / 2")
file(WRITE "${OUTPUT}"
     "/* Generated from ${INPUT} by embed_wasm.cmake. */\n"
     "static const unsigned char ${NAME}[${size}] = {\n    ${bytes}\n};\n")
