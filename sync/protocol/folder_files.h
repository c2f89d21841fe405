#pragma once
// Reading batch and receipt files from a folder someone else wrote (a USB
// stick): only regular files directly inside the folder, never through a
// symbolic link, never more than a size cap; and file names shown escaped,
// since a name may hold line breaks, escape sequences or direction marks.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace yz::sync {

// The regular files of `dir` (not links, FIFOs, devices or folders) whose
// names end with `suffix` and do not start with '.', sorted by name.
std::vector<std::filesystem::path> folder_files(const std::string& dir, std::string_view suffix);

// The bytes of `file`, opened without following a symbolic link and only if
// it is a regular file of at most `max_bytes`. Throws LimitError
// ("too_large") over the cap, std::runtime_error for anything else.
std::string read_folder_file(const std::filesystem::path& file, size_t max_bytes);

// `name` safe to print on one line: bytes that are not printable UTF-8,
// and invisible or direction-changing characters (U+200B–200F, U+202A–202E,
// U+2066–2069, U+FEFF), become \xNN or \u{XXXX}; a backslash becomes \\.
std::string printable_name(std::string_view name);

}  // namespace yz::sync
