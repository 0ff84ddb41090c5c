#include "common/terminal_text.h"

#include <gtest/gtest.h>

#include <string>

namespace jsm {
namespace {

TEST(TerminalSafe, PrintableTextIsUnchanged) {
  EXPECT_EQ(TerminalSafe("Set Of 2 Wooden Market Crates"), "Set Of 2 Wooden Market Crates");
  EXPECT_EQ(TerminalSafe(""), "");
  EXPECT_EQ(TerminalSafe("C:\\path\\x1b"), "C:\\path\\x1b");  // backslashes are copied
}

TEST(TerminalSafe, EscSequenceIsWrittenVisibly) {
  EXPECT_EQ(TerminalSafe("Red \x1b[31mBAG\x1b[0m"), "Red \\x1b[31mBAG\\x1b[0m");
  EXPECT_EQ(TerminalSafe("\x1b]0;owned\x07title"), "\\x1b]0;owned\\x07title");  // OSC retitle
}

TEST(TerminalSafe, EveryC0ControlAndDelIsEscaped) {
  for (int byte = 0; byte < 0x20; ++byte) {
    const std::string out = TerminalSafe(std::string(1, static_cast<char>(byte)));
    ASSERT_EQ(out[0], '\\') << byte;
    for (const char c : out) ASSERT_TRUE(c >= 0x20 && c < 0x7F) << byte;
  }
  EXPECT_EQ(TerminalSafe(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(TerminalSafe("a\tb\nc\rd"), "a\\tb\\nc\\rd");
  EXPECT_EQ(TerminalSafe("\x7f"), "\\x7f");
}

TEST(TerminalSafe, C1ControlsAreEscapedAsCodePoints) {
  EXPECT_EQ(TerminalSafe("\xc2\x9b" "31m"), "\\u009b31m");  // CSI
  EXPECT_EQ(TerminalSafe("\xc2\x80\xc2\x9f"), "\\u0080\\u009f");
  EXPECT_EQ(TerminalSafe("\xc2\xa0"), "\xc2\xa0");  // U+00A0 is printable
}

TEST(TerminalSafe, BidiControlsAndLineSeparatorsAreEscaped) {
  EXPECT_EQ(TerminalSafe("abc\xe2\x80\xae" "fed"), "abc\\u202efed");
  EXPECT_EQ(TerminalSafe("\xe2\x81\xa6x\xe2\x81\xa9"), "\\u2066x\\u2069");
  EXPECT_EQ(TerminalSafe("a\xe2\x80\xa8" "b"), "a\\u2028b");
}

TEST(TerminalSafe, ValidUtf8IsKept) {
  EXPECT_EQ(TerminalSafe("Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x81"), "Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x81");
}

TEST(TerminalSafe, BytesThatAreNotUtf8AreEscapedOneByOne) {
  EXPECT_EQ(TerminalSafe("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(TerminalSafe("\x9b" "2J"), "\\x9b2J");             // a raw 8-bit CSI
  EXPECT_EQ(TerminalSafe("\xc3"), "\\xc3");                    // truncated
  EXPECT_EQ(TerminalSafe("\xc0\x9b"), "\\xc0\\x9b");           // overlong
  EXPECT_EQ(TerminalSafe("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
  EXPECT_EQ(TerminalSafe("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
}

TEST(TerminalSafe, AppendAddsToWhatIsThere) {
  std::string out = "x=";
  AppendTerminalSafe("\x1b", &out);
  EXPECT_EQ(out, "x=\\x1b");
}

TEST(TerminalSafeJson, EscapesDelC1AndBidiInsideStringsAndKeepsTheValue) {
  EXPECT_EQ(TerminalSafeJson(R"({"a":"x)" "\x7f\xc2\x9b\xe2\x80\xae" R"(","b":1})"),
            R"({"a":"x\u007f\u009b\u202e","b":1})");
  EXPECT_EQ(TerminalSafeJson(R"({"name":"Caf)" "\xc3\xa9" R"(\u001b"})"), R"({"name":"Caf)" "\xc3\xa9" R"(\u001b"})");
}

}  // namespace
}  // namespace jsm
