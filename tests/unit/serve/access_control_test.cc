#include "serve/access_control.h"

#include <gtest/gtest.h>

namespace jsm::serve {
namespace {

TEST(IsLoopbackHost, KnowsTheLoopbackNames) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.1.2.3"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("::"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.1"));
}

TEST(ParseListenAddress, SplitsHostAndPort) {
  auto v4 = ParseListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  auto v6 = ParseListenAddress("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  for (const char* bad : {"8080", ":8080", "host:", "host:99999", "host:80x", "[::1]8080"}) {
    EXPECT_FALSE(ParseListenAddress(bad)) << bad;
  }
}

TEST(AccessControl, LoopbackWithoutTokenAllowsEverything) {
  AccessControl open("", true);
  EXPECT_TRUE(open.Validate());
  EXPECT_TRUE(open.Allows("/api/tables", "", ""));
}

TEST(AccessControl, BeyondLoopbackATokenIsRequired) {
  EXPECT_FALSE(AccessControl("", false).Validate());
  AccessControl guarded("s3cret", false);
  ASSERT_TRUE(guarded.Validate());
  EXPECT_TRUE(guarded.Allows("/healthz", "", ""));
  EXPECT_FALSE(guarded.Allows("/metrics", "", ""));
  EXPECT_FALSE(guarded.Allows("/metrics", "Bearer wrong!", ""));
  EXPECT_FALSE(guarded.Allows("/metrics", "Bearer s3cre", ""));
  EXPECT_FALSE(guarded.Allows("/metrics", "Basic s3cret", ""));
  EXPECT_TRUE(guarded.Allows("/metrics", "Bearer s3cret", ""));
  EXPECT_TRUE(guarded.Allows("/api/tables", "", "s3cret"));
  EXPECT_FALSE(guarded.Allows("/api/tables", "", "s3cretX"));
}

TEST(AccessControl, TheBearerSchemeIsCaseInsensitive) {
  AccessControl guarded("s3cret", false);
  EXPECT_TRUE(guarded.Allows("/metrics", "bearer s3cret", ""));
  EXPECT_TRUE(guarded.Allows("/metrics", "BEARER s3cret", ""));
  EXPECT_TRUE(guarded.Allows("/metrics", "Bearer  s3cret", ""));
  EXPECT_FALSE(guarded.Allows("/metrics", "bearer", ""));
  EXPECT_FALSE(guarded.Allows("/metrics", "bearer ", ""));
  EXPECT_FALSE(guarded.Allows("/metrics", "bearers3cret", ""));
}

TEST(AccessControl, HostHeadersOfIpLiteralsLocalhostAndNamedHostsAreAllowed) {
  AccessControl access("", true, {"dash.example.com"});
  for (const char* host : {"", "127.0.0.1:8080", "127.0.0.1", "10.1.2.3:80", "[::1]:8080", "[fe80::1]", "localhost",
                           "LOCALHOST:8080", "localhost.:8080", "dash.example.com", "Dash.Example.COM:443"}) {
    EXPECT_TRUE(access.AllowsHost(host)) << host;
  }
}

TEST(AccessControl, AnyOtherNameIsRefusedAgainstDnsRebinding) {
  AccessControl access("", true, {"dash.example.com"});
  for (const char* host : {"attacker.example", "attacker.example:8080", "127.0.0.1.attacker.example", "1.2.3",
                           "1.2.3.4.5", "256.1.1.1", "localhost.attacker.example", "dash.example.com.evil",
                           "[::1", "0x7f.0.0.1", "[evil.com]", "[x].evil.com", "[]", "[::1].evil"}) {
    EXPECT_FALSE(access.AllowsHost(host)) << host;
  }
}

}  // namespace
}  // namespace jsm::serve
