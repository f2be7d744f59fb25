#pragma once
// Names a thread ("rehook-io-0", "rehook-commit", ...) so that `top -H`, `perf` and
// /proc/<pid>/task/*/comm show which of rehook's threads is busy. Called by the thread's
// creator right after starting it, so the name is in place by the time the component's
// constructor or Start() returns. Linux keeps at most 15 characters; longer names are cut.

#include <string>
#include <thread>

namespace rehook {

void NameThread(std::thread& thread, const std::string& name);

}  // namespace rehook
