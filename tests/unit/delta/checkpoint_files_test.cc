#include "delta/checkpoint_files.h"

#include <gtest/gtest.h>

#include "storage/local_store.h"
#include "unit/storage/temp_dir.h"

namespace jsm::delta {
namespace {

constexpr char kUuid[] = "80a083e8-7026-4e79-81be-64bd76c43a11";

TEST(CheckpointName, ParsesEveryKindFromTheProtocol) {
  auto classic = ParseCheckpointName("00000000000000000010.checkpoint.parquet");
  ASSERT_TRUE(classic);
  EXPECT_EQ(classic->version, 10);
  EXPECT_EQ(classic->kind, CheckpointKind::kClassic);

  auto part = ParseCheckpointName("00000000000000000010.checkpoint.0000000002.0000000003.parquet");
  ASSERT_TRUE(part);
  EXPECT_EQ(part->kind, CheckpointKind::kMultiPart);
  EXPECT_EQ(part->part, 2);
  EXPECT_EQ(part->parts, 3);

  for (const char* format : {".json", ".parquet"}) {
    auto uuid = ParseCheckpointName(std::string("00000000000000000007.checkpoint.") + kUuid + format);
    ASSERT_TRUE(uuid) << format;
    EXPECT_EQ(uuid->version, 7);
    EXPECT_EQ(uuid->kind, CheckpointKind::kUuid);
  }
}

TEST(CheckpointName, RejectsOtherLogFiles) {
  for (const char* name : {"00000000000000000010.json", "00000000000000000010.crc", "_last_checkpoint",
                           "00000000000000000010.checkpoint.0000000003.0000000002.parquet",  // part > parts
                           "00000000000000000010.checkpoint.0000000000.0000000002.parquet",  // part 0
                           "00000000000000000010.checkpoint.not-a-uuid.json", "0000000010.checkpoint.parquet",
                           "00000000000000000010.checkpoint.parquet.tmp"}) {
    EXPECT_FALSE(ParseCheckpointName(name)) << name;
  }
}

TEST(NewestCompleteCheckpoint, IgnoresMultiPartWithMissingPart) {
  const std::vector<std::string> names = {
      "00000000000000000010.checkpoint.0000000001.0000000002.parquet",
      "00000000000000000010.checkpoint.0000000002.0000000002.parquet",
      "00000000000000000020.checkpoint.0000000001.0000000003.parquet",  // parts 2 and 3 missing
      "00000000000000000020.checkpoint.0000000003.0000000003.parquet",
      "00000000000000000020.json"};
  auto found = NewestCompleteCheckpoint(names, 100);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->version, 10);
  EXPECT_EQ(found->kind, CheckpointKind::kMultiPart);
  ASSERT_EQ(found->names.size(), 2u);
  EXPECT_EQ(found->names[0], names[0]);  // parts in order
  EXPECT_EQ(found->names[1], names[1]);
}

TEST(NewestCompleteCheckpoint, PrefersNewestThenClassicThenUuidThenMultiPart) {
  const std::string uuid = std::string("00000000000000000020.checkpoint.") + kUuid + ".json";
  std::vector<std::string> names = {uuid, "00000000000000000020.checkpoint.0000000001.0000000001.parquet",
                                    "00000000000000000010.checkpoint.parquet"};
  auto found = NewestCompleteCheckpoint(names, 100);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->version, 20);
  EXPECT_EQ(found->kind, CheckpointKind::kUuid);
  names.push_back("00000000000000000020.checkpoint.parquet");
  EXPECT_EQ(NewestCompleteCheckpoint(names, 100)->kind, CheckpointKind::kClassic);
  // Time travel: nothing after the wanted version.
  EXPECT_EQ(NewestCompleteCheckpoint(names, 19)->version, 10);
  EXPECT_FALSE(NewestCompleteCheckpoint(names, 9));
}

class FindCheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::LocalStore::Open(dir_.path() + "/lake");
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }
  void Put(const std::string& name, const std::string& text = "x") {
    ASSERT_TRUE(store_->Put("t/_delta_log/" + name, text));
  }
  testing::TempDir dir_;
  std::unique_ptr<storage::ObjectStore> store_;
};

TEST_F(FindCheckpointTest, FollowsLastCheckpointWithPartsAndFallsBackWhenAPartIsGone) {
  Put("00000000000000000005.checkpoint.parquet");
  Put("00000000000000000010.checkpoint.0000000001.0000000002.parquet");
  Put("00000000000000000010.checkpoint.0000000002.0000000002.parquet");
  Put("_last_checkpoint", R"({"version":10,"size":4,"parts":2})");
  auto found = FindCheckpoint(store_.get(), "t/_delta_log/", 12);
  ASSERT_TRUE(found) << found.error().ToString();
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->version, 10);
  EXPECT_EQ((*found)->names.size(), 2u);
  ASSERT_TRUE(store_->Delete("t/_delta_log/00000000000000000010.checkpoint.0000000002.0000000002.parquet"));
  found = FindCheckpoint(store_.get(), "t/_delta_log/", 12);
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->version, 5);
}

TEST_F(FindCheckpointTest, FindsUuidNamedV2CheckpointAndIgnoresSidecars) {
  Put(std::string("00000000000000000003.checkpoint.") + kUuid + ".parquet");
  Put("_sidecars/00000000000000000009.checkpoint.parquet");  // not in the log directory itself
  auto found = FindCheckpoint(store_.get(), "t/_delta_log/", 100);
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->version, 3);
  EXPECT_EQ((*found)->kind, CheckpointKind::kUuid);
}

}  // namespace
}  // namespace jsm::delta
