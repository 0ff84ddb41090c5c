#include "storage/local_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "unit/storage/temp_dir.h"

namespace jsm::storage {
namespace {

std::unique_ptr<LocalStore> OpenIn(const testing::TempDir& dir) {
  auto store = LocalStore::Open(dir.path() + "/root/nested");
  EXPECT_TRUE(store) << store.error().ToString();
  return std::move(*store);
}

TEST(LocalStore, OpenCreatesMissingDirectories) {
  testing::TempDir dir;
  auto store = OpenIn(dir);
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() + "/root/nested"));
  EXPECT_EQ(store->Describe(), dir.path() + "/root/nested");
}

TEST(LocalStore, RelativeRootBecomesAbsolute) {
  testing::TempDir dir;
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  auto store = LocalStore::Open("./lake/");
  std::filesystem::current_path(previous);
  ASSERT_TRUE(store) << store.error().ToString();
  EXPECT_EQ((*store)->root(), dir.path() + "/lake");
  ASSERT_TRUE((*store)->Put("k", "v"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/lake/k"));
}

TEST(LocalStore, GetReadsLargeObjectsWhole) {
  testing::TempDir dir;
  auto store = OpenIn(dir);
  std::string big(3 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<char>('a' + i % 26);
  ASSERT_TRUE(store->Put("big", big));
  auto got = store->Get("big");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, big);
}

// A file where a directory must be stays there until a person moves it: not transient (kIoError is
// retried), a refusal (`jsm` exits 4).
TEST(LocalStore, OpenFailsWhenRootIsAFile) {
  testing::TempDir dir;
  std::ofstream(dir.path() + "/file") << "x";
  auto store = LocalStore::Open(dir.path() + "/file");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(store.error().message().find(dir.path() + "/file"), std::string::npos);
}

TEST(LocalStore, PutThenGetReturnsTheBytesAndCreatesParents) {
  testing::TempDir dir;
  auto store = OpenIn(dir);
  const std::string data("a\0b\nc", 5);
  ASSERT_TRUE(store->Put("t/_delta_log/x.json", data));
  auto got = store->Get("t/_delta_log/x.json");
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(*got, data);
}

TEST(LocalStore, PutReplacesAnExistingObject) {
  testing::TempDir dir;
  auto store = OpenIn(dir);
  ASSERT_TRUE(store->Put("k", "old"));
  ASSERT_TRUE(store->Put("k", "new"));
  EXPECT_EQ(*store->Get("k"), "new");
}

TEST(LocalStore, PutOfEmptyObjectGetsEmptyString) {
  testing::TempDir dir;
  auto store = OpenIn(dir);
  ASSERT_TRUE(store->Put("empty", ""));
  auto got = store->Get("empty");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, "");
}

TEST(LocalStore, GetOfAbsentObjectIsNotFoundNamingFullPath) {
  testing::TempDir dir;
  auto store = OpenIn(dir);
  auto got = store->Get("missing/file");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(got.error().message().find(store->root() + "/missing/file"), std::string::npos);
}

TEST(LocalStore, GetOfDirectoryIsIoError) {
  testing::TempDir dir;
  auto store = OpenIn(dir);
  ASSERT_TRUE(store->Put("d/f", "x"));
  auto got = store->Get("d");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), ErrorCode::kIoError);
}

TEST(LocalStore, KeysThatEscapeTheRootAreRejected) {
  testing::TempDir dir;
  auto store = OpenIn(dir);
  EXPECT_EQ(store->Put("../evil", "x").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store->Put("/abs", "x").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store->Get("a//b").error().code(), ErrorCode::kInvalidArgument);
}

TEST(LocalStore, PutIfAbsentCreatesOnceThenReportsAlreadyExists) {
  testing::TempDir dir;
  auto store = OpenIn(dir);
  ASSERT_TRUE(store->PutIfAbsent("log/0.json", "first"));
  auto second = store->PutIfAbsent("log/0.json", "second");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(*store->Get("log/0.json"), "first");
  // No temporary files are left behind.
  auto listed = store->List("");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(store->root() + "/log")) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
}

TEST(LocalStore, ConcurrentPutIfAbsentOnSameKeyHasExactlyOneWinner) {
  testing::TempDir dir;
  auto store = OpenIn(dir);
  for (int round = 0; round < 50; ++round) {
    const std::string key = "race/" + std::to_string(round);
    std::atomic<int> winners{0}, losers{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        while (!go.load()) std::this_thread::yield();
        auto status = store->PutIfAbsent(key, "writer " + std::to_string(t));
        if (status) {
          ++winners;
        } else if (status.error().code() == ErrorCode::kAlreadyExists) {
          ++losers;
        }
      });
    }
    go = true;
    for (auto& t : threads) t.join();
    EXPECT_EQ(winners.load(), 1) << key;
    EXPECT_EQ(losers.load(), 3) << key;
  }
}

TEST(LocalStore, ListIsRecursiveSortedAndFilteredByPrefix) {
  testing::TempDir dir;
  auto store = OpenIn(dir);
  ASSERT_TRUE(store->Put("t/_delta_log/00000000000000000001.json", "bb"));
  ASSERT_TRUE(store->Put("t/_delta_log/00000000000000000000.json", "a"));
  ASSERT_TRUE(store->Put("t/_delta_log/_sub/deep.json", "c"));
  ASSERT_TRUE(store->Put("t/part-0.parquet", "d"));
  ASSERT_TRUE(store->Put("t2/x", "e"));

  auto log = store->List("t/_delta_log/");
  ASSERT_TRUE(log) << log.error().ToString();
  ASSERT_EQ(log->size(), 3u);
  EXPECT_EQ((*log)[0].path, "t/_delta_log/00000000000000000000.json");
  EXPECT_EQ((*log)[0].size, 1);
  EXPECT_EQ((*log)[1].path, "t/_delta_log/00000000000000000001.json");
  EXPECT_EQ((*log)[1].size, 2);
  EXPECT_EQ((*log)[2].path, "t/_delta_log/_sub/deep.json");
  EXPECT_GT((*log)[0].modified_ms, 0);

  auto partial = store->List("t/_delta_log/0000");
  ASSERT_TRUE(partial);
  EXPECT_EQ(partial->size(), 2u);

  auto t_prefix = store->List("t");
  ASSERT_TRUE(t_prefix);
  ASSERT_EQ(t_prefix->size(), 5u);  // "t" also matches "t2/x"
  EXPECT_EQ(t_prefix->back().path, "t2/x");

  auto all = store->List("");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 5u);
}

TEST(LocalStore, ListOfMissingDirectoryIsEmpty) {
  testing::TempDir dir;
  auto store = OpenIn(dir);
  auto listed = store->List("nothing/here/");
  ASSERT_TRUE(listed);
  EXPECT_TRUE(listed->empty());
}

TEST(LocalStore, DeleteRemovesAndToleratesAbsentObjects) {
  testing::TempDir dir;
  auto store = OpenIn(dir);
  ASSERT_TRUE(store->Put("a/b", "x"));
  ASSERT_TRUE(store->Delete("a/b"));
  EXPECT_EQ(store->Get("a/b").error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store->Delete("a/b"));
  EXPECT_TRUE(store->Delete("never/was"));
}

TEST(LocalStore, WriteErrorsNameTheFullPath) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: permission checks do not apply";
  testing::TempDir dir;
  auto store = OpenIn(dir);
  ASSERT_TRUE(store->Put("ro/x", "1"));
  ASSERT_EQ(::chmod((store->root() + "/ro").c_str(), 0555), 0);
  auto status = store->Put("ro/y", "2");
  ::chmod((store->root() + "/ro").c_str(), 0755);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kIoError);
  EXPECT_NE(status.error().message().find(store->root() + "/ro/"), std::string::npos) << status.error().message();
}

TEST(LocalStore, ErrnoIsPlacedOnceAccessAndSpaceAreNotRetried) {
  EXPECT_EQ(ErrnoCode(ENOENT), ErrorCode::kNotFound);
  EXPECT_EQ(ErrnoCode(ENOTDIR), ErrorCode::kNotFound);
  for (int err : {EACCES, EPERM, EROFS}) EXPECT_EQ(ErrnoCode(err), ErrorCode::kPermissionDenied) << err;
  for (int err : {ENOSPC, EDQUOT}) EXPECT_EQ(ErrnoCode(err), ErrorCode::kResourceExhausted) << err;
  for (int err : {EIO, EINTR, EMFILE}) EXPECT_EQ(ErrnoCode(err), ErrorCode::kIoError) << err;
}

TEST(LocalStore, ALeaseIsHeldByOneHolderAtATimeAndSaysWhoHoldsIt) {
  testing::TempDir dir;
  auto store = OpenIn(dir);
  auto first = store->TryLease("_system/leases/refine", "pid 1 on host-a");
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ((*first)->term_s(), 0) << "held until released: no renewals needed";
  EXPECT_TRUE((*first)->Renew());
  auto second = store->TryLease("_system/leases/refine", "pid 2 on host-b");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(second.error().message().find("pid 1 on host-a"), std::string::npos) << second.error().message();
  EXPECT_TRUE(store->TryLease("_system/leases/aggregate", "pid 2 on host-b")) << "another key is another lease";
  first->reset();
  auto third = store->TryLease("_system/leases/refine", "pid 3 on host-c");
  EXPECT_TRUE(third) << "a released lease is free again";
  EXPECT_FALSE(store->TryLease("../escape", "x")) << "lease keys are checked like object keys";
}

TEST(LocalStore, PutUnderAFileNamesTheFullPath) {
  testing::TempDir dir;
  auto store = OpenIn(dir);
  ASSERT_TRUE(store->Put("f", "1"));
  auto status = store->Put("f/y", "2");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);  // permanent: a retry meets the same file
  EXPECT_NE(status.error().message().find(store->root() + "/f"), std::string::npos) << status.error().message();
}

}  // namespace
}  // namespace jsm::storage
