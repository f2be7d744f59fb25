#pragma once
// Property checks for the fuzz harnesses. A failed check prints what was expected and aborts,
// which libFuzzer reports as a crash and saves the input for, exactly like an ASan finding.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace rehook::fuzz {

[[noreturn]] inline void Fail(const char* file, int line, const char* condition,
                              const std::string& detail) {
  std::fprintf(stderr, "\n%s:%d: property violated: %s\n  %s\n", file, line, condition,
               detail.c_str());
  std::abort();
}

inline std::string_view AsText(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace rehook::fuzz

// `detail` (anything convertible to std::string) is only built when the check fails.
#define FUZZ_CHECK(condition, detail)                                 \
  do {                                                                \
    if (!(condition)) {                                               \
      ::rehook::fuzz::Fail(__FILE__, __LINE__, #condition, (detail)); \
    }                                                                 \
  } while (0)
