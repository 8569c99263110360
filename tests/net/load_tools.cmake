# The load tools: the native load driver (load_client.cpp) and the one-process-per-connection
# server guest (guests/load_server.c). The load tests use them (tests/net/CMakeLists.txt),
# and so does bench/idle_connections.sh, whose build has no tests: bench/CMakeLists.txt
# includes this file then. Sets TYCHO_LOAD_SERVER_WASM.
add_executable(tycho-load-client ${CMAKE_CURRENT_LIST_DIR}/load_client.cpp)
tycho_c_guest(load_server ${CMAKE_CURRENT_LIST_DIR}/guests/load_server.c FLAGS -Wextra)
set(TYCHO_LOAD_SERVER_WASM ${load_server_WASM})
