#pragma once
/// Azurite for the storage tests: the project's deploy/azurite/up.sh on a free loopback port
/// with its own state dir, started on first use and stopped when the test process exits.
/// JSM_TEST_AZURITE_ENDPOINT (e.g. http://127.0.0.1:10000/devstoreaccount1) uses a running one instead.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "storage/azure_credentials.h"

namespace jsm::testing {

/// One Azurite per test process; `endpoint()` is empty and `skip_reason()` says why when it cannot run.
class AzuriteServer {
 public:
  /// The process-wide server, started on first call.
  static AzuriteServer& Shared() {
    static AzuriteServer server;
    return server;
  }

  const std::string& endpoint() const { return endpoint_; }
  const std::string& skip_reason() const { return skip_reason_; }
  const std::string& state_dir() const { return state_dir_; }

  /// Development-account credentials for this server.
  storage::AzureCredentials Credentials() const {
    return storage::AzureCredentials{std::string(storage::kDevelopmentAccount),
                                     std::string(storage::kDevelopmentAccountKey), "", endpoint_};
  }

  /// Runs deploy/azurite/<script> for this server's state dir; true on exit status 0.
  bool Run(const std::string& script) const {
    const std::string command = "JSM_AZURITE_STATE_DIR='" + state_dir_ + "' JSM_AZURITE_PORT=" + port_ +
                                " '" + std::string(JSM_SOURCE_DIR) + "/deploy/azurite/" + script + "' >>'" +
                                state_dir_ + "/script.log' 2>&1";
    return std::system(command.c_str()) == 0;
  }

 private:
  AzuriteServer() {
    if (const char* external = std::getenv("JSM_TEST_AZURITE_ENDPOINT");
        external != nullptr && *external != '\0') {
      endpoint_ = external;
      return;
    }
    std::string pattern = ::testing::TempDir() + "jsm-azurite-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      skip_reason_ = "cannot create a state dir for Azurite";
      return;
    }
    state_dir_ = pattern;
    port_ = "0";
    if (!Run("up.sh")) {
      std::ifstream log(state_dir_ + "/script.log");
      std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
      skip_reason_ = "Azurite could not start (needs Node.js and npm; see docs/azure.md): " + text;
      return;
    }
    std::ifstream port_file(state_dir_ + "/azurite.port");
    port_file >> port_;
    started_ = true;
    endpoint_ = "http://127.0.0.1:" + port_ + "/" + std::string(storage::kDevelopmentAccount);
  }

  ~AzuriteServer() {
    if (started_) (void)Run("down.sh");
    if (!state_dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(state_dir_, ignored);
    }
  }

  bool started_ = false;
  std::string port_;
  std::string state_dir_;
  std::string endpoint_;
  std::string skip_reason_;
};

}  // namespace jsm::testing

/// Skips the current test when Azurite is not available, saying why.
#define JSM_REQUIRE_AZURITE()                                                \
  do {                                                                       \
    if (::jsm::testing::AzuriteServer::Shared().endpoint().empty()) {        \
      GTEST_SKIP() << ::jsm::testing::AzuriteServer::Shared().skip_reason(); \
    }                                                                        \
  } while (0)
