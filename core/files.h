#pragma once
// Durable file writes for what leaves the database: batch and receipt files
// on a USB stick, exports. A file is written under a temporary name in its
// target folder, flushed to disk, renamed into place and the folder flushed,
// so a pulled stick or a power cut leaves either the old file or the whole
// new one, never a torn one.

#include <string>

namespace yz {

// Write `content` to `path` that way, then read it back and compare.
// Throws std::runtime_error naming the path and the reason.
void write_file_durably(const std::string& path, const std::string& content);

// The whole file, or throws std::runtime_error naming the path.
std::string read_file(const std::string& path);

}  // namespace yz
