// DESIGN.md §3: dependencies point one way. app → sync → core, app →
// platform; inside core base ← store ← domain ← programs / replication /
// care ← queries ← output; the server does not use the client engine;
// tools and benchmarks are not the product, so nothing of the product
// includes them (but yizhenctl's demo verb). CMake links only downward; this
// fails on any #include that points the wrong way, in every folder of the
// source tree, and on UI headers (ImGui, SDL, OpenGL) outside platform/ and
// the field app.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#ifndef YIZHEN_SOURCE_DIR
#error "YIZHEN_SOURCE_DIR must be defined"
#endif

namespace fs = std::filesystem;

namespace {

// Every source folder and the project folders its files may include from
// (prefixes of the root-relative include path). A folder is ruled by its
// longest entry; a source file in a folder without one fails the check.
const std::map<std::string, std::vector<std::string>>& allowed_includes() {
  static const std::map<std::string, std::vector<std::string>> k{
      {"core/base", {"core/base/"}},
      {"core/store", {"core/base/", "core/store/"}},
      {"core/domain", {"core/base/", "core/store/", "core/domain/"}},
      {"core/programs", {"core/base/", "core/store/", "core/domain/", "core/programs/"}},
      {"core/replication", {"core/base/", "core/store/", "core/domain/", "core/replication/"}},
      {"core/care", {"core/base/", "core/store/", "core/domain/", "core/programs/", "core/care/"}},
      {"core/queries",
       {"core/base/", "core/store/", "core/domain/", "core/programs/", "core/replication/", "core/care/",
        "core/queries/"}},
      {"core/output", {"core/"}},
      {"sync/protocol", {"core/", "sync/protocol/"}},
      {"sync/client", {"core/", "sync/protocol/", "sync/client/"}},
      {"sync/server", {"core/", "sync/protocol/", "sync/server/"}},
      {"platform", {"platform/"}},
      {"app/yizhen", {"app/yizhen/", "core/", "sync/protocol/", "sync/client/", "platform/"}},
      {"app/common", {"app/common/", "core/"}},  // what the command-line tools share
      {"app/yizhenctl",
       {"app/yizhenctl/", "app/common/", "core/", "sync/protocol/", "sync/client/", "platform/", "tools/demo/"}},
      {"app/yizhen-server",
       {"app/yizhen-server/", "app/common/", "core/", "sync/protocol/", "sync/server/", "platform/"}},
      {"tools/demo", {"tools/demo/", "core/"}},
      {"tools/fuzz", {"tools/fuzz/", "core/", "sync/"}},
      {"tools/places", {"tools/places/", "core/"}},
      // pg_ingest starts its own throwaway PostgreSQL cluster, as the tests do.
      {"bench", {"bench/", "core/", "sync/", "tools/demo/", "tests/support/pg_cluster.h"}},
      {"tests", {""}},  // tests may include anything they test
  };
  return k;
}

// Folders whose files may include UI headers (ImGui, SDL, OpenGL).
bool ui_allowed(const std::string& folder) {
  return folder == "platform" || folder == "app/yizhen" || folder == "bench" || folder == "tests";
}

const std::vector<std::string>& project_roots() {
  static const std::vector<std::string> k{"app/", "bench/", "core/", "platform/", "sync/", "tests/", "tools/"};
  return k;
}

// The rule of a file (root-relative path with '/'), or nullopt.
std::optional<std::string> folder_of(const std::string& file) {
  std::optional<std::string> best;
  for (const auto& [folder, prefixes] : allowed_includes())
    if (file.rfind(folder + "/", 0) == 0 && (!best || folder.size() > best->size())) best = folder;
  return best;
}

// The path inside an #include line ("" when the line is no #include).
std::string included(const std::string& line) {
  static const std::regex inc(R"(^\s*#\s*include\s*[<"]([^>"]+)[>"])");
  std::smatch m;
  return std::regex_search(line, m, inc) ? m[1].str() : std::string();
}

// An #include of ImGui, SDL, OpenGL or an ImGui backend.
bool includes_ui(const std::string& line) {
  static const std::regex banned(R"(^\s*#\s*include\s*[<"]([^>"]*/)?(imgui|SDL|GL/|backends/)[^>"]*[>"])",
                                 std::regex::icase);
  return std::regex_search(line, banned);
}

// What is wrong with `line` of a file in `folder`; empty when nothing.
std::string layering_problem(const std::string& folder, const std::string& line) {
  if (!ui_allowed(folder) && includes_ui(line)) return "a UI header outside platform/ and app/yizhen/";
  const std::string path = included(line);
  if (path.empty()) return {};
  bool project = false;
  for (const auto& root : project_roots()) project |= path.rfind(root, 0) == 0;
  if (!project) return {};  // a system or library header
  auto it = allowed_includes().find(folder);
  if (it == allowed_includes().end()) return "no layering rule for folder " + folder;
  for (const auto& prefix : it->second)
    if (path.rfind(prefix, 0) == 0) return {};
  return folder + " may not include " + path;
}

bool is_source(const fs::path& p) {
  const auto ext = p.extension();
  return ext == ".h" || ext == ".hpp" || ext == ".cpp" || ext == ".cc" || ext == ".c";
}

}  // namespace

TEST_CASE("every include points the right way, in every folder") {
  const fs::path root = fs::path(YIZHEN_SOURCE_DIR);
  int files = 0;
  std::map<std::string, int> per_folder;
  for (const auto& top : project_roots()) {
    const fs::path dir = root / top;
    if (!fs::exists(dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file() || !is_source(entry.path())) continue;
      const std::string rel = fs::relative(entry.path(), root).generic_string();
      const auto folder = folder_of(rel);
      INFO(rel);
      REQUIRE_MESSAGE(folder, "no layering rule covers " << rel);
      ++files;
      ++per_folder[*folder];
      std::ifstream in(entry.path());
      std::string line;
      for (int n = 1; std::getline(in, line); ++n) {
        const std::string problem = layering_problem(*folder, line);
        INFO(rel << ":" << n << ": " << line);
        CHECK_MESSAGE(problem.empty(), problem);
      }
    }
  }
  CHECK(files > 100);
  // Every core folder, sync part, app and tool the rules name holds files.
  for (const char* f : {"core/base", "core/store", "core/domain", "core/programs", "core/replication", "core/care",
                        "core/queries", "core/output", "sync/protocol", "sync/client", "sync/server", "platform",
                        "app/yizhen", "app/yizhenctl", "app/yizhen-server", "tools/demo"}) {
    INFO(f);
    CHECK(per_folder[f] > 0);
  }
}

TEST_CASE("the layering check itself catches an include that points the wrong way") {
  // Upward inside core.
  CHECK_FALSE(layering_problem("core/store", "#include \"core/domain/validate.h\"").empty());
  CHECK_FALSE(layering_problem("core/domain", "#include \"core/care/follow_up.h\"").empty());
  CHECK_FALSE(layering_problem("core/care", "#include \"core/queries/worklist.h\"").empty());
  CHECK_FALSE(layering_problem("core/queries", "#include \"core/output/report.h\"").empty());
  CHECK_FALSE(layering_problem("core/programs", "#include \"core/care/screening.h\"").empty());
  // core knows no sync, app, platform or tool; the server no client.
  CHECK_FALSE(layering_problem("core/output", "#include \"sync/client/client.h\"").empty());
  CHECK_FALSE(layering_problem("core/base", "#include \"platform/paths.h\"").empty());
  CHECK_FALSE(layering_problem("core/care", "#include \"tools/demo/demo.h\"").empty());
  CHECK_FALSE(layering_problem("sync/server", "#include \"sync/client/engine.h\"").empty());
  CHECK_FALSE(layering_problem("sync/protocol", "#include \"sync/server/http_api.h\"").empty());
  CHECK_FALSE(layering_problem("app/yizhen", "#include \"tools/demo/demo.h\"").empty());
  CHECK_FALSE(layering_problem("platform", "#include \"core/base/files.h\"").empty());
  CHECK_FALSE(layering_problem("nowhere", "#include \"core/base/files.h\"").empty());
  // UI headers outside the UI.
  CHECK_FALSE(layering_problem("core/base", "#include <imgui.h>").empty());
  CHECK_FALSE(layering_problem("sync/client", "#include \"backends/imgui_impl_sdl.h\"").empty());
  CHECK_FALSE(layering_problem("core/store", "#include <SDL2/SDL.h>").empty());
  CHECK_FALSE(layering_problem("app/yizhenctl", "#include <GL/gl.h>").empty());
  // Downward and library includes pass.
  CHECK(layering_problem("core/store", "#include \"core/base/errors.h\"").empty());
  CHECK(layering_problem("core/output", "#include \"core/queries/summary.h\"").empty());
  CHECK(layering_problem("app/yizhen", "#include <imgui.h>").empty());
  CHECK(layering_problem("core/store", "#include <SQLiteCpp/Database.h>").empty());
  CHECK(layering_problem("core/store", "// #include is mentioned in a comment").empty());
  CHECK(folder_of("core/care/follow_up.cpp") == std::optional<std::string>("core/care"));
  CHECK(folder_of("app/yizhen-server/main.cpp") == std::optional<std::string>("app/yizhen-server"));
  CHECK_FALSE(folder_of("elsewhere/x.cpp"));
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
