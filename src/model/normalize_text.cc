#include "model/normalize_text.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace jsm::model {

namespace {

/// True if `text` has whitespace other than single spaces: a tab, newline,
/// vertical tab, form feed or carriage return, or two whitespace bytes in a row.
#if defined(__SSE2__)
bool HasIrregularWhitespace(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  const __m128i space = _mm_set1_epi8(' ');
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i carriage_return = _mm_set1_epi8('\r');
  // `block` has 17 readable bytes: 16 to check and the one after them.
  auto check = [&](const unsigned char* block) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 1));
    const __m128i other = _mm_cmpeq_epi8(_mm_min_epu8(_mm_max_epu8(v, tab), carriage_return), v);
    const __m128i double_space = _mm_and_si128(_mm_cmpeq_epi8(v, space), _mm_cmpeq_epi8(next, space));
    return _mm_movemask_epi8(_mm_or_si128(other, double_space)) != 0;
  };
  size_t k = 0;
  for (; k + 17 <= n; k += 16) {
    if (check(bytes + k)) return true;
  }
  if (k < n) {
    alignas(16) unsigned char tail[32] = {};
    std::memcpy(tail, bytes + k, n - k);
    if (check(tail)) return true;
  }
  return false;
}
#else
bool HasIrregularWhitespace(std::string_view text) {
  for (size_t k = 0; k < text.size(); ++k) {
    const char c = text[k];
    if (c == ' ' ? k + 1 < text.size() && text[k + 1] == ' ' : IsAsciiWhitespace(c)) return true;
  }
  return false;
}
#endif

}  // namespace

std::string_view CollapseWhitespace(std::string_view text, std::string* scratch) {
  text = TrimAsciiWhitespace(text);
  if (!HasIrregularWhitespace(text)) return text;
  size_t i = 0;
  while (!IsAsciiWhitespace(text[i]) || (text[i] == ' ' && !IsAsciiWhitespace(text[i + 1]))) ++i;
  scratch->assign(text.data(), i);
  bool in_space = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (IsAsciiWhitespace(c)) {
      if (!in_space) scratch->push_back(' ');
      in_space = true;
    } else {
      scratch->push_back(c);
      in_space = false;
    }
  }
  return *scratch;
}

std::string_view UpperAscii(std::string_view text, std::string* scratch) {
  size_t i = 0;
  while (i < text.size() && !(text[i] >= 'a' && text[i] <= 'z')) ++i;
  if (i == text.size()) return text;
  scratch->assign(text);
  for (; i < scratch->size(); ++i) {
    char& c = (*scratch)[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return *scratch;
}

}  // namespace jsm::model
