# One static library per layer (core, sql, discover, vcs, pg, rules, gates, report), each with an
# include root of its own, so that the build, not a review, keeps the layers apart.
#
# Headers are included by layer, "core/finding.hpp", "pg/session.hpp". A layer's include root is
# a directory under the build tree holding one entry, a symbolic link named after the layer to the
# layer's source directory: it exposes that layer's headers and no one else's, and a file added to
# the layer is seen without configuring again. A target sees a layer's headers only by linking
# the layer (PUBLIC where the linking layer's own headers include them), so an include that
# crosses the layers the wrong way fails to compile: "pg/session.hpp: No such file or directory".
# tests/layering/ builds such includes and checks that they fail.
set(MGATE_LAYER_ROOTS ${CMAKE_BINARY_DIR}/layers)

# mgate_layer(NAME DIR): the library mgate_NAME of every .cpp under DIR (relative to the source
# tree), its headers included as "NAME/x.hpp".
function(mgate_layer name dir)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${dir}/*.cpp)
  add_library(mgate_${name} STATIC ${sources})
  mgate_layer_root(root ${name} ${dir})
  target_include_directories(mgate_${name} PUBLIC ${root})
endfunction()

# mgate_layer_root(OUT NAME DIR): the include root holding only NAME -> DIR.
function(mgate_layer_root out name dir)
  set(root ${MGATE_LAYER_ROOTS}/${name})
  file(MAKE_DIRECTORY ${root})
  file(CREATE_LINK ${CMAKE_SOURCE_DIR}/${dir} ${root}/${name} SYMBOLIC)
  set(${out} ${root} PARENT_SCOPE)
endfunction()
