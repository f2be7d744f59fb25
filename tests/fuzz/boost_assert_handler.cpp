// BOOST_ASSERT in the fuzz build (BOOST_ENABLE_ASSERT_HANDLER, see CMakeLists.txt): a failed
// assertion aborts, as assert() would, so libFuzzer keeps the input; one known false alarm of
// Boost 1.81 is let through.

#include <boost/assert.hpp>

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

// Boost.URL 1.81 counts one path segment for the empty path of "scheme:" URIs ("A:#") and asserts
// on it in detail::path_segments (boostorg/url#665, fixed in 1.82). Without assertions the
// function returns 0, the right answer, and rehook refuses such URLs anyway (no authority), so
// the project's builds, which define NDEBUG, are unaffected. Aborting here would stop every
// URL-parsing harness within seconds and hide everything else.
bool IsKnownFalseAlarm(std::string_view expression, std::string_view file) {
  return expression == "nseg == 0" && file.ends_with("boost/url/detail/path.hpp");
}

}  // namespace

namespace boost {

void assertion_failed(const char* expression, const char* function, const char* file, long line) {
  if (IsKnownFalseAlarm(expression, file)) return;
  std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed.\n", file, line, function, expression);
  std::abort();
}

void assertion_failed_msg(const char* expression, const char* message, const char* function,
                          const char* file, long line) {
  std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed: %s\n", file, line, function, expression,
               message);
  std::abort();
}

}  // namespace boost
