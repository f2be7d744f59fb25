// Tenant isolation and roles over the whole API. The operations come from the server's own
// OpenAPI document (which tests/unit/openapi_test.cpp holds to the router), so a new route is
// covered here the day it is added:
// - every operation, every role of organization A, aimed at organization B's resources: 404
//   (or 403 where the role lacks the permission whatever the id), and B's data is unchanged;
// - every operation, every role, on its own organization: 403 exactly where the role lacks the
//   permission the operation needs, and no 401/403/405 otherwise;
// - no credentials: 401 for every operation that needs a key.
#include <gtest/gtest.h>

#include <map>

#include "support/api_helpers.h"
#include "support/rehook_process.h"
#include "support/sink_server.h"

namespace rehook::testing {
namespace {

struct Operation {
  std::string method;  // upper case
  std::string path;    // a template, e.g. /v1/sources/{id}
  std::string permission;
};

const std::vector<std::string> kRoles = {"viewer", "developer", "admin", "super_admin"};

bool RoleHas(const std::string& role, const std::string& permission) {
  int rank = static_cast<int>(std::find(kRoles.begin(), kRoles.end(), role) - kRoles.begin());
  if (permission == "none" || permission == "read" || permission == "requests.replay") return true;
  if (permission == "resources.write") return rank >= 1;
  if (permission == "keys.manage" || permission == "notifications.manage") return rank >= 2;
  if (permission == "orgs.manage" || permission == "store.backup") return rank >= 3;
  ADD_FAILURE() << "unknown permission " << permission;
  return false;
}

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// One organization's resources, one of each kind.
struct Tenant {
  std::string org, source, event, destination, connection, job, key_id, transformation,
      notification;

  // The path with its {id}/{requestId} filled in with this tenant's resource of that kind.
  std::string Fill(const std::string& path) const {
    // A live stream never ends; resuming it after the tenant's event must be refused (404) as
    // firmly as any other use of the tenant's ids.
    if (path == "/v1/events/stream") return path + "?after=" + event;
    static const std::vector<std::pair<std::string, std::string Tenant::*>> kCollections = {
        {"/v1/sources/", &Tenant::source},
        {"/v1/endpoints/", &Tenant::source},
        {"/v1/events/", &Tenant::event},
        {"/v1/requests/", &Tenant::event},
        {"/v1/destinations/", &Tenant::destination},
        {"/v1/connections/", &Tenant::connection},
        {"/v1/replay/", &Tenant::job},
        {"/v1/api-keys/", &Tenant::key_id},
        {"/v1/transformations/", &Tenant::transformation},
        {"/v1/notifications/", &Tenant::notification},
        {"/v1/orgs/", &Tenant::org}};
    std::string filled = path;
    for (const auto& [prefix, member] : kCollections) {
      if (filled.rfind(prefix, 0) == 0) {
        auto at = filled.find("{id}");
        if (at != std::string::npos) filled.replace(at, 4, this->*member);
      }
    }
    auto at = filled.find("{requestId}");
    if (at != std::string::npos) filled.replace(at, 11, event);
    return filled;
  }

  std::vector<std::string> Ids() const {
    return {source, event, destination, connection, job, key_id, transformation, notification};
  }
};

// A body that passes validation, so that only ownership can stop the request.
boost::json::object PlausibleBody(const Operation& op, const Tenant& target, const Tenant& own) {
  if (op.path.ends_with("/replay") && op.path.find("requests") != std::string::npos) {
    return {{"target_url", "https://127.0.0.1:9/x"}};
  }
  if (op.path.ends_with("/retry")) return {{"destination_id", target.destination}};
  if (op.method == "PATCH" && op.path.starts_with("/v1/connections")) return {{"enabled", false}};
  if (op.method == "PATCH") return {{"name", "changed by another organization"}};
  if (op.method == "POST" && op.path == "/v1/connections") {
    return {{"source_id", target.source}, {"destination_id", own.destination}};
  }
  if (op.method == "POST" && op.path == "/v1/transformations/test") {
    return {{"transformation_id", target.transformation}, {"event_id", own.event}};
  }
  if (op.method == "POST" && op.path == "/v1/replay") {
    return {{"destination_id", target.destination},
            {"from", "2000-01-01T00:00:00Z"},
            {"to", "2100-01-01T00:00:00Z"}};
  }
  return {};
}

class IsolationTest : public ::testing::Test {
 protected:
  IsolationTest()
      : server_(RehookOptions{.args = {"--allow-private-targets", "--api-rate-limit", "10000",
                                       "--api-rate-burst", "10000"}}) {
    auto document = server_.Client().Get("/v1/openapi.json");  // public, like /healthz
    EXPECT_EQ(document.status, 200);
    const boost::json::value described = document.Json();
    for (const auto& [path, item] : described.at("paths").as_object()) {
      for (const auto& [method, operation] : item.as_object()) {
        operations_.push_back({Upper(std::string(method)), std::string(path),
                               std::string(operation.at("x-rehook-permission").as_string())});
      }
    }
    auto org = admin_.PostJson("/v1/orgs", {{"name", "globex"}});
    EXPECT_EQ(org.status, 201);
    std::string org_b = JsonString(org.Json(), "id");
    for (const std::string& role : kRoles) {
      keys_a_[role] = role == "super_admin" ? server_.admin_key() : CreateKey(admin_, role);
      keys_b_[role] = CreateKey(admin_, role, org_b);
    }
    HttpClient a = server_.WithKey(keys_a_["admin"]);
    HttpClient b = server_.WithKey(keys_b_["admin"]);
    a_ = Populate(a);
    b_ = Populate(b);
  }

  Tenant Populate(HttpClient& api) {
    Tenant tenant;
    tenant.org = JsonString(api.Get("/v1/org").Json(), "id");
    tenant.source = CreateSource(api);
    HttpClient anonymous = server_.Client();
    tenant.event = Capture(anonymous, tenant.source);
    for (int i = 0; i < 5; ++i) Capture(anonymous, tenant.source);
    // Six events at one per second: the job is still running while the other tenant pokes at it.
    tenant.destination = CreateDestination(api, sink_.url());
    tenant.connection = CreateConnection(api, tenant.source, tenant.destination);
    auto transformation =
        api.PostJson("/v1/transformations",
                     {{"name", "tenant script"}, {"code", "function transform(r) { return r; }"}});
    EXPECT_EQ(transformation.status, 201) << transformation.body;
    tenant.transformation = JsonString(transformation.Json(), "id");
    auto job = api.PostJson("/v1/replay", {{"destination_id", tenant.destination},
                                           {"from", "2000-01-01T00:00:00Z"},
                                           {"to", "2100-01-01T00:00:00Z"},
                                           {"rate_limit", 1}});
    EXPECT_EQ(job.status, 201) << job.body;
    tenant.job = JsonString(job.Json().at("job"), "id");
    auto key = api.PostJson("/v1/api-keys", {{"name", "probe"}, {"role", "viewer"}});
    tenant.key_id = JsonString(key.Json(), "id");
    auto channel = api.PostJson(
        "/v1/notifications", {{"url", sink_.url() + "/notify"}, {"events", {"replay.completed"}}});
    EXPECT_EQ(channel.status, 201) << channel.body;
    tenant.notification = JsonString(channel.Json(), "id");
    return tenant;
  }

  HttpResult Call(HttpClient& client, const Operation& op, const std::string& path,
                  const boost::json::object& body) {
    if (op.method == "GET" || op.method == "DELETE") return client.Request(op.method, path, "");
    return client.Request(op.method, path, boost::json::serialize(body),
                          {{"Content-Type", "application/json"}});
  }

  SinkServer sink_;
  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
  std::vector<Operation> operations_;
  std::map<std::string, std::string> keys_a_, keys_b_;
  Tenant a_, b_;
};

TEST_F(IsolationTest, NoRoleOfOneOrganizationReachesAnotherOrganizationsResources) {
  ASSERT_GT(operations_.size(), 40u);
  int checked = 0;
  for (const Operation& op : operations_) {
    if (op.permission == "none" || op.path.starts_with("/v1/auth/")) continue;
    // A super_admin manages every organization by design: reading org B is its job.
    if (op.path.starts_with("/v1/orgs")) continue;
    const std::string path = b_.Fill(op.path);
    for (const std::string& role : kRoles) {
      HttpClient client = server_.WithKey(keys_a_[role]);
      HttpResult response = Call(client, op, path, PlausibleBody(op, b_, a_));
      const std::string what = role + " of A: " + op.method + " " + path;
      ++checked;
      if (!RoleHas(role, op.permission)) {
        EXPECT_EQ(response.status, 403) << what << " " << response.body;
        continue;
      }
      if (path.find('{') == std::string::npos && path == op.path && op.method == "GET") {
        // A list of A's own: none of B's ids may appear in it.
        EXPECT_EQ(response.status, 200) << what;
        for (const std::string& id : b_.Ids()) {
          EXPECT_EQ(response.body.find(id), std::string::npos) << what << " shows " << id;
        }
        continue;
      }
      if (path == op.path && op.method == "POST" && op.path != "/v1/connections" &&
          op.path != "/v1/replay" && op.path != "/v1/transformations/test") {
        continue;  // creating in one's own organization: nothing of B is named
      }
      EXPECT_EQ(response.status, 404) << what << " " << response.body;
      EXPECT_EQ(response.ErrorCode(), "not_found") << what;
    }
  }
  EXPECT_GT(checked, 100);
  // Naming B's source as a filter or B's destination as a job's other half is refused too.
  HttpClient a = server_.WithKey(keys_a_["developer"]);
  EXPECT_EQ(a.Get("/v1/events?source_id=" + b_.source).status, 404);
  EXPECT_EQ(a.Get("/v1/stats?source_id=" + b_.source).status, 404);
  EXPECT_EQ(a.Get("/v1/stats?destination_id=" + b_.destination).status, 404);
  EXPECT_EQ(
      a.PostJson("/v1/connections", {{"source_id", a_.source}, {"destination_id", b_.destination}})
          .status,
      404);
  EXPECT_EQ(a.PostJson("/v1/replay", {{"destination_id", a_.destination},
                                      {"source_id", b_.source},
                                      {"from", "2000-01-01T00:00:00Z"},
                                      {"to", "2100-01-01T00:00:00Z"}})
                .status,
            404);
  EXPECT_EQ(a.PostJson("/v1/replay", {{"destination_id", a_.destination},
                                      {"connection_id", b_.connection},
                                      {"from", "2000-01-01T00:00:00Z"},
                                      {"to", "2100-01-01T00:00:00Z"}})
                .status,
            404);
  // Nor may A run code against B's event, or deliver through or replay with B's script.
  EXPECT_EQ(a.PostJson("/v1/transformations/test",
                       {{"code", "function transform(r) { return r; }"}, {"event_id", b_.event}})
                .status,
            404);
  EXPECT_EQ(
      a.PatchJson("/v1/connections/" + a_.connection, {{"transformation_id", b_.transformation}})
          .status,
      404);
  EXPECT_EQ(a.PostJson("/v1/replay", {{"destination_id", a_.destination},
                                      {"transformation_id", b_.transformation},
                                      {"from", "2000-01-01T00:00:00Z"},
                                      {"to", "2100-01-01T00:00:00Z"}})
                .status,
            404);

  // B's resources are all there, unchanged.
  HttpClient b = server_.WithKey(keys_b_["viewer"]);
  EXPECT_EQ(JsonString(b.Get("/v1/sources/" + b_.source).Json(), "name"), "test source");
  EXPECT_EQ(JsonString(b.Get("/v1/destinations/" + b_.destination).Json(), "name"),
            "test destination");
  EXPECT_TRUE(b.Get("/v1/connections/" + b_.connection).Json().at("enabled").as_bool());
  EXPECT_EQ(b.Get("/v1/events/" + b_.event).status, 200);
  EXPECT_EQ(JsonString(b.Get("/v1/transformations/" + b_.transformation).Json(), "name"),
            "tenant script");
  EXPECT_NE(JsonString(b.Get("/v1/replay/" + b_.job).Json(), "status"), "cancelled");
  EXPECT_EQ(server_.WithKey(keys_b_["admin"]).Get("/v1/api-keys/" + b_.key_id).status, 200);
  EXPECT_EQ(server_.WithKey(keys_b_["admin"]).Get("/v1/notifications/" + b_.notification).status,
            200);
  EXPECT_TRUE(b.Get("/v1/endpoints/" + b_.source + "/requests/" + b_.event + "/replays")
                  .Json()
                  .at("data")
                  .as_array()
                  .empty());
}

TEST_F(IsolationTest, EachRoleGetsExactlyThePermissionsOfItsOperations) {
  // Ids that exist nowhere and bodies that do not validate: a permitted call ends in 404 or 400
  // and changes nothing; a refused one must be 403 before anything is looked at.
  Tenant nowhere{"org_0nothing", "src_0nothing", "evt_0nothing", "dst_0nothing", "con_0nothing",
                 "job_0nothing", "key_0nothing", "trf_0nothing", "ntf_0nothing"};
  int checked = 0;
  for (const Operation& op : operations_) {
    if (op.path == "/v1/auth/logout")
      continue;  // would end nothing, but is not worth a special case
    const std::string path = nowhere.Fill(op.path);
    for (const std::string& role : kRoles) {
      HttpClient client = server_.WithKey(keys_a_[role]);
      HttpResult response = Call(client, op, path, {});
      const std::string what = role + ": " + op.method + " " + path;
      ++checked;
      if (RoleHas(role, op.permission)) {
        EXPECT_NE(response.status, 401) << what;
        EXPECT_NE(response.status, 403) << what << " " << response.body;
        EXPECT_NE(response.status, 405) << what;
        // The route exists: a 404 is about the resource, never "no such endpoint".
        EXPECT_EQ(response.body.find("there is no API endpoint"), std::string::npos) << what;
        EXPECT_LT(response.status, 500) << what << " " << response.body;
      } else {
        EXPECT_EQ(response.status, 403) << what << " " << response.body;
        EXPECT_EQ(response.ErrorCode(), "forbidden") << what;
      }
    }
  }
  EXPECT_GT(checked, 150);
}

TEST_F(IsolationTest, EveryOperationThatNeedsAKeyIs401WithoutOne) {
  HttpClient anonymous = server_.Client();
  for (const Operation& op : operations_) {
    if (op.permission == "none") continue;
    HttpResult response = Call(anonymous, op, a_.Fill(op.path), {});
    EXPECT_EQ(response.status, 401) << op.method << " " << op.path;
    EXPECT_EQ(response.ErrorCode(), "unauthorized") << op.method << " " << op.path;
  }
}

}  // namespace
}  // namespace rehook::testing
