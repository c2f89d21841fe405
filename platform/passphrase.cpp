#include "platform/passphrase.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace yz::platform {

std::optional<std::string> read_passphrase(const std::string& prompt) {
  if (const char* env = std::getenv("YIZHEN_PASSPHRASE")) return std::string(env);
  return read_terminal_secret(prompt);
}

bool passphrase_available() {
  if (std::getenv("YIZHEN_PASSPHRASE")) return true;
  const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  termios t{};
  const bool is_tty = ::tcgetattr(fd, &t) == 0;
  ::close(fd);
  return is_tty;
}

std::optional<std::string> read_terminal_secret(const std::string& prompt) {
  const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  termios old{};
  const bool is_tty = ::tcgetattr(fd, &old) == 0;
  if (!is_tty) {
    ::close(fd);
    return std::nullopt;
  }
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(fd, TCSAFLUSH, &quiet);
  [[maybe_unused]] auto w = ::write(fd, prompt.data(), prompt.size());
  std::string line;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
  ::tcsetattr(fd, TCSAFLUSH, &old);
  w = ::write(fd, "\n", 1);
  ::close(fd);
  return line;
}

std::string read_new_passphrase(const std::string& path) {
  const auto a = read_passphrase("新口令 new passphrase for " + path + ": ");
  if (!a) throw std::invalid_argument("set YIZHEN_PASSPHRASE or run on a terminal");
  if (a->empty()) throw std::invalid_argument("must not be empty");
  if (!std::getenv("YIZHEN_PASSPHRASE")) {  // typed: ask twice
    const auto b = read_passphrase("再输一次 again: ");
    if (!b || *b != *a) throw std::invalid_argument("the two entries differ; nothing was changed");
  }
  return *a;
}

}  // namespace yz::platform
