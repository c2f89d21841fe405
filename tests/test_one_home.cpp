// One home for each rule (DESIGN.md §10), checked on the sources like
// test_layering.cpp checks includes:
// - a UI text is said one way: the app's per-language tables
//   (app/yizhen/strings.cpp) or core's message catalogue
//   (core/base/messages.cpp), never an inline `lang == Lang::zh ? "…" : "…"`;
// - UTF-8 is decoded in one place (core/base/utf8.cpp, through ICU) and the
//   calendar computed in one (core/base/dates.cpp, std::chrono);
// - a record with a status (referral, follow-up, clinic day) is created by
//   its one command in core/care, never by a raw Writer/Store::create.
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
// A text chosen by language inline: a language test followed by `?` and a
// string literal (`zh ? "…"`, `lang == Lang::en ? std::string("…")`), or a
// local `bool zh` flag that such choices hang on.
bool chooses_text_inline(const std::string& line) {
  static const std::regex inline_choice(
      R"((\bzh\b|Lang::(zh|en))\s*\)?\s*\?\s*\(?\s*(std::string\s*\(\s*)?(u8)?")"
      R"(|\bbool\s+zh\s*=)");
  return std::regex_search(line, inline_choice);
}

// Bit tests of a hand-written UTF-8 decoder, and the leap-year and
// days-from-civil arithmetic of a hand-written calendar.
bool decodes_utf8_by_hand(const std::string& line) {
  static const std::regex decoder(R"(0x[cC]0\s*\)\s*[!=]=\s*0x80|0x[eE]0\s*\)\s*==\s*0x[cC]0|0x[fF]8\s*\)\s*==\s*0x[fF]0)");
  return std::regex_search(line, decoder);
}
bool computes_calendar_by_hand(const std::string& line) {
  static const std::regex calendar(
      R"(\bbool\s+(is_)?leap\w*\s*\(|days_from_civil|civil_from_days|146097|%\s*400\s*==\s*0|\bdays_in_month\s*\()");
  return std::regex_search(line, calendar);
}

// A raw create of a kind whose status core/care owns.
bool creates_status_record_raw(const std::string& line) {
  static const std::regex raw(R"re(\bcreate\s*\(\s*"(referral|follow_up|clinic_day)")re");
  return std::regex_search(line, raw);
}

template <class F>
int scan(std::initializer_list<const char*> dirs, std::initializer_list<const char*> allowed, F&& bad) {
  int files = 0;
  for (const char* dir : dirs) {
    const fs::path root = fs::path(YIZHEN_SOURCE_DIR) / dir;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      const auto ext = entry.path().extension();
      if (ext != ".h" && ext != ".cpp") continue;
      const std::string rel = fs::relative(entry.path(), YIZHEN_SOURCE_DIR).generic_string();
      bool skip = false;
      for (const char* a : allowed) skip |= rel == a;
      if (skip) continue;
      ++files;
      std::ifstream in(entry.path());
      std::string line;
      for (int n = 1; std::getline(in, line); ++n) {
        INFO(rel << ":" << n << ": " << line);
        CHECK_FALSE(bad(line));
      }
    }
  }
  return files;
}
}  // namespace

TEST_CASE("app, core, sync and tools choose no UI text inline by language") {
  CHECK(scan({"app", "core", "tools", "sync"}, {}, chooses_text_inline) > 50);
}

TEST_CASE("UTF-8 is decoded and the calendar computed in one place each") {
  CHECK(scan({"app", "core", "tools", "sync", "platform"}, {"core/base/utf8.cpp"}, decodes_utf8_by_hand) > 50);
  CHECK(scan({"app", "core", "tools", "sync", "platform"}, {"core/base/dates.cpp"}, computes_calendar_by_hand) > 50);
}

TEST_CASE("referrals, follow-ups and clinic days are created by their care command only") {
  CHECK(scan({"app", "core", "tools", "sync"},
             {"core/care/referral.cpp", "core/care/follow_up.cpp", "core/care/clinic_day.cpp"},
             creates_status_record_raw) > 50);
}

TEST_CASE("the one-home checks themselves catch what they look for") {
  CHECK(chooses_text_inline(R"(toast(lang() == Lang::zh ? "已保存" : "Saved");)"));
  CHECK(chooses_text_inline(R"(  if (s == "due") return zh ? "待随访" : "due";)"));
  CHECK(chooses_text_inline(R"(return (lang == Lang::zh ? std::string("数据库错误：") : "x");)"));
  CHECK(chooses_text_inline(R"(x = lang == Lang::en ? "Saved" : "已保存";)"));
  CHECK(chooses_text_inline("  const bool zh = lang == Lang::zh;"));
  CHECK_FALSE(chooses_text_inline("  return lang == Lang::en ? en : zh;"));  // a table's column
  CHECK_FALSE(chooses_text_inline(R"(ui::Chip(tr(S::yes), x ? "a" : "b");)"));
  CHECK(decodes_utf8_by_hand("    if ((c & 0xC0) != 0x80) ++n;"));
  CHECK(decodes_utf8_by_hand("    if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; n = 1; }"));
  CHECK_FALSE(decodes_utf8_by_hand("  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3F));"));
  CHECK(computes_calendar_by_hand("bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }"));
  CHECK(computes_calendar_by_hand("int64_t days_from_civil(int y, unsigned m, unsigned d) {"));
  CHECK(creates_status_record_raw(R"(      referral_id = w.create("referral", r);)"));
  CHECK(creates_status_record_raw(R"(return store.create( "follow_up", f);)"));
  CHECK_FALSE(creates_status_record_raw(R"(w.create("encounter", e);)"));
  CHECK_FALSE(creates_status_record_raw("  return create_follow_up(w, f);"));
  CHECK_FALSE(computes_calendar_by_hand("  return format_date(sys_days{must_parse(date)} + days{n});"));
}
