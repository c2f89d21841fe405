// A team without a server: team init / show, member add / pin, places
// search, place add / show (core/care/team.h, core/care/places.h); and the
// team's clinic days and households listed (clinic-day list, household list).

#include <unistd.h>

#include <iostream>
#include <memory>
#include <sstream>

#include "app/yizhenctl/cli.h"
#include "core/care/places.h"
#include "core/care/staff_pin.h"
#include "core/care/team.h"
#include "platform/passphrase.h"
#include "core/queries/field_queries.h"

namespace yz::cli {

namespace {

json place_json(const PlaceInfo& p, const std::string& label) {
  return {{"code", p.code},         {"name", p.name},   {"level", p.level}, {"parent_code", p.parent_code},
          {"provisional", p.provisional}, {"label", label}};
}

std::string place_line(const PlaceInfo& p, const std::string& label) {
  return p.code + "\t" + p.level + "\t" + label + (p.provisional ? "\t[provisional]" : "");
}

}  // namespace

void add_team_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* team = app.add_subcommand("team", "This device's team (made here when there is no server yet)");
  team->require_subcommand(1);
  auto init = std::make_shared<TeamInit>();
  auto* init_cmd = team->add_subcommand("init", "Create this device's team: name, origin hospital, county");
  init_cmd->add_option("--name", init->name, "Team name")->required();
  init_cmd->add_option("--hospital", init->hospital, "Origin hospital");
  init_cmd->add_option("--county", init->county, "GB/T 2260 code of the county it works in")->required();
  init_cmd->add_option("--station", init->stations, "A station the team runs (repeatable)");
  init_cmd->callback([&, init] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_store();
      const std::string id = init_team(store, *init);
      emit(ctx, {{"id", id}, {"name", init->name}, {"county", init->county}}, id);
      return 0;
    });
  });
  auto* show = team->add_subcommand("show", "This device's team and its staff");
  show->callback([&] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      const auto t = current_team(store);
      if (!t) throw NotFound("team", "(none on this device)");
      json staff = json::array();
      std::ostringstream text;
      text << t->name << "\t" << t->origin_hospital << "\t" << place_label(store.db(), t->area_code)
           << (t->enrolled ? "" : "\t[not enrolled]") << "\n";
      for (const auto& m : list_members(store.db(), t->id)) {
        staff.push_back({{"id", m.id}, {"name", m.name}, {"role", m.role}, {"has_pin", m.has_pin}});
        text << "  " << m.name << "\t" << m.role << "\n";
      }
      emit(ctx,
           {{"id", t->id}, {"name", t->name}, {"origin_hospital", t->origin_hospital}, {"area_code", t->area_code},
            {"stations", t->stations}, {"enrolled", t->enrolled}, {"members", staff}},
           text.str());
      return 0;
    });
  });

  auto* member = app.add_subcommand("member", "Staff of this device's team");
  member->require_subcommand(1);
  auto m = std::make_shared<std::array<std::string, 3>>();  // name, role, specialty
  auto* madd = member->add_subcommand("add", "Add a staff member; prints the new id");
  madd->add_option("--name", (*m)[0], "Name")->required();
  madd->add_option("--role", (*m)[1], "clinician|nurse|coordinator|village_doctor")->required();
  madd->add_option("--specialty", (*m)[2], "Specialty (内科, 眼科, …)");
  madd->callback([&, m] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      const std::string id = add_member(store, (*m)[0], (*m)[1], (*m)[2]);
      emit(ctx, {{"id", id}}, id);
      return 0;
    });
  });

  // Set or reset a member's sign-in PIN (core/care/staff_pin.h): from
  // standard input (its first line) when that is not a terminal, else typed
  // twice with echo off. Only its Argon2id hash is stored, and synced.
  auto pin_member = std::make_shared<std::string>();
  auto* mpin = member->add_subcommand("pin", "Set or reset a member's sign-in PIN (4-8 digits, from stdin or typed)");
  mpin->add_option("MEMBER", *pin_member, "The member's id")->required();
  mpin->callback([&, pin_member] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      std::string pin;
      if (::isatty(STDIN_FILENO)) {
        const auto a = platform::read_terminal_secret("PIN: ");
        const auto b = platform::read_terminal_secret("PIN again: ");
        if (!a || !b) throw UsageError("pin", "no terminal to type it on: give it on standard input");
        if (*a != *b) throw UsageError("pin", "the two entries differ; nothing was changed");
        pin = *a;
      } else if (!std::getline(std::cin, pin)) {
        throw UsageError("pin", "nothing on standard input");
      }
      if (!pin.empty() && pin.back() == '\r') pin.pop_back();
      set_member_pin(store, *pin_member, pin);
      emit(ctx, {{"id", *pin_member}, {"pin_set", true}}, "PIN set for " + *pin_member);
      return 0;
    });
  });

  auto q = std::make_shared<std::string>();
  auto limit = std::make_shared<int>(20);
  auto* places = app.add_subcommand("places", "Places");
  places->require_subcommand(1);
  auto* search = places->add_subcommand("search", "Find a place by name, pinyin, initials or code");
  search->add_option("QUERY", *q, "What to look for")->required();
  search->add_option("--limit", *limit, "At most this many")->check(CLI::Range(1, 1000));
  search->callback([&, q, limit] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      json out = json::array();
      std::string text;
      for (const auto& h : search_places(store.db(), *q, *limit)) {
        out.push_back(place_json(h.place, h.label));
        text += place_line(h.place, h.label) + "\n";
      }
      emit(ctx, out, text);
      return 0;
    });
  });

  auto* place = app.add_subcommand("place", "One place");
  place->require_subcommand(1);
  auto add = std::make_shared<std::array<std::string, 2>>();  // name, parent
  auto* padd = place->add_subcommand("add", "Add a missing village (or township); prints its provisional code");
  padd->add_option("--name", (*add)[0], "Name")->required();
  padd->add_option("--parent", (*add)[1], "Code of the township (or county) it belongs to")->required();
  padd->callback([&, add] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      const std::string code = add_place(store, (*add)[0], (*add)[1]);
      const std::string label = place_label(store.db(), code);
      emit(ctx, {{"code", code}, {"provisional", true}, {"label", label}}, code + "\t" + label + "\t[provisional]");
      return 0;
    });
  });
  auto* pshow = place->add_subcommand("show", "A place with the divisions above it");
  auto code = std::make_shared<std::string>();
  pshow->add_option("CODE", *code, "Place code")->required();
  pshow->callback([&, code] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      const auto p = find_place(store.db(), *code);
      if (!p) throw NotFound("place", *code);
      const std::string label = place_label(store.db(), *code);
      emit(ctx, place_json(*p, label), place_line(*p, label));
      return 0;
    });
  });

  auto* day = app.add_subcommand("clinic-day", "Clinic days");
  day->require_subcommand(1);
  auto day_limit = std::make_shared<int>(50);
  auto* dlist = day->add_subcommand("list", "Clinic days, newest first: date, kind, place, status, notes");
  dlist->add_option("--limit", *day_limit, "At most this many")->check(CLI::Range(1, 100000));
  dlist->callback([&, day_limit] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      json out = json::array();
      std::ostringstream text;
      for (const json& d : recent_clinic_days(store.db(), *day_limit)) {
        out.push_back(d);
        text << d.value("date", "") << "\t" << d.value("kind", "") << "\t"
             << place_label(store.db(), d.value("place_code", "")) << "\t" << d.value("status", "") << "\t"
             << d.value("id", "") << "\n";
      }
      emit(ctx, out, text.str());
      return 0;
    });
  });

  auto* household = app.add_subcommand("household", "Households (for home visits)");
  household->require_subcommand(1);
  auto village = std::make_shared<std::string>();
  auto* hlist = household->add_subcommand("list", "Households of a village (code prefix), with their members");
  hlist->add_option("--village", *village, "Village code (or a prefix of it)")->required();
  hlist->callback([&, village] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      json out = json::array();
      std::ostringstream text;
      for (const HouseholdRow& h : households_in(store.db(), *village, 100000)) {
        json members = json::array();
        std::string names;
        for (const auto& m : h.members) {
          members.push_back({{"id", m.id}, {"name", m.name}});
          names += (names.empty() ? "" : " ") + m.name;
        }
        out.push_back({{"id", h.id}, {"village_code", h.village_code}, {"head_name", h.head_name},
                       {"address", h.address}, {"phone", h.phone}, {"members", members}});
        text << h.head_name << "\t" << h.address << "\t" << h.phone << "\t" << names << "\t" << h.id << "\n";
      }
      emit(ctx, out, text.str());
      return 0;
    });
  });
}

}  // namespace yz::cli
