#pragma once
/// Text from data made safe to print on a terminal: control characters would
/// otherwise move the cursor, recolour or retitle the terminal, or hide what
/// follows (an ESC sequence in a product name, a binary header in a CSV file).

#include <string>
#include <string_view>

namespace jsm {

/// Appends `text` with every character a terminal could act on written as a
/// visible escape: C0 controls and DEL as `\t`, `\n`, `\r` or `\xNN` (so ESC is
/// `\x1b` and the rest of its sequence prints as plain text), C1 controls
/// (U+0080-U+009F), the bidirectional controls (U+200E, U+200F, U+202A-U+202E,
/// U+2066-U+2069) and the line and paragraph separators (U+2028, U+2029) as
/// `\uNNNN`, and each byte that is not part of valid UTF-8 as `\xNN`. Everything
/// else, backslashes included, is copied as is: the result is for reading, not
/// for parsing back (print JSON for that).
void AppendTerminalSafe(std::string_view text, std::string* out);

/// `text` made safe as AppendTerminalSafe does; returns `text` itself when nothing needs escaping.
std::string TerminalSafe(std::string_view text);

/// JSON text (valid UTF-8, as the JSON writers make it, whose strings already
/// escape C0 controls) with DEL, the C1 controls, the bidirectional controls and
/// the line and paragraph separators inside its strings written as `\uNNNN`
/// escapes: the same JSON value, safe on a terminal. Other bytes are copied.
std::string TerminalSafeJson(std::string_view json);

}  // namespace jsm
