#include "pipeline/pseudonymizer.h"

#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <cstdlib>
#include <string>

namespace jsm::pipeline {
namespace {

std::string Hex(const std::array<uint8_t, 32>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

struct Rfc4231Case {
  const char* name;
  std::string key;
  std::string data;
  const char* hmac_sha256;
};

// RFC 4231 section 4 (test case 5, a truncated output, does not apply).
std::vector<Rfc4231Case> Rfc4231Cases() {
  std::string key4;
  for (int i = 1; i <= 25; ++i) key4.push_back(static_cast<char>(i));
  return {
      {"case1", std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"case2", "Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"case3", std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {"case4", key4, std::string(50, '\xcd'), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {"case6", std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {"case7", std::string(131, '\xaa'),
       "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be "
       "hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
}

TEST(Pseudonymizer, MatchesRfc4231TestVectors) {
  for (const Rfc4231Case& c : Rfc4231Cases()) {
    auto p = Pseudonymizer::Create(c.key, /*allow_short_key=*/true);
    ASSERT_TRUE(p) << c.name;
    EXPECT_EQ(Hex((*p)->Mac(c.data)), c.hmac_sha256) << c.name;
    EXPECT_EQ((*p)->Pseudonym(c.data), c.hmac_sha256) << c.name;
  }
}

TEST(Pseudonymizer, ReusedContextGivesTheSameAnswerEveryTime) {
  auto p = Pseudonymizer::Create("0123456789abcdef0123456789abcdef");
  ASSERT_TRUE(p);
  const std::string first((*p)->Pseudonym("17850"));
  EXPECT_NE((*p)->Pseudonym("13047"), first);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ((*p)->Pseudonym("17850"), first);
}

TEST(Pseudonymizer, AgreesWithLibcryptoOneShotHmac) {
  const std::string key = "a key of some thirty-two bytes!!";
  auto p = Pseudonymizer::Create(key);
  ASSERT_TRUE(p);
  for (const std::string& value : std::vector<std::string>{"", "1", "17850", std::string(200, 'x')}) {
    unsigned char expected[32];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(value.data()),
         value.size(), expected, &length);
    std::array<uint8_t, 32> bytes;
    std::copy(expected, expected + 32, bytes.begin());
    EXPECT_EQ((*p)->Pseudonym(value), Hex(bytes)) << value;
  }
}

TEST(Pseudonymizer, DifferentKeysGiveDifferentPseudonyms) {
  auto a = Pseudonymizer::Create("key-number-one-0123456789");
  auto b = Pseudonymizer::Create("key-number-two-0123456789");
  ASSERT_TRUE(a && b);
  EXPECT_NE(std::string((*a)->Pseudonym("17850")), std::string((*b)->Pseudonym("17850")));
}

TEST(Pseudonymizer, ShortKeyIsRefusedWithoutShowingIt) {
  auto p = Pseudonymizer::Create("s3cr3t-short");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(p.error().message().find("s3cr3t"), std::string::npos) << p.error().message();
}

TEST(Pseudonymizer, MissingEnvironmentVariableIsAClearError) {
  ::unsetenv("JSM_TEST_PSEUDONYM_KEY_ABSENT");
  auto p = Pseudonymizer::FromEnvironment("JSM_TEST_PSEUDONYM_KEY_ABSENT");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message().find("JSM_TEST_PSEUDONYM_KEY_ABSENT"), std::string::npos);
}

TEST(Pseudonymizer, KeyFromEnvironmentNeverAppearsInErrors) {
  ::setenv("JSM_TEST_PSEUDONYM_KEY_SHORT", "tiny-s3cret", 1);
  auto p = Pseudonymizer::FromEnvironment("JSM_TEST_PSEUDONYM_KEY_SHORT");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message().find("tiny-s3cret"), std::string::npos) << p.error().message();
  ::setenv("JSM_TEST_PSEUDONYM_KEY_SHORT", "a-long-enough-key-0123456789", 1);
  EXPECT_TRUE(Pseudonymizer::FromEnvironment("JSM_TEST_PSEUDONYM_KEY_SHORT"));
  ::unsetenv("JSM_TEST_PSEUDONYM_KEY_SHORT");
}

}  // namespace
}  // namespace jsm::pipeline
