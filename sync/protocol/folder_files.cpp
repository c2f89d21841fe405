#include "sync/protocol/folder_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "core/base/utf8.h"
#include "sync/protocol/limits.h"

namespace yz::sync {

namespace fs = std::filesystem;

std::vector<fs::path> folder_files(const std::string& dir, std::string_view suffix) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.size() <= suffix.size() || !name.ends_with(suffix) || name[0] == '.') continue;
    std::error_code ec;
    if (!fs::is_regular_file(e.symlink_status(ec)) || ec) continue;  // no links, FIFOs, devices
    out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_folder_file(const fs::path& file, size_t max_bytes) {
  // O_NONBLOCK: a FIFO put in place of the file after listing must not
  // block the open; O_NOFOLLOW: nor may a link lead out of the folder.
  const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::string("cannot open: ") + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) throw std::runtime_error("not a regular file");
  if (static_cast<unsigned long long>(st.st_size) > max_bytes)
    throw LimitError("too_large", "file of " + std::to_string(st.st_size) + " bytes is over the limit of " +
                                      std::to_string(max_bytes));
  std::string out;
  out.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  for (;;) {
    if (got == out.size()) {
      // A file that grows while read is still held to the cap.
      if (out.size() > max_bytes) throw LimitError("too_large", "file grew over the limit while read");
      out.resize(std::min(max_bytes + 1, out.size() + 65536));
      if (got == out.size()) break;
    }
    const ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("cannot read: ") + std::strerror(errno));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  if (out.size() > max_bytes) throw LimitError("too_large", "file grew over the limit while read");
  return out;
}

std::string printable_name(std::string_view name) { return printable(name); }

}  // namespace yz::sync
