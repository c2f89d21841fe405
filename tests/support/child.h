#pragma once
// Test helper: a background process (a server, the field app, Xvfb); killed
// (SIGKILL) and reaped on destruction, so a failing test never leaves it
// running.

#include <sys/types.h>

#include <string>
#include <vector>

namespace yz::test {

class Child {
 public:
  // Start `argv` (argv[0] a path) with stdout on a pipe read by read_line();
  // stderr goes to `stderr_path`.
  explicit Child(const std::vector<std::string>& argv, const std::string& stderr_path = "/dev/null");
  // Start `argv` with `env_extra` ("NAME=value") added to, or replacing in,
  // this process's environment; stdout and stderr go to `log_path`.
  Child(const std::vector<std::string>& argv, const std::vector<std::string>& env_extra,
        const std::string& log_path = "/dev/null");
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // The next line of stdout, or "" after `timeout_ms`, at end of output, or
  // when stdout is not a pipe.
  std::string read_line(int timeout_ms = 10000);
  pid_t pid() const { return pid_; }
  bool running();
  // Send `sig` and wait up to `timeout_ms`; returns the exit code (128 +
  // signal), or -1 if it did not end (it is then killed).
  int stop(int sig, int timeout_ms = 10000);

 private:
  void spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env_extra,
             const std::string& stdout_path, const std::string& stderr_path);
  pid_t pid_ = -1;
  int status_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
};

}  // namespace yz::test
