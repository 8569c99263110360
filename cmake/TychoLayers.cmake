# Layering: src/wasm <- src/runtime <- src/host <- src/cli, dependencies pointing down only.
# A layer's headers are included as "<layer>/<file>.h". Instead of putting all of src/ on
# the include path (which would let a lower layer include an upper one), each layer gets an
# include root of its own holding only a link to its folder; a target sees the roots of its
# layer and of the layers it links, so an upward include fails to build.

# tycho_layer_include_root(<target> <layer>): gives <target> (and whoever links it) the
# include root that makes "<layer>/..." name src/<layer>/.
function(tycho_layer_include_root target layer)
  set(root ${CMAKE_BINARY_DIR}/layers/${layer})
  file(MAKE_DIRECTORY ${root})
  if(NOT EXISTS ${root}/${layer})
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/src/${layer} ${root}/${layer} SYMBOLIC)
  endif()
  target_include_directories(${target} PUBLIC ${root})
endfunction()
