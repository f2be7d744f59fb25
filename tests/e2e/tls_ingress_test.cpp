// HTTPS ingress through the real binary (--tls-cert/--tls-key): capture, the API and the
// dashboard's sign-in over TLS, and a certificate replaced on disk while clients keep
// connecting, picked up on SIGHUP and by itself, without a restart and without a failed
// connection.
#include <signal.h>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/api_helpers.h"
#include "support/http_client.h"
#include "support/rehook_process.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"

namespace rehook::testing {
namespace {

using namespace std::chrono_literals;

// Writes `text` to `path` the way a renewal does: a new file renamed over the old one.
void Replace(const std::string& path, const std::string& text) {
  const std::string staged = path + ".new";
  {
    std::ofstream file(staged, std::ios::binary | std::ios::trunc);
    file << text;
  }
  std::filesystem::rename(staged, path);
}

class TlsIngressTest : public ::testing::Test {
 protected:
  TlsIngressTest() {
    Replace(cert_path_, first_.cert_pem);
    Replace(key_path_, first_.key_pem);
  }

  RehookOptions Tls() const {
    return RehookOptions{{"--tls-cert", cert_path_, "--tls-key", key_path_}};
  }

  // A new connection (a client of its own) trusting only `ca_pem`.
  static HttpClient Trusting(const RehookProcess& server, const std::string& ca_pem) {
    HttpClient client("127.0.0.1", server.port(), ca_pem);
    client.SetTimeout(5s);
    return client;
  }

  // Whether a new connection trusting only `ca_pem` gets an answer from /healthz.
  static bool Accepted(const RehookProcess& server, const std::string& ca_pem) {
    try {
      return Trusting(server, ca_pem).Get("/healthz").status == 200;
    } catch (const std::exception&) {
      return false;  // the handshake failed: the server shows another certificate
    }
  }

  static std::size_t Count(const std::string& text, const std::string& what) {
    std::size_t count = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
    return count;
  }

  TempDir dir_;
  const std::string cert_path_ = dir_.path() + "/cert.pem";
  const std::string key_path_ = dir_.path() + "/key.pem";
  const TestCertificates first_ = TestCertificates::Make();
};

TEST_F(TlsIngressTest, CaptureTheApiAndSignInAnswerOverHttps) {
  RehookProcess server(Tls());
  EXPECT_EQ(server.url().rfind("https://127.0.0.1:", 0), 0u) << server.url();
  HttpClient admin = Trusting(server, first_.ca_pem);
  admin.SetDefaultHeader("X-API-Key", server.admin_key());
  auto source = admin.PostJson("/v1/sources", {{"name", "stripe"}});
  ASSERT_EQ(source.status, 201) << source.body;
  const std::string source_id = JsonString(source.Json(), "id");
  EXPECT_EQ(JsonString(source.Json(), "ingest_url"), server.url() + "/in/" + source_id);

  HttpClient provider = Trusting(server, first_.ca_pem);
  const std::string event_id = Capture(provider, source_id, R"({"over":"tls"})");
  auto event = admin.Get("/v1/events/" + event_id);
  ASSERT_EQ(event.status, 200) << event.body;
  EXPECT_EQ(JsonString(event.Json(), "body"), R"({"over":"tls"})");

  // The session cookie of an HTTPS server is Secure.
  HttpClient browser = Trusting(server, first_.ca_pem);
  auto login = browser.PostJson("/v1/auth/login", {{"api_key", server.admin_key()}});
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_NE(login.Header("Set-Cookie").value_or("").find("; Secure"), std::string::npos)
      << login.Header("Set-Cookie").value_or("");

  // Plain HTTP to the HTTPS port gets no HTTP answer, and the server serves on.
  const std::string plain = RawExchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(plain.find("200"), std::string::npos) << plain;
  EXPECT_TRUE(Accepted(server, first_.ca_pem));
  // A client that does not trust the certificate cannot talk to it.
  EXPECT_FALSE(Accepted(server, TestCertificates::Make().ca_pem));
}

TEST_F(TlsIngressTest, ACertificateReplacedOnDiskIsServedWithoutARestartWhileClientsConnect) {
  const TestCertificates second = TestCertificates::Make();
  const TestCertificates third = TestCertificates::Make();
  RehookProcess server(Tls());

  // Clients connecting all along, each on a new connection, trusting all three CAs: not one
  // may fail while the certificate changes under them.
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::atomic<int> failed{0};
  std::thread clients([&] {
    const std::string any = first_.ca_pem + second.ca_pem + third.ca_pem;
    while (!stop) {
      (Accepted(server, any) ? answered : failed)++;
      std::this_thread::sleep_for(20ms);
    }
  });

  // A renewal: the new pair replaces the files; the server notices the change by itself.
  Replace(cert_path_, second.cert_pem);
  Replace(key_path_, second.key_pem);
  WaitUntil([&] { return Accepted(server, second.ca_pem); }, 15s);
  EXPECT_TRUE(Accepted(server, second.ca_pem));
  EXPECT_FALSE(Accepted(server, first_.ca_pem));

  // SIGHUP loads the files again at once, changed or not.
  const std::size_t reloads = Count(server.stderr_text(), "tls.reloaded");
  ::kill(server.pid(), SIGHUP);
  WaitUntil([&] { return Count(server.stderr_text(), "tls.reloaded") > reloads; }, 10s);
  EXPECT_GT(Count(server.stderr_text(), "tls.reloaded"), reloads);
  Replace(cert_path_, third.cert_pem);
  Replace(key_path_, third.key_pem);
  ::kill(server.pid(), SIGHUP);
  WaitUntil([&] { return Accepted(server, third.ca_pem); }, 15s);
  EXPECT_TRUE(Accepted(server, third.ca_pem));

  // A key that does not belong to the certificate is refused; the last good pair serves on.
  const std::size_t failures = Count(server.stderr_text(), "tls.reload_failed");
  Replace(key_path_, first_.key_pem);
  WaitUntil([&] { return Count(server.stderr_text(), "tls.reload_failed") > failures; }, 15s);
  EXPECT_NE(server.stderr_text().find("does not belong to the certificate"), std::string::npos);
  EXPECT_TRUE(Accepted(server, third.ca_pem));

  stop = true;
  clients.join();
  EXPECT_EQ(failed, 0);
  EXPECT_GT(answered, 0);
}

TEST(TlsIngressStartTest, AKeyThatDoesNotMatchTheCertificateStopsTheStartNamingIt) {
  TempDir dir;
  const TestCertificates one = TestCertificates::Make();
  const TestCertificates other = TestCertificates::Make();
  Replace(dir.path() + "/cert.pem", one.cert_pem);
  Replace(dir.path() + "/key.pem", other.key_pem);
  try {
    RehookProcess server(RehookOptions{
        {"--tls-cert", dir.path() + "/cert.pem", "--tls-key", dir.path() + "/key.pem"}});
    ADD_FAILURE() << "started with a key of another certificate";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("does not belong to the certificate"), std::string::npos)
        << e.what();
  }
  try {
    RehookProcess server(RehookOptions{{"--tls-cert", dir.path() + "/cert.pem"}});
    ADD_FAILURE() << "started with a certificate and no key";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("--tls-cert and --tls-key go together"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace rehook::testing
