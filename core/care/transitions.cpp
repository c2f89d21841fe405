#include "core/care/transitions.h"

#include <algorithm>
#include <string>

#include "core/base/errors.h"

namespace yz {

namespace {

struct Move {
  std::string_view from, to;
};

struct Table {
  std::string_view entity;
  std::vector<std::string_view> statuses;
  std::vector<Move> moves;
};

const std::vector<Table>& tables() {
  static const std::vector<Table> k{
      {"clinic_day", {"open", "closed"}, {{"open", "closed"}}},
      {"follow_up",
       {"due", "done", "overdue", "lost"},
       {{"due", "done"},
        {"due", "overdue"},
        {"due", "lost"},
        {"due", "due"},
        {"overdue", "done"},
        {"overdue", "lost"},
        {"overdue", "due"}}},
      {"referral",
       {"advised", "contacted", "arrived", "outcome", "lost"},
       {{"advised", "contacted"},
        {"advised", "arrived"},
        {"advised", "outcome"},
        {"advised", "lost"},
        {"contacted", "arrived"},
        {"contacted", "outcome"},
        {"contacted", "lost"},
        {"arrived", "outcome"},
        {"arrived", "lost"}}},
  };
  return k;
}

const Table* table_of(std::string_view entity) {
  for (const auto& t : tables())
    if (t.entity == entity) return &t;
  return nullptr;
}

}  // namespace

const std::vector<std::string_view>& statuses_of(std::string_view entity) {
  static const std::vector<std::string_view> none;
  const Table* t = table_of(entity);
  return t ? t->statuses : none;
}

bool transition_allowed(std::string_view entity, std::string_view from, std::string_view to) {
  const Table* t = table_of(entity);
  return t && std::any_of(t->moves.begin(), t->moves.end(), [&](const Move& m) { return m.from == from && m.to == to; });
}

void check_transition(std::string_view entity, std::string_view from, std::string_view to) {
  const auto& known = statuses_of(entity);
  if (std::find(known.begin(), known.end(), to) == known.end()) {
    std::string options;
    for (auto s : known) options += (options.empty() ? "" : ", ") + std::string(s);
    throw ValidationError(FieldError{"status", "bad_option", {options}});
  }
  if (!transition_allowed(entity, from, to))
    throw ValidationError(FieldError{"status", "bad_transition", {std::string(from), std::string(to)}});
}

}  // namespace yz
