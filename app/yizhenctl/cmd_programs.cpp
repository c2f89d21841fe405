// Screening programs and the closed loop:
//   programs list | show ID [--version N] | install FILE
//   screen --patient ID --program ID [--answers JSON] [--day ID] [--encounter ID] [--at TIME] [--referral-to TEXT]
//   follow-up list [--village CODE] [--from D] [--to D] [--as-of D] [--status S,…] [--program ID] [--limit N]
//   follow-up done ID --result TEXT [--date D] | lost ID --reason TEXT | overdue ID [--as-of D]
//   follow-up reschedule ID --due D | sweep [--as-of D]
//   referral status ID STATUS [--outcome TEXT] [--appointment D]

#include <fstream>
#include <memory>
#include <sstream>

#include "app/yizhenctl/cli.h"
#include "core/care/follow_up.h"
#include "core/care/referral.h"
#include "core/care/screening.h"
#include "core/queries/worklist.h"
#include "core/programs/programs.h"

namespace yz::cli {

namespace {

json program_summary(const Program& p) {
  json el = {{"age", {p.age_min, p.age_max}}};
  if (!p.sex.empty()) el["sex"] = p.sex;
  if (!p.eligibility_text.zh.empty()) el["text"] = p.eligibility_text.zh;
  return {{"id", p.id},
          {"version", p.version},
          {"name", {{"zh", p.name.zh}, {"en", p.name.en}}},
          {"station", p.station},
          {"builtin", p.builtin},
          {"eligibility", el},
          {"fields", p.fields.size()}};
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

json worklist_json(const WorklistRow& r) {
  return {{"id", r.follow_up_id},         {"patient_id", r.patient_id},   {"name", r.name},
          {"sex", r.sex},                 {"age", r.age},                 {"phone", r.phone},
          {"village_code", r.village_code}, {"village", r.village_name}, {"township", r.township_name},
          {"due_date", r.due_date},       {"status", r.effective_status}, {"days_overdue", r.days_overdue},
          {"reason", r.reason},           {"program_id", r.program_id},   {"result", r.screening_result},
          {"risk_grade", r.risk_grade},   {"referral_status", r.referral_status}};
}

}  // namespace

void add_program_commands(CLI::App& app, Context& ctx, int& exit_code) {
  // ---- programs ------------------------------------------------------------
  auto* programs = app.add_subcommand("programs", "Screening programs known to this device");
  programs->require_subcommand(1);
  auto* list = programs->add_subcommand("list", "The latest version of every program");
  list->callback([&] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      json j = json::array();
      std::ostringstream text;
      const Lang lang = ctx.language();
      for (const auto& p : latest_programs(store.db())) {
        j.push_back(program_summary(*p));
        text << p->id << "\tv" << p->version << "\t" << p->name.in(lang) << "\t" << p->age_min << "-" << p->age_max
             << (p->sex.empty() ? "" : " " + p->sex) << (p->builtin ? "" : "\t(installed)") << "\n";
      }
      emit(ctx, j, text.str());
      return 0;
    });
  });

  auto show_args = std::make_shared<std::pair<std::string, int>>("", 0);
  auto* show = programs->add_subcommand("show", "A program's definition (JSON)");
  show->add_option("ID", show_args->first, "Program id")->required();
  show->add_option("--version", show_args->second, "Version (default: the latest)");
  show->callback([&, show_args] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      ProgramPtr p = show_args->second > 0 ? find_program(store.db(), show_args->first, show_args->second)
                                           : latest_program(store.db(), show_args->first);
      if (!p) throw ValidationError(FieldError{"program", "unknown_program", {show_args->first}});
      std::cout << p->definition.dump(2) << "\n";
      return 0;
    });
  });

  auto install_file = std::make_shared<std::string>();
  auto* install = programs->add_subcommand("install", "Install a program version from a JSON file");
  install->add_option("FILE", *install_file, "Definition (docs/programs.md)")->required();
  install->callback([&, install_file] {
    exit_code = guarded(ctx, [&] {
      std::ifstream in(*install_file);
      if (!in) throw UsageError("FILE", "cannot read " + *install_file);
      const json def = json::parse(in, nullptr, false);
      if (def.is_discarded()) throw UsageError("FILE", "not valid JSON: " + *install_file);
      Store store = ctx.open_store();
      bool added = false;
      store.transact([&](Writer&) { added = install_program(store.db(), def); });
      const std::string id = def.value("id", ""), v = std::to_string(def.value("version", 0));
      emit(ctx, {{"id", id}, {"version", def.value("version", 0)}, {"installed", added}},
           (added ? "installed " : "already installed ") + id + " v" + v);
      return 0;
    });
  });

  // ---- screen --------------------------------------------------------------
  struct ScreenArgs {
    ScreeningInput in;
    std::string answers;
  };
  auto sa = std::make_shared<ScreenArgs>();
  auto* screen = app.add_subcommand("screen", "Record a screening; creates its referral and follow-up");
  screen->add_option("--patient", sa->in.patient_id, "Patient id")->required();
  screen->add_option("--program", sa->in.program_id, "Program id (yizhenctl programs list)")->required();
  screen->add_option("--version", sa->in.program_version, "Program version (default: the latest)");
  screen->add_option("--answers", sa->answers, "Answers as a JSON object {field: value}");
  screen->add_option("--day", sa->in.clinic_day_id, "Clinic day id");
  screen->add_option("--encounter", sa->in.encounter_id, "Encounter id");
  screen->add_option("--at", sa->in.screened_at, "When (YYYY-MM-DD HH:MM; default now)");
  screen->add_option("--referral-to", sa->in.referral_to, "Facility to refer to (default: the program's)");
  screen->callback([&, sa] {
    exit_code = guarded(ctx, [&] {
      ScreeningInput in = sa->in;
      if (!sa->answers.empty()) {
        in.answers = json::parse(sa->answers, nullptr, false);
        if (in.answers.is_discarded() || !in.answers.is_object())
          throw ValidationError(FieldError{"answers", "not_object"});
      }
      Store store = ctx.open_existing();
      const RecordedScreening r = record_screening(store, in);
      const Evaluation& ev = r.evaluation;
      const Lang lang = ctx.language();
      json j = {{"screening_id", r.screening_id}, {"program_id", r.program->id},
                {"program_version", r.program->version}, {"result", ev.result},
                {"risk_grade", ev.grade},        {"next_step", ev.next_step.in(lang)},
                {"referral_id", r.referral_id},  {"follow_up_id", r.follow_up_id},
                {"missing", ev.missing},         {"derived", ev.derived}};
      std::ostringstream text;
      text << r.screening_id << "\n" << result_label(ev.result, lang);
      if (!ev.grade.empty()) text << "  " << r.program->grade_label(ev.grade, lang);
      text << "\n" << ev.next_step.in(lang) << "\n";
      if (!r.referral_id.empty()) text << "referral  " << r.referral_id << "\n";
      if (!r.follow_up_id.empty()) text << "follow-up " << r.follow_up_id << "\n";
      emit(ctx, j, text.str());
      return 0;
    });
  });

  // ---- follow-up -----------------------------------------------------------
  auto* fu = app.add_subcommand("follow-up", "Follow-up worklists and statuses");
  fu->require_subcommand(1);
  struct ListArgs {
    WorklistQuery q;
    std::string status = "due,overdue";
  };
  auto la = std::make_shared<ListArgs>();
  auto* fl = fu->add_subcommand("list", "Open follow-ups of a village, township or county, by due date");
  fl->add_option("--village", la->q.place, "Village, township or county code (prefix)");
  fl->add_option("--from", la->q.from, "Due on or after YYYY-MM-DD");
  fl->add_option("--to", la->q.until, "Due on or before YYYY-MM-DD");
  fl->add_option("--as-of", la->q.as_of, "Today for overdue (default: today)");
  fl->add_option("--status", la->status, "Statuses, comma-separated (due,overdue,done,lost)");
  fl->add_option("--program", la->q.program, "Only follow-ups of this program's screenings");
  fl->add_option("--limit", la->q.limit, "At most this many")->check(CLI::Range(0, 10000000));
  fl->callback([&, la] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      WorklistQuery q = la->q;
      q.statuses = split_list(la->status);
      if (q.as_of.empty()) q.as_of = store.today();
      json j = json::array();
      std::ostringstream text;
      const Lang lang = ctx.language();
      for_each_worklist_row(store.db(), q, [&](const WorklistRow& r) {
        j.push_back(worklist_json(r));
        text << r.due_date << "  " << follow_up_status_label(r.effective_status, lang) << "  " << r.name << "  "
             << r.phone << "  " << r.township_name << r.village_name << "  " << r.reason << "  " << r.follow_up_id
             << "\n";
      });
      emit(ctx, j, text.str());
      return 0;
    });
  });

  struct DoneArgs {
    std::string id, result, date, reason, due, as_of;
  };
  auto da = std::make_shared<DoneArgs>();
  auto* done = fu->add_subcommand("done", "Mark a follow-up done with its result");
  done->add_option("ID", da->id, "Follow-up id")->required();
  done->add_option("--result", da->result, "What was found")->required();
  done->add_option("--date", da->date, "Date done (default today)");
  done->callback([&, da] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      std::string next;
      store.transact([&](Writer& w) { next = complete_follow_up(store, w, da->id, da->result, da->date); });
      emit(ctx, {{"id", da->id}, {"status", "done"}, {"next_follow_up_id", next}},
           "done" + (next.empty() ? std::string() : "\nnext follow-up " + next));
      return 0;
    });
  });
  auto* lost = fu->add_subcommand("lost", "Mark a follow-up lost (cannot be reached, refuses)");
  lost->add_option("ID", da->id, "Follow-up id")->required();
  lost->add_option("--reason", da->reason, "Why")->required();
  lost->callback([&, da] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      store.transact([&](Writer& w) { mark_follow_up_lost(store, w, da->id, da->reason); });
      emit(ctx, {{"id", da->id}, {"status", "lost"}}, "lost");
      return 0;
    });
  });
  auto* overdue = fu->add_subcommand("overdue", "Mark one follow-up overdue");
  overdue->add_option("ID", da->id, "Follow-up id")->required();
  overdue->add_option("--as-of", da->as_of, "Today (default today)");
  overdue->callback([&, da] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      store.transact([&](Writer& w) { mark_follow_up_overdue(store, w, da->id, da->as_of); });
      emit(ctx, {{"id", da->id}, {"status", "overdue"}}, "overdue");
      return 0;
    });
  });
  auto* resched = fu->add_subcommand("reschedule", "Give an open follow-up a new due date");
  resched->add_option("ID", da->id, "Follow-up id")->required();
  resched->add_option("--due", da->due, "New due date YYYY-MM-DD")->required();
  resched->callback([&, da] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      store.transact([&](Writer& w) { reschedule_follow_up(store, w, da->id, da->due); });
      emit(ctx, {{"id", da->id}, {"status", "due"}, {"due_date", da->due}}, "due " + da->due);
      return 0;
    });
  });
  auto* sweep = fu->add_subcommand("sweep", "Mark every follow-up past its due date overdue");
  sweep->add_option("--as-of", da->as_of, "Today (default today)");
  sweep->callback([&, da] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      const int64_t n = mark_overdue_follow_ups(store, da->as_of);
      emit(ctx, {{"overdue", n}}, std::to_string(n) + " marked overdue");
      return 0;
    });
  });

  // ---- referral ------------------------------------------------------------
  struct RefArgs {
    std::string id, status, outcome, appointment;
  };
  auto ra = std::make_shared<RefArgs>();
  auto* referral = app.add_subcommand("referral", "Referral statuses");
  referral->require_subcommand(1);
  auto* rs = referral->add_subcommand("status", "Move a referral: contacted, arrived, outcome, lost");
  rs->add_option("ID", ra->id, "Referral id")->required();
  rs->add_option("STATUS", ra->status, "contacted | arrived | outcome | lost")->required();
  rs->add_option("--outcome", ra->outcome, "What the hospital found or did (outcome), or why lost");
  rs->add_option("--appointment", ra->appointment, "Appointment date YYYY-MM-DD");
  rs->callback([&, ra] {
    exit_code = guarded(ctx, [&] {
      Store store = ctx.open_existing();
      bool moved = false;
      store.transact([&](Writer& w) {
        moved = set_referral_status(store, w, ra->id, ra->status, ra->outcome, ra->appointment);
      });
      emit(ctx, {{"id", ra->id}, {"status", ra->status}, {"changed", moved}}, ra->status);
      return 0;
    });
  });
}

}  // namespace yz::cli
