# cmake -DINPUT=file.wasm -DOUTPUT=file.h -DNAME=ident -P EmbedBinary.cmake
# Writes a C header that defines `static const unsigned char NAME[]` with the file's bytes.
file(READ ${INPUT} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n    " bytes "${bytes}")
file(WRITE ${OUTPUT}
     "/* Generated from ${INPUT}; do not edit. */\n"
     "static const unsigned char ${NAME}[] = {\n    ${bytes}\n};\n")
