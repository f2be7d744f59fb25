# V8, the JavaScript engine transformations run in, from Debian's libnode108 / libnode-dev
# (docs/ARCHITECTURE.md, "Transformations"). scripts/install-deps.sh installs them with apt, or,
# where a NodeSource nodejs conflicts with them, unpacks them into /opt/rehook/libnode, which is
# looked in first. The headers are taken from beside the library found, never from a different
# node's /usr/include/node.
#
# Defines libnode::libnode.
find_library(LIBNODE_LIBRARY
  NAMES libnode.so.108
  PATHS /opt/rehook/libnode/usr/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu
  NO_DEFAULT_PATH REQUIRED)
get_filename_component(libnode_lib_dir ${LIBNODE_LIBRARY} DIRECTORY)
get_filename_component(libnode_prefix ${libnode_lib_dir}/../.. ABSOLUTE)
set(LIBNODE_INCLUDE_DIR ${libnode_prefix}/include/node)
if(NOT EXISTS ${LIBNODE_INCLUDE_DIR}/libplatform/libplatform.h)
  message(FATAL_ERROR "libnode's headers are missing beside ${LIBNODE_LIBRARY}: run scripts/install-deps.sh")
endif()
message(STATUS "V8 (libnode): ${LIBNODE_LIBRARY}")

add_library(libnode::libnode SHARED IMPORTED)
set_target_properties(libnode::libnode PROPERTIES
  IMPORTED_LOCATION ${LIBNODE_LIBRARY}
  IMPORTED_NO_SONAME FALSE)
# SYSTEM: V8's headers are not held to rehook's warnings.
target_include_directories(libnode::libnode SYSTEM INTERFACE ${LIBNODE_INCLUDE_DIR})
