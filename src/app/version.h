#pragma once
// rehook's version (the CMake project's) and the commit it was built from, for `rehook --version`
// and the Debian package. Defined in a file generated at each build (cmake/BuildVersion.cmake).

namespace rehook {

extern const char* const kVersion;  // "0.1.0"
extern const char* const kCommit;   // "3f2c1a9b8d7e", "...-dirty", or "unknown"

}  // namespace rehook
