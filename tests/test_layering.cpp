// DESIGN.md §3: core/ and sync/ know nothing of UI: no file there may include
// an ImGui or SDL header (nor GL). CMake keeps them from linking those; this
// keeps them from including them.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#ifndef YIZHEN_SOURCE_DIR
#error "YIZHEN_SOURCE_DIR must be defined"
#endif

namespace fs = std::filesystem;

namespace {
// An #include of ImGui, SDL, OpenGL, an ImGui backend, or platform/.
bool includes_ui(const std::string& line) {
  static const std::regex banned(R"(^\s*#\s*include\s*[<"]([^>"]*/)?(imgui|SDL|GL/|backends/|platform/)[^>"]*[>"])",
                                 std::regex::icase);
  return std::regex_search(line, banned);
}
}  // namespace

TEST_CASE("core and sync include no ImGui, SDL or OpenGL header") {
  int files = 0;
  for (const char* dir : {"core", "sync"}) {
    const fs::path root = fs::path(YIZHEN_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      const auto ext = entry.path().extension();
      if (ext != ".h" && ext != ".hpp" && ext != ".cpp" && ext != ".cc") continue;
      ++files;
      std::ifstream in(entry.path());
      std::string line;
      int n = 0;
      while (std::getline(in, line)) {
        ++n;
        INFO(entry.path().string() << ":" << n << ": " << line);
        CHECK_FALSE(includes_ui(line));
      }
    }
  }
  CHECK(files > 10);
}

TEST_CASE("the layering check itself catches a banned include") {
  CHECK(includes_ui(std::string("#include <imgui.h>")));
  CHECK(includes_ui(std::string("#include \"backends/imgui_impl_sdl.h\"")));
  CHECK(includes_ui(std::string("#include <SDL2/SDL.h>")));
  CHECK(includes_ui(std::string("#include \"platform/paths.h\"")));
  CHECK_FALSE(includes_ui(std::string("#include \"core/store.h\"")));
}

// ctest runs each doctest case by name, and CMake splits a name at ';': a
// case named "a; b" would run as "a", match nothing, and pass unseen.
TEST_CASE("no test case name contains a semicolon") {
  const std::regex name_with_semicolon(R"re(TEST_CASE\("[^"]*;)re");
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(YIZHEN_SOURCE_DIR) / "tests")) {
    if (entry.path().extension() != ".cpp") continue;
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      INFO(entry.path().string() << ":" << n);
      CHECK_FALSE(std::regex_search(line, name_with_semicolon));
    }
  }
  CHECK(files > 5);
}
