#pragma once
// Test helper: a background process (a server) whose stdout is read line by
// line; killed (SIGKILL) and reaped on destruction, so a failing test never
// leaves it running.

#include <sys/types.h>

#include <string>
#include <vector>

namespace yz::test {

class Child {
 public:
  // Start `argv` (argv[0] a path); stderr goes to `stderr_path` (or /dev/null).
  explicit Child(const std::vector<std::string>& argv, const std::string& stderr_path = "/dev/null");
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // The next line of stdout, or "" after `timeout_ms` or at end of output.
  std::string read_line(int timeout_ms = 10000);
  pid_t pid() const { return pid_; }
  // Send `sig` and wait for the process; returns its wait status.
  int stop(int sig);

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
};

}  // namespace yz::test
