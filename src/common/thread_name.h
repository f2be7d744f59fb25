#pragma once
// Names the calling thread ("rehook-io-0", "rehook-commit", ...) so that `top -H`, `perf` and
// /proc/<pid>/task/*/comm show which of rehook's threads is busy. Linux keeps at most 15
// characters; longer names are cut.

#include <string>

namespace rehook {

void NameThisThread(const std::string& name);

}  // namespace rehook
