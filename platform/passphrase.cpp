#include "platform/passphrase.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>

namespace yz::platform {

std::optional<std::string> read_passphrase(const std::string& prompt) {
  if (const char* env = std::getenv("YIZHEN_PASSPHRASE")) return std::string(env);
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

}  // namespace yz::platform
