#include "common/log_text.h"

#include <string>

#include <gtest/gtest.h>

namespace jsm {
namespace {

std::string Text(std::string_view message) {
  std::string out;
  AppendLogText(message, &out);
  return out;
}

TEST(LogText, MessageUnquotedThenKeyEqualsJsonValue) {
  EXPECT_EQ(Text(R"("ingest starts","stage":"ingest","partitions":3,"bronze_version":-1,"group_instance_id":null)"),
            R"(ingest starts stage="ingest" partitions=3 bronze_version=-1 group_instance_id=null)");
}

TEST(LogText, ObjectsArraysAndCommasInsideStringsAreOneValue) {
  EXPECT_EQ(Text(R"("stage failing","error":"a, b","where":{"table":"x","at":[1,2]},"n":1)"),
            R"(stage failing error="a, b" where={"table":"x","at":[1,2]} n=1)");
}

TEST(LogText, EscapesStayEscapedSoNoControlByteReachesTheTerminal) {
  // A message or key with an escape keeps its quotes and the escape, never the byte itself.
  const std::string text = Text(R"("bad \u001b[31m","value":"line\nbreak \"quoted\"")");
  EXPECT_EQ(text, R"("bad \u001b[31m" value="line\nbreak \"quoted\"")");
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\n'), std::string::npos);
}

TEST(LogText, WhatHasAnotherShapeIsKeptAsItIs) {
  EXPECT_EQ(Text("plain words"), "plain words");
  EXPECT_EQ(Text(R"("unterminated)"), R"("unterminated)");
  EXPECT_EQ(Text(R"("msg" trailing)"), R"(msg trailing)");
  EXPECT_EQ(Text(R"("msg","key" no colon)"), R"(msg,"key" no colon)");
  EXPECT_EQ(Text(""), "");
}

}  // namespace
}  // namespace jsm
