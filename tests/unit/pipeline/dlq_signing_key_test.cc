#include "pipeline/dlq_signing_key.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "storage/local_store.h"
#include "unit/storage/temp_dir.h"

namespace jsm::pipeline {
namespace {

const kafka::SignedMessage kMessage{"pedidos", true, "581476", true, "{}"};
const std::vector<kafka::Header> kLineage = {{"dlq.attempts", "2"}, {"dlq.replayed_from", "pedidos.dlq 0@0"}};

/// Unsets JSM_DLQ_SIGNING_KEY (or sets it) for one test, and restores it after.
class SigningKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* value = std::getenv(kDlqSigningKeyVariable)) saved_ = value;
    unsetenv(kDlqSigningKeyVariable);
    auto store = storage::LocalStore::Open(dir_.path());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    if (saved_) setenv(kDlqSigningKeyVariable, saved_->c_str(), 1);
    else unsetenv(kDlqSigningKeyVariable);
  }
  std::unique_ptr<DlqSigningKey> Key() {
    auto key = DlqSigningKey::Create(store_.get());
    EXPECT_TRUE(key) << key.error().ToString();
    return key ? std::move(*key) : nullptr;
  }
  std::string SignWith(DlqSigningKey& key) {
    auto signer = key.ForSigning();
    EXPECT_TRUE(signer) << signer.error().ToString();
    return signer ? (*signer)->Sign(kLineage, kMessage) : std::string();
  }

  std::optional<std::string> saved_;
  jsm::testing::TempDir dir_;
  std::unique_ptr<storage::ObjectStore> store_;
};

TEST_F(SigningKeyTest, VerifyingBeforeAnySigningFindsNoKeyAndCreatesNone) {
  auto signer = Key()->ForVerifying();
  ASSERT_TRUE(signer) << signer.error().ToString();
  EXPECT_EQ(*signer, nullptr);
  EXPECT_EQ(store_->Get(kDlqSigningKeyPath).error().code(), ErrorCode::kNotFound);
}

TEST_F(SigningKeyTest, TheLakehouseKeyIsCreatedOnceAndUsedByEveryLaterProcess) {
  const std::string first = SignWith(*Key());
  auto text = store_->Get(kDlqSigningKeyPath);
  ASSERT_TRUE(text);
  EXPECT_EQ(text->size(), 65u);
  EXPECT_EQ(SignWith(*Key()), first);  // another process: the same key, not a new one
  const std::unique_ptr<DlqSigningKey> key = Key();  // the signer lives in it
  auto verifier = key->ForVerifying();
  ASSERT_TRUE(verifier && *verifier != nullptr);
  std::vector<kafka::Header> headers = kLineage;
  headers.push_back({"dlq.signature", first});
  EXPECT_EQ((*verifier)->Verify(headers, kMessage), kafka::LineageTrust::kVerified);
}

TEST_F(SigningKeyTest, TwoLakehousesHaveDifferentKeys) {
  const std::string here = SignWith(*Key());
  jsm::testing::TempDir other_dir;
  auto other = storage::LocalStore::Open(other_dir.path());
  ASSERT_TRUE(other);
  auto key = DlqSigningKey::Create(other->get());
  ASSERT_TRUE(key);
  EXPECT_NE(SignWith(**key), here);
}

TEST_F(SigningKeyTest, TheEnvironmentKeyWinsAndNoFileIsWritten) {
  setenv(kDlqSigningKeyVariable, "a key of at least sixteen bytes", 1);
  const std::string signature = SignWith(*Key());
  EXPECT_EQ(store_->Get(kDlqSigningKeyPath).error().code(), ErrorCode::kNotFound);
  auto direct = kafka::LineageSigner::Create("a key of at least sixteen bytes");
  ASSERT_TRUE(direct);
  EXPECT_EQ((*direct)->Sign(kLineage, kMessage), signature);
  EXPECT_EQ(Key()->source(), "environment variable JSM_DLQ_SIGNING_KEY");
}

TEST_F(SigningKeyTest, AShortEnvironmentKeyIsRefusedNamingTheVariableNotTheValue) {
  setenv(kDlqSigningKeyVariable, "tiny-secret", 1);
  auto key = DlqSigningKey::Create(store_.get());
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(key.error().message().find("JSM_DLQ_SIGNING_KEY"), std::string::npos);
  EXPECT_EQ(key.error().message().find("tiny-secret"), std::string::npos);
}

TEST_F(SigningKeyTest, AGarbledKeyFileIsCorruptionNamingIt) {
  ASSERT_TRUE(store_->Put(kDlqSigningKeyPath, "not a key\n"));
  auto signer = Key()->ForVerifying();
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code(), ErrorCode::kCorruption);
  EXPECT_NE(signer.error().message().find(kDlqSigningKeyPath), std::string::npos) << signer.error().ToString();
  EXPECT_FALSE(Key()->ForSigning());  // not silently replaced: replays in flight would lose their lineage
}

}  // namespace
}  // namespace jsm::pipeline
