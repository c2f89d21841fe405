#include "sync/server/server_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/base/files.h"

namespace yz::sync {

namespace {

using json = nlohmann::json;
constexpr const char* kKeysFormat = "yizhen-server-keys";

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw std::runtime_error("server key file " + path + ": " + why +
                           " (restore it from the server's backup; see docs/security.md)");
}

// Writes `content` to a fresh 0600 file, flushed, then links it into place
// only if `path` does not exist yet (link(2) never replaces a file).
void create_owner_only(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".new";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) fail(path, std::string("cannot create: ") + std::strerror(errno));
  size_t done = 0;
  bool ok = true;
  while (ok && done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  const int linked = ok ? ::link(tmp.c_str(), path.c_str()) : -1;
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (!ok) fail(path, "cannot write");
  if (linked != 0) fail(path, std::string("cannot create: ") + std::strerror(link_errno));
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

std::string member(const json& doc, const char* name, const std::string& path) {
  const auto it = doc.find(name);
  if (it == doc.end() || !it->is_string()) fail(path, std::string(name) + " is missing");
  return it->get<std::string>();
}

}  // namespace

std::string server_keys_path(const std::string& db_path) { return db_path + ".keys"; }

ServerKeys load_server_keys(const std::string& path, bool may_create) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) fail(path, std::string("cannot read: ") + std::strerror(errno));
    if (!may_create) fail(path, "missing");
    ServerKeys k{make_signing_keys(), make_box_keys()};
    const json doc = {{"format", kKeysFormat},
                      {"version", 1},
                      {"sign_public", k.sign.public_key},
                      {"sign_secret", k.sign.secret_key},
                      {"box_public", k.box.public_key},
                      {"box_secret", k.box.secret_key}};
    create_owner_only(path, doc.dump(1) + "\n");
    return k;
  }
  if (!S_ISREG(st.st_mode)) fail(path, "not a regular file");
  std::string text;
  try {
    text = read_file(path);
  } catch (const std::exception&) {
    fail(path, "cannot read");
  }
  const json doc = json::parse(text, nullptr, false);
  if (!doc.is_object() || doc.value("format", "") != kKeysFormat) fail(path, "not a yizhen server key file");
  ServerKeys k{{member(doc, "sign_public", path), member(doc, "sign_secret", path)},
               {member(doc, "box_public", path), member(doc, "box_secret", path)}};
  // The halves must belong together: a damaged file is refused here, not
  // found out by the first device whose receipt does not verify.
  try {
    if (signing_public_key(k.sign.secret_key) != k.sign.public_key) fail(path, "the signing keys do not match");
  } catch (const std::invalid_argument&) {
    fail(path, "the signing key is malformed");
  }
  const std::string probe = "yizhen server key check";
  std::optional<std::string> opened;
  try {
    opened = open_sealed(k.box, seal_to(k.box.public_key, probe));
  } catch (const std::invalid_argument&) {
    fail(path, "the box key is malformed");
  }
  if (opened != probe) fail(path, "the box keys do not match");
  return k;
}

}  // namespace yz::sync
