#pragma once
// Durable file writes for what leaves the database: batch and receipt files
// on a USB stick, exports. A file is written under a temporary name in its
// target folder, flushed to disk, renamed into place and the folder flushed,
// so a pulled stick or a power cut leaves either the old file or the whole
// new one, never a torn one, and a failed write leaves nothing.

#include <stdexcept>
#include <string>

namespace yz {

// A file that cannot be written or read: which, and why. `doing` words
// what failed ("write", or "read" for read_file).
class FileError : public std::runtime_error {
 public:
  FileError(std::string path, std::string why, const char* doing = "write")
      : std::runtime_error("cannot " + std::string(doing) + " " + path + ": " + why),
        path_(std::move(path)),
        why_(std::move(why)) {}
  const std::string& path() const { return path_; }
  const std::string& why() const { return why_; }

 private:
  std::string path_, why_;
};

// The temporary file behind a durable write: write to temp_path() (with
// anything, e.g. a library that takes a path), then commit(). Removed if
// never committed. Throws FileError when the target's folder is missing or
// the target is a folder.
class AtomicFile {
 public:
  explicit AtomicFile(const std::string& target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  const std::string& temp_path() const { return tmp_; }
  // Flush the content, rename it into place, flush the folder.
  void commit();

 private:
  std::string target_, tmp_;
  bool committed_ = false;
};

// Write `content` to `path` that way, then read it back and compare.
void write_file_durably(const std::string& path, const std::string& content);

// The whole file, or throws FileError naming the path.
std::string read_file(const std::string& path);

}  // namespace yz
