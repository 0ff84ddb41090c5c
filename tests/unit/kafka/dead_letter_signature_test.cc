#include "kafka/dead_letter_signature.h"

#include <gtest/gtest.h>

#include <cctype>

#include "kafka/dead_letter_reader.h"

namespace jsm::kafka {
namespace {

constexpr std::string_view kKey = "0123456789abcdef";

std::unique_ptr<LineageSigner> Signer(std::string_view key = kKey) {
  auto signer = LineageSigner::Create(key);
  EXPECT_TRUE(signer) << signer.error().ToString();
  return signer ? std::move(*signer) : nullptr;
}

std::vector<Header> Lineage() {
  return {{"dlq.attempts", "2"},
          {"dlq.first_failed_at", "2026-11-24T10:00:00.123Z"},
          {"dlq.replayed_from", "pedidos.dlq 0@17"},
          {"dlq.replayed_at", "2026-11-24T10:01:40.000Z"},
          {"dlq.previous_reason", "wrong_type"},
          {"dlq.original.topic", "pedidos"},
          {"dlq.original.partition", "4"},
          {"dlq.original.offset", "901"},
          {"dlq.original.timestamp", "1764000000123"}};
}

const SignedMessage kMessage{"pedidos", true, "581476", true, R"({"Quantity":"three"})"};

std::vector<Header> Signed(const SignedMessage& message = kMessage) {
  std::vector<Header> headers = Lineage();
  Signer()->AddSignature(&headers, message);
  return headers;
}

Header* Find(std::vector<Header>& headers, std::string_view name) {
  for (Header& h : headers) {
    if (h.name == name) return &h;
  }
  return nullptr;
}

TEST(LineageSignature, ASignedReplayVerifies) {
  const std::vector<Header> headers = Signed();
  ASSERT_NE(FindHeader(headers, "dlq.signature"), nullptr);
  EXPECT_EQ(FindHeader(headers, "dlq.signature")->value.size(), 67u);
  EXPECT_EQ(Signer()->Verify(headers, kMessage), LineageTrust::kVerified);
}

TEST(LineageSignature, IsHmacSha256OverTheDocumentedCanonicalBytes) {
  // Computed independently (Python's hmac module) from the encoding documented in the header.
  const std::vector<Header> headers = {{"dlq.attempts", "2"}, {"dlq.replayed_from", "pedidos.dlq 0@17"}};
  EXPECT_EQ(Signer()->Sign(headers, SignedMessage{"pedidos", true, "581476", true, "{}"}),
            "v1:391cc102d36abc20c08ce05f1e8c16415eb0af42633b061a0583145fa814631c");
}

TEST(LineageSignature, AChangedValueKeyOrTopicBreaksIt) {
  const std::vector<Header> headers = Signed();
  const std::unique_ptr<LineageSigner> signer = Signer();
  SignedMessage other = kMessage;
  other.value = R"({"Quantity":"four"})";
  EXPECT_EQ(signer->Verify(headers, other), LineageTrust::kBadSignature);
  other = kMessage;
  other.key = "581477";
  EXPECT_EQ(signer->Verify(headers, other), LineageTrust::kBadSignature);
  other = kMessage;
  other.has_key = false;
  other.key = "";
  EXPECT_EQ(signer->Verify(headers, other), LineageTrust::kBadSignature);
  other = kMessage;
  other.topic = "payments";
  EXPECT_EQ(signer->Verify(headers, other), LineageTrust::kBadSignature);
  other = kMessage;
  other.has_value = false;
  other.value = "";
  EXPECT_EQ(signer->Verify(headers, other), LineageTrust::kBadSignature);
}

TEST(LineageSignature, EveryTamperedLineageHeaderBreaksIt) {
  const std::unique_ptr<LineageSigner> signer = Signer();
  for (std::string_view name : SignedLineageHeaders()) {
    std::vector<Header> headers = Signed();
    Find(headers, name)->value += "9";
    EXPECT_EQ(signer->Verify(headers, kMessage), LineageTrust::kBadSignature) << name;
    headers = Signed();
    std::erase_if(headers, [&](const Header& h) { return h.name == name; });
    EXPECT_EQ(signer->Verify(headers, kMessage), LineageTrust::kBadSignature) << "without " << name;
  }
  std::vector<Header> attempts = Signed();
  Find(attempts, "dlq.attempts")->value = "999";
  EXPECT_EQ(signer->Verify(attempts, kMessage), LineageTrust::kBadSignature);
}

TEST(LineageSignature, AnAddedLineageHeaderBreaksIt) {
  std::vector<Header> headers = Lineage();
  std::erase_if(headers, [](const Header& h) { return h.name.starts_with("dlq.original."); });
  Signer()->AddSignature(&headers, kMessage);
  headers.push_back({"dlq.original.topic", "payments"});
  EXPECT_EQ(Signer()->Verify(headers, kMessage), LineageTrust::kBadSignature);
}

TEST(LineageSignature, ARepeatedHeaderOrSignatureIsAmbiguous) {
  std::vector<Header> headers = Signed();
  headers.push_back({"dlq.attempts", "2"});  // the same value again: still refused, which copy counts is unclear
  EXPECT_EQ(Signer()->Verify(headers, kMessage), LineageTrust::kAmbiguous);
  headers = Signed();
  headers.push_back(*FindHeader(headers, "dlq.signature"));
  EXPECT_EQ(Signer()->Verify(headers, kMessage), LineageTrust::kAmbiguous);
}

TEST(LineageSignature, UnsignedHeadersAreUnsignedAndNoHeadersAreNone) {
  EXPECT_EQ(Signer()->Verify(Lineage(), kMessage), LineageTrust::kUnsigned);
  EXPECT_EQ(Signer()->Verify({{"trace", "abc"}}, kMessage), LineageTrust::kNone);
  EXPECT_EQ(Signer()->Verify({}, kMessage), LineageTrust::kNone);
  EXPECT_EQ(Signer()->Verify({{"dlq.original.topic", "payments"}}, kMessage), LineageTrust::kUnsigned);
}

TEST(LineageSignature, AnotherKeysOrAMalformedSignatureDoesNotVerify) {
  const std::vector<Header> headers = Signed();
  EXPECT_EQ(Signer("another key of 16+ bytes")->Verify(headers, kMessage), LineageTrust::kBadSignature);
  for (std::string bad : {std::string("v1:"), std::string("v2:") + std::string(64, '0'), std::string(67, 'f'),
                          "v1:" + std::string(64, 'g')}) {
    std::vector<Header> forged = Lineage();
    forged.push_back({"dlq.signature", bad});
    EXPECT_EQ(Signer()->Verify(forged, kMessage), LineageTrust::kBadSignature) << bad;
  }
  std::vector<Header> upper = Signed();
  Header* signature = Find(upper, "dlq.signature");
  for (size_t i = 3; i < signature->value.size(); ++i) {
    signature->value[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(signature->value[i])));
  }
  if (signature->value != FindHeader(headers, "dlq.signature")->value) {
    EXPECT_EQ(Signer()->Verify(upper, kMessage), LineageTrust::kBadSignature);
  }
}

TEST(LineageSignature, TheCanonicalBytesTellFieldBoundariesApart) {
  EXPECT_NE(CanonicalLineage({}, SignedMessage{"t", true, "ab", true, "c"}),
            CanonicalLineage({}, SignedMessage{"t", true, "a", true, "bc"}));
  EXPECT_NE(CanonicalLineage({}, SignedMessage{"t", false, "", true, "v"}),
            CanonicalLineage({}, SignedMessage{"t", true, "", true, "v"}));
  EXPECT_NE(CanonicalLineage({{"dlq.previous_reason", ""}}, kMessage), CanonicalLineage({}, kMessage));
}

TEST(LineageSignature, AShortKeyIsRefusedWithoutShowingIt) {
  auto signer = LineageSigner::Create("short-secret");
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(signer.error().message().find("short-secret"), std::string::npos);
}

}  // namespace
}  // namespace jsm::kafka
