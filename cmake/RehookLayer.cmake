# rehook_layer(NAME [USES folder...] [LIBS target...] SOURCES file...)
#
# Makes src/NAME a static library, rehook_NAME, that may include the headers of its own folder
# and of the folders it USES (and, through them, the folders those use), and nothing else.
#
# How: no target sees src/ as a whole. Each folder gets an include root of its own,
# <build>/layers/NAME, holding one symbolic link NAME -> src/NAME, so `#include "NAME/x.h"`
# resolves only for targets that link rehook_NAME. An #include of a folder a layer does not
# declare fails with "No such file or directory" — a wrong-way include fails to build.
# (Quoted includes also search the including file's own directory, but every include names
# its folder, and src/NAME/NAME/ does not exist.)
function(rehook_layer name)
  cmake_parse_arguments(LAYER "" "" "USES;LIBS;SOURCES" ${ARGN})
  set(root ${CMAKE_BINARY_DIR}/layers/${name})
  file(MAKE_DIRECTORY ${root})
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${name} ${root}/${name} SYMBOLIC)

  add_library(rehook_${name} STATIC ${LAYER_SOURCES})
  target_include_directories(rehook_${name} PUBLIC ${root})
  foreach(used IN LISTS LAYER_USES)
    target_link_libraries(rehook_${name} PUBLIC rehook_${used})
  endforeach()
  if(LAYER_LIBS)
    target_link_libraries(rehook_${name} PUBLIC ${LAYER_LIBS})
  endif()

  # Asio, Beast and Boost.JSON are heavy to parse: compiled once, in the lowest layer, and
  # reused by every other (they all share its compile definitions and options).
  if(name STREQUAL "common")
    target_compile_definitions(rehook_common PUBLIC BOOST_ASIO_NO_DEPRECATED SPDLOG_FMT_EXTERNAL)
    target_precompile_headers(rehook_common PRIVATE
      <boost/asio.hpp>
      <boost/beast/core.hpp>
      <boost/beast/http.hpp>
      <boost/json.hpp>)
  else()
    target_precompile_headers(rehook_${name} REUSE_FROM rehook_common)
  endif()
endfunction()
