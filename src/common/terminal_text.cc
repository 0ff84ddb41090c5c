// Terminal-safe text: one pass over the bytes, decoding UTF-8 only where a byte
// is not printable ASCII. The escapes are ASCII, so the result is always valid UTF-8.

#include "common/terminal_text.h"

#include <cstdint>

namespace jsm {
namespace {

constexpr char kHex[] = "0123456789abcdef";

/// Length of the valid UTF-8 sequence at `text[i]` (a byte >= 0x80) and its code
/// point, or 0 if the bytes there are not valid UTF-8 (overlong forms, surrogates
/// and values past U+10FFFF included).
size_t DecodeUtf8(std::string_view text, size_t i, uint32_t* code_point) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const auto continuation = [&](size_t k) { return k < text.size() && (byte(k) & 0xC0) == 0x80; };
  const unsigned char lead = byte(i);
  if (lead >= 0xC2 && lead <= 0xDF) {
    if (!continuation(i + 1)) return 0;
    *code_point = (uint32_t{lead} & 0x1F) << 6 | (byte(i + 1) & 0x3F);
    return 2;
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (!continuation(i + 1) || !continuation(i + 2)) return 0;
    const uint32_t cp = (uint32_t{lead} & 0x0F) << 12 | (uint32_t{byte(i + 1)} & 0x3F) << 6 | (byte(i + 2) & 0x3F);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    *code_point = cp;
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (!continuation(i + 1) || !continuation(i + 2) || !continuation(i + 3)) return 0;
    const uint32_t cp = (uint32_t{lead} & 0x07) << 18 | (uint32_t{byte(i + 1)} & 0x3F) << 12 |
                        (uint32_t{byte(i + 2)} & 0x3F) << 6 | (byte(i + 3) & 0x3F);
    if (cp < 0x10000 || cp > 0x10FFFF) return 0;
    *code_point = cp;
    return 4;
  }
  return 0;
}

/// True for the code points above ASCII that a terminal acts on or that reorder or break lines.
bool IsUnsafeCodePoint(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

void AppendByteEscape(unsigned char byte, std::string* out) {
  out->append("\\x");
  out->push_back(kHex[byte >> 4]);
  out->push_back(kHex[byte & 0xF]);
}

void AppendUnicodeEscape(uint32_t cp, std::string* out) {
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(cp >> shift) & 0xF]);
}

bool IsPrintableAscii(unsigned char byte) { return byte >= 0x20 && byte < 0x7F; }

/// True if `text` has no byte that AppendTerminalSafe might change.
bool AllPrintableAscii(std::string_view text) {
  for (const char c : text) {
    if (!IsPrintableAscii(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

void AppendTerminalSafe(std::string_view text, std::string* out) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (IsPrintableAscii(byte)) {
      out->push_back(static_cast<char>(byte));
      ++i;
      continue;
    }
    if (byte < 0x80) {
      switch (byte) {
        case '\t': out->append("\\t"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        default: AppendByteEscape(byte, out);
      }
      ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t length = DecodeUtf8(text, i, &cp);
    if (length == 0) {
      AppendByteEscape(byte, out);
      ++i;
    } else {
      if (IsUnsafeCodePoint(cp)) AppendUnicodeEscape(cp, out);
      else out->append(text.substr(i, length));
      i += length;
    }
  }
}

std::string TerminalSafe(std::string_view text) {
  if (AllPrintableAscii(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  AppendTerminalSafe(text, &out);
  return out;
}

std::string TerminalSafeJson(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  size_t i = 0;
  while (i < json.size()) {
    const auto byte = static_cast<unsigned char>(json[i]);
    if (byte < 0x7F) {
      out.push_back(static_cast<char>(byte));
      ++i;
      continue;
    }
    if (byte == 0x7F) {
      AppendUnicodeEscape(0x7F, &out);
      ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t length = DecodeUtf8(json, i, &cp);
    if (length == 0) {
      out.push_back(static_cast<char>(byte));  // not UTF-8: not ours to repair, copied
      ++i;
    } else {
      if (IsUnsafeCodePoint(cp)) AppendUnicodeEscape(cp, &out);
      else out.append(json.substr(i, length));
      i += length;
    }
  }
  return out;
}

}  // namespace jsm
