#include "support/test_postgres.h"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "common/random.h"
#include "store/postgres/pg_connection.h"

namespace rehook::testing {
namespace {

// postgres://user@host:port/dbname -> the same URL naming another database.
std::string WithDatabase(const std::string& url, const std::string& database) {
  auto slash = url.rfind('/');
  if (slash == std::string::npos || slash < url.find("://") + 3) {
    throw std::runtime_error("unexpected PostgreSQL URL: " + url);
  }
  return url.substr(0, slash + 1) + database;
}

}  // namespace

std::string TestPostgresUrl() {
  if (const char* url = std::getenv("REHOOK_TEST_POSTGRES_URL"); url && *url) return url;
  std::ifstream file(std::string(REHOOK_TEST_POSTGRES_STATE) + "/url");
  std::string url;
  if (!std::getline(file, url) || url.empty()) {
    throw std::runtime_error(
        "no test PostgreSQL: run the tests with ctest (fixture 'postgres') or scripts/test.sh, "
        "or set REHOOK_TEST_POSTGRES_URL");
  }
  return url;
}

bool EndToEndOnPostgres() {
  const char* store = std::getenv("REHOOK_TEST_STORE");
  return store && std::string(store) == "postgres";
}

TestDatabase::TestDatabase() : admin_url_(TestPostgresUrl()), name_("rehook_test_" + RandomHex(8)) {
  pg::Connection admin(admin_url_);
  admin.ExecScript("CREATE DATABASE " + name_);
  url_ = WithDatabase(admin_url_, name_);
}

TestDatabase::~TestDatabase() {
  try {
    pg::Connection admin(admin_url_);
    admin.ExecScript("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The cluster is removed at the end of the run anyway.
  }
}

}  // namespace rehook::testing
