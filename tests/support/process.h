#pragma once
// Test helper: run a program and capture its exit code, stdout and stderr.

#include <string>
#include <vector>

namespace yz::test {

struct RunResult {
  int code = -1;  // exit status, or 128 + signal
  std::string out, err;
};

// Run `argv` (argv[0] is a path) with no shell, wait for it, capture output.
// Its standard input is `input` (empty: at its end at once).
RunResult run(const std::vector<std::string>& argv, const std::string& input = {});

// A file's bytes ("" when it cannot be read).
std::string slurp(const std::string& path);

// The permission bits of `path` (e.g. 0600), or -1 when it cannot be read.
int file_mode(const std::string& path);

// A fresh temporary directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace yz::test
