#include "storage/azure_xml.h"

#include <charconv>

#include "storage/http_date.h"

namespace jsm::storage {
namespace {

/// The text of the first <tag ...>text</tag> in `xml`, and whether it was found.
bool ElementText(std::string_view xml, std::string_view tag, std::string_view* text) {
  size_t pos = 0;
  while (true) {
    pos = xml.find('<', pos);
    if (pos == std::string_view::npos) return false;
    const std::string_view rest = xml.substr(pos + 1);
    if (rest.starts_with(tag) && rest.size() > tag.size() &&
        (rest[tag.size()] == '>' || rest[tag.size()] == ' ' || rest[tag.size()] == '/')) {
      const size_t close = xml.find('>', pos);
      if (close == std::string_view::npos) return false;
      if (xml[close - 1] == '/') {  // <Tag/>
        *text = {};
        return true;
      }
      const std::string end_tag = "</" + std::string(tag) + ">";
      const size_t end = xml.find(end_tag, close + 1);
      if (end == std::string_view::npos) return false;
      *text = xml.substr(close + 1, end - close - 1);
      return true;
    }
    ++pos;
  }
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

std::string XmlUnescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    const size_t semi = text.find(';', i);
    if (semi == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    const std::string_view entity = text.substr(i + 1, semi - i - 1);
    if (entity == "amp") {
      out.push_back('&');
    } else if (entity == "lt") {
      out.push_back('<');
    } else if (entity == "gt") {
      out.push_back('>');
    } else if (entity == "quot") {
      out.push_back('"');
    } else if (entity == "apos") {
      out.push_back('\'');
    } else if (entity.starts_with('#')) {
      const bool hex = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X');
      const std::string_view digits = entity.substr(hex ? 2 : 1);
      uint32_t cp = 0;
      const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      // A reference to a character XML cannot hold (NUL, a surrogate, beyond U+10FFFF)
      // stays as written, so the text stays valid UTF-8.
      const bool xml_char = cp != 0 && (cp < 0xD800 || cp > 0xDFFF) && cp <= 0x10FFFF;
      if (ec != std::errc() || ptr != digits.data() + digits.size() || !xml_char) {
        out.append(text.substr(i, semi - i + 1));
      } else {
        AppendUtf8(cp, &out);
      }
    } else {
      out.append(text.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

Result<BlobListPage> ParseBlobListXml(std::string_view xml) {
  BlobListPage page;
  size_t pos = 0;
  while (true) {
    const size_t start = xml.find("<Blob>", pos);
    if (start == std::string_view::npos) break;
    const size_t end = xml.find("</Blob>", start);
    if (end == std::string_view::npos)
      return MakeError(ErrorCode::kCorruption, "List Blobs answer: unclosed <Blob>");
    const std::string_view blob = xml.substr(start, end - start);
    pos = end + 7;
    std::string_view text;
    if (ElementText(blob, "hdi_isfolder", &text) && text == "true") continue;
    ObjectInfo info;
    if (!ElementText(blob, "Name", &text)) {
      return MakeError(ErrorCode::kCorruption, "List Blobs answer: a <Blob> without <Name>");
    }
    info.path = XmlUnescape(text);
    if (info.path.empty()) return MakeError(ErrorCode::kCorruption, "List Blobs answer: a <Blob> with an empty <Name>");
    if (!ElementText(blob, "Content-Length", &text)) {
      return MakeError(ErrorCode::kCorruption,
                       "List Blobs answer: blob " + info.path + " has no Content-Length");
    }
    const auto [end_of_size, size_error] = std::from_chars(text.data(), text.data() + text.size(), info.size);
    if (size_error != std::errc() || end_of_size != text.data() + text.size() || info.size < 0) {
      return MakeError(ErrorCode::kCorruption, "List Blobs answer: blob " + info.path + " has Content-Length '" +
                                                   std::string(text) + "', not a byte count");
    }
    if (ElementText(blob, "Last-Modified", &text)) {
      if (auto ms = ParseHttpDateMillis(text)) info.modified_ms = *ms;
    }
    page.blobs.push_back(std::move(info));
  }
  std::string_view marker;
  if (ElementText(xml, "NextMarker", &marker)) page.next_marker = XmlUnescape(marker);
  return page;
}

AzureErrorBody ParseAzureErrorXml(std::string_view xml) {
  AzureErrorBody error;
  std::string_view text;
  if (ElementText(xml, "Code", &text)) error.code = XmlUnescape(text);
  if (ElementText(xml, "Message", &text)) {
    error.message = XmlUnescape(text);
    // Azure appends "\nRequestId:...\nTime:..." lines; the first line says it all.
    if (const size_t newline = error.message.find('\n'); newline != std::string::npos)
      error.message.resize(newline);
  }
  return error;
}

}  // namespace jsm::storage
