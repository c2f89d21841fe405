#include "core/base/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace yz {

namespace fs = std::filesystem;

namespace {

void fsync_path(const std::string& path, int flags) {
  if (const int fd = ::open(path.c_str(), flags | O_CLOEXEC); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

AtomicFile::AtomicFile(const std::string& target) : target_(target) {
  std::error_code ec;
  if (fs::is_directory(target, ec)) throw FileError(target, "is a folder");
  const fs::path t(target);
  const fs::path dir = t.has_parent_path() ? t.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec)) throw FileError(target, "no such folder");
  static std::atomic<int> counter{0};
  tmp_ = (dir / ("." + t.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                 std::to_string(counter++)))
             .string();
  const int fd = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw FileError(target, std::strerror(errno));
  ::close(fd);
}

AtomicFile::~AtomicFile() {
  if (!committed_) ::unlink(tmp_.c_str());
}

void AtomicFile::commit() {
  const int fd = ::open(tmp_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    throw FileError(target_, why);
  }
  ::close(fd);
  if (::rename(tmp_.c_str(), target_.c_str()) != 0) throw FileError(target_, std::strerror(errno));
  committed_ = true;
  const fs::path t(target_);
  fsync_path(t.has_parent_path() ? t.parent_path().string() : ".", O_RDONLY | O_DIRECTORY);  // the rename
}

void write_file_durably(const std::string& path, const std::string& content) {
  AtomicFile file(path);
  {
    std::ofstream out(file.temp_path(), std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) throw FileError(path, std::strerror(errno));
  }
  file.commit();
  if (read_file(path) != content) throw FileError(path, "what was read back differs from what was written");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path, std::strerror(errno), "read");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace yz
