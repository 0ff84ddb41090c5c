// The ObjectStore contract, run against LocalStore and against AzureBlobStore on Azurite,
// plus what only the Azure store does: block uploads, paging, ranged reads, retries, errors.
#include "storage/azure_blob_store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storage/local_store.h"
#include "unit/storage/azurite_server.h"
#include "unit/storage/temp_dir.h"

namespace jsm::storage {
namespace {

/// A fresh container name per test, so tests sharing one Azurite never see each other's blobs.
std::string UniqueContainer() {
  static std::atomic<int> counter{0};
  std::random_device device;
  return "t" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
         std::to_string(device() % 100000);
}

Result<std::unique_ptr<AzureBlobStore>> OpenAzurite(const std::string& container, const std::string& prefix,
                                                    AzureBlobOptions options = {}) {
  return AzureBlobStore::Open(AzureLocation{"", container, prefix},
                              testing::AzuriteServer::Shared().Credentials(), std::move(options));
}

enum class StoreKind { kLocal, kAzurite };

/// Each test gets an empty store of its kind.
class ObjectStoreContract : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    if (GetParam() == StoreKind::kLocal) {
      auto store = LocalStore::Open(dir_.path() + "/lake");
      ASSERT_TRUE(store) << store.error().ToString();
      store_ = std::move(*store);
      return;
    }
    JSM_REQUIRE_AZURITE();
    container_ = UniqueContainer();
    auto store = OpenAzurite(container_, "lake/house");
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }

  /// A second store over the same place (another client, as another process would be).
  std::unique_ptr<ObjectStore> Reopen() {
    if (GetParam() == StoreKind::kLocal) return std::move(*LocalStore::Open(dir_.path() + "/lake"));
    return std::move(*OpenAzurite(container_, "lake/house"));
  }

  testing::TempDir dir_;
  std::string container_;
  std::unique_ptr<ObjectStore> store_;
};

TEST_P(ObjectStoreContract, GetReturnsWhatPutWrote) {
  ASSERT_TRUE(store_->Put("a/b/c.json", "hello"));
  auto got = store_->Get("a/b/c.json");
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(*got, "hello");
}

TEST_P(ObjectStoreContract, PutReplacesAndEmptyObjectsRoundTrip) {
  ASSERT_TRUE(store_->Put("k", "first"));
  ASSERT_TRUE(store_->Put("k", "second, longer"));
  EXPECT_EQ(*store_->Get("k"), "second, longer");
  ASSERT_TRUE(store_->Put("empty", ""));
  auto empty = store_->Get("empty");
  ASSERT_TRUE(empty) << empty.error().ToString();
  EXPECT_EQ(*empty, "");
}

TEST_P(ObjectStoreContract, BinaryBytesSurviveUnchanged) {
  std::string bytes;
  for (int i = 0; i < 256 * 40; ++i) bytes.push_back(static_cast<char>(i % 256));
  ASSERT_TRUE(store_->Put("bin/data.parquet", bytes));
  EXPECT_EQ(*store_->Get("bin/data.parquet"), bytes);
}

TEST_P(ObjectStoreContract, GetOfAbsentObjectIsNotFound) {
  auto got = store_->Get("missing/x");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), ErrorCode::kNotFound) << got.error().ToString();
}

TEST_P(ObjectStoreContract, PutIfAbsentCreatesOnceThenReportsAlreadyExists) {
  ASSERT_TRUE(store_->PutIfAbsent("_delta_log/00000000000000000000.json", "v0"));
  auto second = store_->PutIfAbsent("_delta_log/00000000000000000000.json", "other");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), ErrorCode::kAlreadyExists) << second.error().ToString();
  EXPECT_EQ(*store_->Get("_delta_log/00000000000000000000.json"), "v0");
}

TEST_P(ObjectStoreContract, ListReturnsKeysUnderPrefixSortedWithSizes) {
  ASSERT_TRUE(store_->Put("t/_delta_log/00000000000000000001.json", "bb"));
  ASSERT_TRUE(store_->Put("t/_delta_log/00000000000000000000.json", "a"));
  ASSERT_TRUE(store_->Put("t/part-0.parquet", "ccc"));
  ASSERT_TRUE(store_->Put("u/other", "x"));
  auto listed = store_->List("t/_delta_log/");
  ASSERT_TRUE(listed) << listed.error().ToString();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].path, "t/_delta_log/00000000000000000000.json");
  EXPECT_EQ((*listed)[0].size, 1);
  EXPECT_EQ((*listed)[1].path, "t/_delta_log/00000000000000000001.json");
  EXPECT_EQ((*listed)[1].size, 2);
  EXPECT_GT((*listed)[1].modified_ms, 1600000000000);
  auto all = store_->List("");
  ASSERT_TRUE(all) << all.error().ToString();
  EXPECT_EQ(all->size(), 4u);
  auto partial = store_->List("t/part");
  ASSERT_TRUE(partial);
  ASSERT_EQ(partial->size(), 1u);
  EXPECT_EQ((*partial)[0].path, "t/part-0.parquet");
  auto none = store_->List("nothing/");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(ObjectStoreContract, DeleteRemovesAndDeletingAbsentSucceeds) {
  ASSERT_TRUE(store_->Put("d/x", "1"));
  ASSERT_TRUE(store_->Delete("d/x"));
  EXPECT_EQ(store_->Get("d/x").error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store_->Delete("d/x"));
  EXPECT_TRUE(store_->Delete("never/was"));
}

TEST_P(ObjectStoreContract, KeysWithPartitionCharactersRoundTrip) {
  const std::string key = "gold/country=United Kingdom/date=2024-01-02/part-00000 (1)+%20&x.parquet";
  ASSERT_TRUE(store_->Put(key, "p"));
  EXPECT_EQ(*store_->Get(key), "p");
  auto listed = store_->List("gold/country=United Kingdom/");
  ASSERT_TRUE(listed) << listed.error().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].path, key);
}

TEST_P(ObjectStoreContract, InvalidKeysAreRejected) {
  for (const std::string key : {"", "/abs", "dir/", "a/../b", "a//b", "./a"}) {
    auto status = store_->Put(key, "x");
    ASSERT_FALSE(status) << key;
    EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument) << key;
  }
}

TEST_P(ObjectStoreContract, GetRangeReturnsTheBytesAskedFor) {
  ASSERT_TRUE(store_->Put("r", "0123456789"));
  EXPECT_EQ(*store_->GetRange("r", 2, 3), "234");
  EXPECT_EQ(*store_->GetRange("r", 8, 100), "89");
  EXPECT_EQ(*store_->GetRange("r", 10, 5), "");
  EXPECT_EQ(store_->GetRange("absent", 0, 1).error().code(), ErrorCode::kNotFound);
}

TEST_P(ObjectStoreContract, ConcurrentPutIfAbsentOfOneVersionHasExactlyOneWinner) {
  constexpr int kVersions = 10;
  constexpr int kWriters = 4;
  for (int version = 0; version < kVersions; ++version) {
    const std::string key = "_delta_log/" + std::to_string(version) + ".json";
    std::atomic<int> wins{0}, conflicts{0}, others{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        auto store = Reopen();
        auto status = store->PutIfAbsent(key, "writer " + std::to_string(w));
        if (status) {
          ++wins;
        } else if (status.error().code() == ErrorCode::kAlreadyExists) {
          ++conflicts;
        } else {
          ++others;
        }
      });
    }
    for (auto& t : writers) t.join();
    EXPECT_EQ(wins.load(), 1) << "version " << version;
    EXPECT_EQ(conflicts.load(), kWriters - 1) << "version " << version;
    EXPECT_EQ(others.load(), 0) << "version " << version;
  }
}

TEST_P(ObjectStoreContract, TwoProcessesPutIfAbsentTheSameCommitExactlyOneWins) {
  constexpr int kVersions = 8;
  for (int version = 0; version < kVersions; ++version) {
    const std::string key = "_delta_log/" + std::to_string(version) + ".json";
    std::vector<pid_t> children;
    for (int w = 0; w < 2; ++w) {
      const pid_t pid = ::fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) {
        auto store = Reopen();
        auto status = store->PutIfAbsent(key, "process " + std::to_string(w));
        // 0: won, 1: lost the race (already exists), 2: another failure.
        ::_exit(status ? 0 : (status.error().code() == ErrorCode::kAlreadyExists ? 1 : 2));
      }
      children.push_back(pid);
    }
    int wins = 0, losses = 0;
    for (const pid_t pid : children) {
      int wstatus = 0;
      ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
      ASSERT_TRUE(WIFEXITED(wstatus));
      if (WEXITSTATUS(wstatus) == 0) ++wins;
      if (WEXITSTATUS(wstatus) == 1) ++losses;
    }
    EXPECT_EQ(wins, 1) << "version " << version;
    EXPECT_EQ(losses, 1) << "version " << version;
    auto content = store_->Get(key);
    ASSERT_TRUE(content) << content.error().ToString();
    EXPECT_TRUE(*content == "process 0" || *content == "process 1") << *content;
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, ObjectStoreContract,
                         ::testing::Values(StoreKind::kLocal, StoreKind::kAzurite), [](const auto& info) {
                           return info.param == StoreKind::kLocal ? "Local" : "Azurite";
                         });

TEST(AzureBlobStore, LargeObjectsGoUpInBlocksAndReadBackWhole) {
  JSM_REQUIRE_AZURITE();
  AzureBlobOptions options;
  options.single_put_limit = 1000;
  options.block_size = 333;
  auto store = OpenAzurite(UniqueContainer(), "", options);
  ASSERT_TRUE(store) << store.error().ToString();
  std::string data;
  for (int i = 0; i < 2500; ++i) data.push_back(static_cast<char>('a' + i % 26));
  ASSERT_TRUE((*store)->Put("big.parquet", data));
  EXPECT_EQ(*(*store)->Get("big.parquet"), data);
  ASSERT_TRUE((*store)->PutIfAbsent("big-once.parquet", data));
  auto again = (*store)->PutIfAbsent("big-once.parquet", data + "x");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(*(*store)->Get("big-once.parquet"), data);
}

TEST(AzureBlobStore, ListFollowsContinuationMarkers) {
  JSM_REQUIRE_AZURITE();
  AzureBlobOptions options;
  options.list_page_size = 3;
  auto store = OpenAzurite(UniqueContainer(), "root", options);
  ASSERT_TRUE(store) << store.error().ToString();
  for (int i = 0; i < 11; ++i) ASSERT_TRUE((*store)->Put("p/" + std::to_string(100 + i), "x"));
  auto listed = (*store)->List("p/");
  ASSERT_TRUE(listed) << listed.error().ToString();
  ASSERT_EQ(listed->size(), 11u);
  for (int i = 0; i < 11; ++i) EXPECT_EQ((*listed)[i].path, "p/" + std::to_string(100 + i));
}

TEST(AzureBlobStore, StoresWithDifferentPrefixesDoNotSeeEachOther) {
  JSM_REQUIRE_AZURITE();
  const std::string container = UniqueContainer();
  auto a = OpenAzurite(container, "a");
  auto ab = OpenAzurite(container, "ab");
  ASSERT_TRUE(a && ab);
  ASSERT_TRUE((*a)->Put("k", "1"));
  ASSERT_TRUE((*ab)->Put("k", "2"));
  EXPECT_EQ((*a)->List("")->size(), 1u);
  EXPECT_EQ(*(*a)->Get("k"), "1");
  EXPECT_EQ(*(*ab)->Get("k"), "2");
}

TEST(AzureBlobStore, WrongKeyIsAnErrorNamingAccountContainerBlobAndStatusButNotTheKey) {
  JSM_REQUIRE_AZURITE();
  AzureCredentials credentials = testing::AzuriteServer::Shared().Credentials();
  credentials.account_key = "d3Jvbmcga2V5IHdyb25nIGtleSB3cm9uZyBrZXk=";
  AzureBlobOptions options;
  options.create_container = false;
  auto store = AzureBlobStore::Open(AzureLocation{"", "somecontainer", "lake"}, credentials, options);
  ASSERT_TRUE(store) << store.error().ToString();
  auto got = (*store)->Get("x/y.json");
  ASSERT_FALSE(got);
  const std::string message = got.error().message();
  EXPECT_NE(message.find("devstoreaccount1"), std::string::npos) << message;
  EXPECT_NE(message.find("somecontainer"), std::string::npos) << message;
  EXPECT_NE(message.find("lake/x/y.json"), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 403"), std::string::npos) << message;
  EXPECT_NE(message.find("AuthorizationFailure"), std::string::npos) << message;
  EXPECT_EQ(message.find(credentials.account_key), std::string::npos) << message;
}

TEST(AzureBlobStore, UnreachableEndpointIsUnavailableAfterBoundedRetries) {
  AzureCredentials credentials{"devstoreaccount1", std::string(kDevelopmentAccountKey), "",
                               "http://127.0.0.1:1/devstoreaccount1"};
  AzureBlobOptions options;
  options.create_container = false;
  options.retry.max_attempts = 3;
  options.retry.initial_backoff = std::chrono::milliseconds(1);
  auto store = AzureBlobStore::Open(AzureLocation{"", "lake", ""}, credentials, options);
  ASSERT_TRUE(store);
  auto got = (*store)->Get("k");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable) << got.error().ToString();
  EXPECT_NE(got.error().message().find("3 attempts"), std::string::npos) << got.error().message();
  EXPECT_EQ(got.error().message().find(kDevelopmentAccountKey), std::string::npos);
}

TEST(AzureBlobStore, AStoreThatMustNotCreateItsContainerRefusesAMissingOneAndCreatesNothing) {
  const AzureCredentials credentials = testing::AzuriteServer::Shared().Credentials();
  AzureBlobOptions check;
  check.create_container = false;
  check.check_container = true;
  auto missing = AzureBlobStore::Open(AzureLocation{"", "typo-container", "lake"}, credentials, check);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound) << missing.error().ToString();
  EXPECT_NE(missing.error().message().find("no container 'typo-container'"), std::string::npos)
      << missing.error().message();
  // Asked again: still missing, so the first Open created nothing.
  auto again = AzureBlobStore::Open(AzureLocation{"", "typo-container", "lake"}, credentials, check);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kNotFound);
  // Once created (as `jsm run` does), the check passes.
  ASSERT_TRUE(AzureBlobStore::Open(AzureLocation{"", "typo-container", "lake"}, credentials, AzureBlobOptions{}));
  EXPECT_TRUE(AzureBlobStore::Open(AzureLocation{"", "typo-container", "lake"}, credentials, check));
}

TEST(AzureBlobStore, ABlobLeaseIsHeldByOneHolderRenewedAndReleased) {
  auto store = AzureBlobStore::Open(AzureLocation{"", "leases", "lake"},
                                    testing::AzuriteServer::Shared().Credentials(), AzureBlobOptions{});
  ASSERT_TRUE(store) << store.error().ToString();
  auto first = (*store)->TryLease("_system/leases/refine", "pid 1 on host-a");
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ((*first)->term_s(), AzureBlobStore::kLeaseSeconds);
  EXPECT_TRUE((*first)->Renew());
  auto second = (*store)->TryLease("_system/leases/refine", "pid 2 on host-b");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), ErrorCode::kAlreadyExists) << second.error().ToString();
  EXPECT_NE(second.error().message().find("leased by another process"), std::string::npos) << second.error().message();
  first->reset();  // released
  auto third = (*store)->TryLease("_system/leases/refine", "pid 3 on host-c");
  ASSERT_TRUE(third) << third.error().ToString();
  EXPECT_TRUE((*third)->Renew());
}

TEST(AzureBlobStore, SasTokenAuthenticatesWithoutAKeyAndIsNeverInMessages) {
  JSM_REQUIRE_AZURITE();
  // A SAS with a bad signature: Azurite rejects it, and the message must not echo it.
  AzureCredentials credentials = testing::AzuriteServer::Shared().Credentials();
  credentials.account_key.clear();
  credentials.sas_token = "sv=2021-12-02&ss=b&srt=sco&sp=rwdlac&se=2099-01-01T00:00:00Z&sig=c2VjcmV0c2ln";
  AzureBlobOptions options;
  options.create_container = false;
  auto store = AzureBlobStore::Open(AzureLocation{"", "sascontainer", ""}, credentials, options);
  ASSERT_TRUE(store);
  auto got = (*store)->Get("k");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message().find("c2VjcmV0c2ln"), std::string::npos) << got.error().message();
  EXPECT_NE(got.error().message().find("HTTP 403"), std::string::npos) << got.error().message();
}

TEST(AzureBlobStore, RequestsRetryAcrossAnAzuriteRestart) {
  JSM_REQUIRE_AZURITE();
  auto& server = testing::AzuriteServer::Shared();
  if (server.state_dir().empty())
    GTEST_SKIP() << "an external Azurite (JSM_TEST_AZURITE_ENDPOINT) is not restarted";
  auto store = OpenAzurite(UniqueContainer(), "");
  ASSERT_TRUE(store) << store.error().ToString();
  ASSERT_TRUE((*store)->Put("before", "1"));
  ASSERT_TRUE(server.Run("down.sh"));
  std::thread restarter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the outage being simulated
    EXPECT_TRUE(server.Run("up.sh"));
  });
  const auto started = std::chrono::steady_clock::now();
  auto status = (*store)->Put("during", "2");
  restarter.join();
  EXPECT_TRUE(status) << status.error().ToString();
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1000));
  EXPECT_EQ(*(*store)->Get("before"), "1");
  EXPECT_EQ(*(*store)->Get("during"), "2");
}

TEST(AzureBlobStore, OpenStoreOfAnAbfssUriTakesTheAccountFromTheHostAndTheKeyFromTheEnvironment) {
  JSM_REQUIRE_AZURITE();
  ::unsetenv("AZURE_STORAGE_CONNECTION_STRING");
  ::unsetenv("AZURE_STORAGE_ACCOUNT");
  ::setenv("AZURE_STORAGE_KEY", std::string(kDevelopmentAccountKey).c_str(), 1);
  ::setenv("AZURE_STORAGE_ENDPOINT", testing::AzuriteServer::Shared().endpoint().c_str(), 1);
  const std::string container = UniqueContainer();
  auto store = OpenStore("abfss://" + container + "@devstoreaccount1.dfs.core.windows.net/lake/house");
  ASSERT_TRUE(store) << store.error().ToString();
  ASSERT_TRUE((*store)->Put("gold/t/_delta_log/00000000000000000000.json", "{}"));
  // The same blobs through an az:// URI of the same container and prefix.
  ::setenv("AZURE_STORAGE_ACCOUNT", "devstoreaccount1", 1);
  auto same = OpenStore("az://" + container + "/lake/house");
  ASSERT_TRUE(same) << same.error().ToString();
  EXPECT_EQ(*(*same)->Get("gold/t/_delta_log/00000000000000000000.json"), "{}");
  EXPECT_EQ((*same)->Describe(), "az://" + container + "/lake/house (account devstoreaccount1)");
  ::unsetenv("AZURE_STORAGE_KEY");
  ::unsetenv("AZURE_STORAGE_ENDPOINT");
  ::unsetenv("AZURE_STORAGE_ACCOUNT");
}

TEST(AzureBlobOptions, EnvironmentOverridesAndRejectsNonNumbers) {
  auto env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "JSM_AZURE_BLOCK_BYTES") return "1048576";
    if (name == "JSM_AZURE_RETRY_SECONDS") return "7";
    return std::nullopt;
  };
  auto options = AzureBlobOptionsFromEnvironment(env);
  ASSERT_TRUE(options) << options.error().ToString();
  EXPECT_EQ(options->block_size, 1048576u);
  EXPECT_EQ(options->retry.max_elapsed, std::chrono::seconds(7));
  auto bad = AzureBlobOptionsFromEnvironment([](std::string_view name) -> std::optional<std::string> {
    if (name == "JSM_AZURE_SINGLE_PUT_BYTES") return "lots";
    return std::nullopt;
  });
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("JSM_AZURE_SINGLE_PUT_BYTES"), std::string::npos);
}

}  // namespace
}  // namespace jsm::storage
