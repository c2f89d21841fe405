#include "platform/paths.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

namespace yz::platform {

std::string data_dir() {
  namespace fs = std::filesystem;
  fs::path dir;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) dir = fs::path(xdg) / "yizhen";
  else if (const char* home = std::getenv("HOME"); home && *home) dir = fs::path(home) / ".local/share/yizhen";
  else dir = fs::current_path() / "yizhen-data";
  std::error_code ec;
  fs::create_directories(dir, ec);
  return dir.string();
}

std::string default_db_path() { return data_dir() + "/yizhen.db"; }

void make_new_files_private() { ::umask(077); }

}  // namespace yz::platform
