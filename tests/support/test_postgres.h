#pragma once
// PostgreSQL for tests: the throw-away cluster that CTest starts before the tests that need it
// (scripts/test-postgres.sh, fixture "postgres"), and a fresh database per test on it.

#include <optional>
#include <string>

namespace rehook::testing {

// The cluster's URL: $REHOOK_TEST_POSTGRES_URL, else the one the CTest fixture wrote. Fails the
// test (throws) when neither exists: run the tests through ctest or scripts/test.sh.
std::string TestPostgresUrl();

// True when this test run asks end-to-end tests to run rehook on PostgreSQL
// (REHOOK_TEST_STORE=postgres, set by CTest for the "postgres." copies of the suite).
bool EndToEndOnPostgres();

// An empty database of its own, dropped (with its connections) when this goes away.
class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

}  // namespace rehook::testing
