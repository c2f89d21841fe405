#include "core/queries/summary.h"

#include <SQLiteCpp/Statement.h>

#include <functional>

#include "core/care/follow_up.h"
#include "core/domain/validate.h"
#include "core/store/entities.h"
#include "core/store/records.h"

namespace yz {

namespace {

// The clinic days in scope with their township, as a CTE every query starts
// with. Parameters: ?1 day id, ?2 from, ?3 to, ?4 campaign, ?5 township,
// (?6 as_of, for the queries that need it), ?7 team id.
//
// A screening counts on its clinic day, or its encounter's. One made on no
// clinic day (a home visit of its own, a ward round) counts in a report that
// is not of one day or campaign, by its date, under the township of the
// patient's village; in a team's report when its clinician is of the team.
constexpr const char* kScope = R"SQL(
  WITH d AS (SELECT id, substr(place_code, 1, 9) AS tw, date FROM clinic_day
             WHERE deleted = 0 AND (?1 = '' OR id = ?1) AND (?2 = '' OR date >= ?2) AND (?3 = '' OR date <= ?3)
               AND (?4 = '' OR campaign = ?4) AND (?7 = '' OR team_id = ?7)
               AND (?5 = '' OR (place_code >= ?5 AND place_code < ?5 || char(127)))),
  s0 AS (SELECT s.*, COALESCE(s.clinic_day_id, (SELECT clinic_day_id FROM encounter WHERE id = s.encounter_id))
                     AS day_id FROM screening s WHERE s.deleted = 0),
  sc AS (SELECT s.id, s.patient_id, s.program_id, s.result, d.tw FROM s0 s JOIN d ON d.id = s.day_id
         UNION ALL
         SELECT s.id, s.patient_id, s.program_id, s.result, substr(p.village_code, 1, 9) FROM s0 s
         JOIN patient p ON p.id = s.patient_id
         WHERE s.day_id IS NULL AND ?1 = '' AND ?4 = ''
           AND (?2 = '' OR substr(s.screened_at, 1, 10) >= ?2) AND (?3 = '' OR substr(s.screened_at, 1, 10) <= ?3)
           AND (?5 = '' OR (p.village_code >= ?5 AND p.village_code < ?5 || char(127)))
           AND (?7 = '' OR EXISTS (SELECT 1 FROM member m WHERE m.id = s.clinician_id AND m.team_id = ?7))),
  en AS (SELECT e.id, e.patient_id, e.station, d.tw FROM encounter e JOIN d ON d.id = e.clinic_day_id WHERE e.deleted = 0)
)SQL";

void bind_scope(SQLite::Statement& st, const ReportQuery& q) {
  st.bind(1, q.day_id);
  st.bind(2, q.from);
  st.bind(3, q.to);
  st.bind(4, q.campaign);
  st.bind(5, q.township);
  st.bind(6, q.as_of);
  st.bind(7, q.team_id);
}

// Run `select` (after the scope CTE; its first column is the township) once
// per township and once for the total ("tw" replaced by '').
void each(SQLite::Database& db, const ReportQuery& q, const std::string& select, const std::string& group_col,
          const std::function<void(const std::string& tw, SQLite::Statement&)>& fn) {
  for (int pass = 0; pass < 2; ++pass) {
    std::string sql = select;
    const std::string key = pass == 0 ? group_col : "''";
    for (size_t pos; (pos = sql.find("{TW}")) != std::string::npos;) sql.replace(pos, 4, key);
    SQLite::Statement st(db, std::string(kScope) + sql);
    bind_scope(st, q);
    while (st.executeStep()) fn(pass == 0 ? st.getColumn(0).getString() : std::string("*"), st);
  }
}

}  // namespace

void check_report_query(SQLite::Database& db, const ReportQuery& q) {
  check_date_arg("from", q.from);
  check_date_arg("to", q.to);
  check_date_arg("as_of", q.as_of);
  if (q.as_of.empty()) throw ValidationError(FieldError{"as_of", "required"});
  if (!q.from.empty() && !q.to.empty() && q.from > q.to)
    throw ValidationError(FieldError{"from", "date_order", {q.from, q.to}});
  if (!q.township.empty()) {
    const auto checked = check_place_code("township", q.township);
    if (const auto* e = std::get_if<FieldError>(&checked)) throw ValidationError(*e);
  }
  if (!q.day_id.empty()) {
    SQLite::Statement st(db, "SELECT 1 FROM clinic_day WHERE id = ? AND deleted = 0");
    st.bind(1, q.day_id);
    if (!st.executeStep()) throw NotFound("clinic_day", q.day_id);
  }
}

Report build_report(SQLite::Database& db, const ReportQuery& q) {
  check_report_query(db, q);
  Report rep;
  rep.query = q;
  std::map<std::string, ReportFigures> by_tw;
  auto fig = [&](const std::string& tw) -> ReportFigures& { return tw == "*" ? rep.total : by_tw[tw]; };

  each(db, q, "SELECT {TW}, COUNT(*) FROM d GROUP BY 1", "tw",
       [&](const std::string& tw, SQLite::Statement& st) { fig(tw).clinic_days = st.getColumn(1).getInt64(); });
  each(db, q, "SELECT {TW}, COUNT(*) FROM en GROUP BY 1", "tw",
       [&](const std::string& tw, SQLite::Statement& st) { fig(tw).visits = st.getColumn(1).getInt64(); });
  each(db, q, "SELECT {TW}, COALESCE(station, ''), COUNT(*) FROM en GROUP BY 1, 2", "tw",
       [&](const std::string& tw, SQLite::Statement& st) {
         fig(tw).by_station[st.getColumn(1).getString()] = st.getColumn(2).getInt64();
       });
  each(db, q,
       "SELECT {TW}, COUNT(DISTINCT patient_id) FROM (SELECT patient_id, tw FROM en UNION ALL "
       "SELECT patient_id, tw FROM sc) GROUP BY 1",
       "tw", [&](const std::string& tw, SQLite::Statement& st) { fig(tw).people = st.getColumn(1).getInt64(); });
  each(db, q,
       "SELECT {TW}, COUNT(DISTINCT p.patient_id) FROM (SELECT patient_id, tw FROM en UNION ALL "
       "SELECT patient_id, tw FROM sc) p WHERE NOT EXISTS (SELECT 1 FROM encounter e LEFT JOIN clinic_day c ON c.id = "
       "e.clinic_day_id WHERE e.patient_id = p.patient_id AND e.deleted = 0 AND COALESCE(c.date, substr(e.seen_at, 1, "
       "10)) < (SELECT COALESCE(min(date), ?2) FROM d)) AND NOT EXISTS (SELECT 1 FROM screening s LEFT JOIN clinic_day c ON c.id = "
       "s.clinic_day_id WHERE s.patient_id = p.patient_id AND s.deleted = 0 AND COALESCE(c.date, "
       "substr(s.screened_at, 1, 10)) < (SELECT COALESCE(min(date), ?2) FROM d)) GROUP BY 1",
       "tw", [&](const std::string& tw, SQLite::Statement& st) { fig(tw).new_people = st.getColumn(1).getInt64(); });
  each(db, q,
       "SELECT {TW}, COUNT(*) FROM follow_up f JOIN patient p ON p.id = f.patient_id "
       "WHERE f.deleted = 0 AND f.status = 'done' AND EXISTS (SELECT 1 FROM d WHERE d.date = f.done_date "
       "AND d.tw = substr(p.village_code, 1, 9)) GROUP BY 1",
       "substr(p.village_code, 1, 9)",
       [&](const std::string& tw, SQLite::Statement& st) { fig(tw).follow_ups_closed = st.getColumn(1).getInt64(); });
  each(db, q,
       "SELECT {TW}, COUNT(*), COUNT(DISTINCT h.household_id) FROM home_visit h JOIN d ON d.id = h.clinic_day_id "
       "WHERE h.deleted = 0 GROUP BY 1",
       "d.tw", [&](const std::string& tw, SQLite::Statement& st) {
         fig(tw).home_visits = st.getColumn(1).getInt64();
         fig(tw).households = st.getColumn(2).getInt64();
       });
  each(db, q,
       "SELECT {TW}, program_id, COUNT(*), SUM(result = 'positive'), SUM(result = 'suspected') FROM sc "
       "GROUP BY 1, 2",
       "tw", [&](const std::string& tw, SQLite::Statement& st) {
         ReportFigures& f = fig(tw);
         ReportFigures::Program p{st.getColumn(2).getInt64(), st.getColumn(3).getInt64(), st.getColumn(4).getInt64()};
         f.by_program[st.getColumn(1).getString()] = p;
         f.screenings += p.screened;
         f.positive += p.positive;
         f.suspected += p.suspected;
       });
  // A referral counts once, under the township of the day of its screening
  // or, failing that, its encounter.
  each(db, q,
       "SELECT {TW}, COUNT(*) FROM (SELECT r.id, COALESCE(sc.tw, en.tw) AS tw FROM referral r "
       "LEFT JOIN sc ON sc.id = r.screening_id LEFT JOIN en ON en.id = r.encounter_id "
       "WHERE r.deleted = 0 AND (sc.id IS NOT NULL OR en.id IS NOT NULL)) GROUP BY 1",
       "tw", [&](const std::string& tw, SQLite::Statement& st) { fig(tw).referrals = st.getColumn(1).getInt64(); });
  each(db, q,
       "SELECT {TW}, COUNT(*), SUM(f.status = 'due' AND f.due_date >= ?6), "
       "SUM(f.status = 'done'), SUM(f.status = 'overdue' OR (f.status = 'due' AND f.due_date < ?6)), "
       "SUM(f.status = 'lost') FROM follow_up f JOIN sc ON sc.id = f.screening_id WHERE f.deleted = 0 GROUP BY 1",
       "sc.tw", [&](const std::string& tw, SQLite::Statement& st) {
         auto& f = fig(tw).follow_ups;
         f.created = st.getColumn(1).getInt64();
         f.due = st.getColumn(2).getInt64();
         f.done = st.getColumn(3).getInt64();
         f.overdue = st.getColumn(4).getInt64();
         f.lost = st.getColumn(5).getInt64();
       });
  // A dispense belongs to the day named on it, or to its encounter's or home
  // visit's day.
  each(db, q,
       "SELECT {TW}, x.item_kind, COUNT(*), SUM(x.quantity), SUM(x.quantity * x.unit_value) FROM "
       "(SELECT g.item_kind, g.quantity, g.unit_value, COALESCE(g.clinic_day_id, "
       "(SELECT clinic_day_id FROM encounter WHERE id = g.encounter_id), "
       "(SELECT clinic_day_id FROM home_visit WHERE id = g.home_visit_id)) AS day_id "
       "FROM dispense g WHERE g.deleted = 0) x JOIN d ON d.id = x.day_id GROUP BY 1, 2",
       "d.tw", [&](const std::string& tw, SQLite::Statement& st) {
         ReportFigures& f = fig(tw);
         ReportFigures::Given g{st.getColumn(2).getInt64(), st.getColumn(3).getDouble(), st.getColumn(4).getDouble()};
         f.given[st.getColumn(1).getString()] = g;
         f.value += g.value;
       });

  for (auto& [code, f] : by_tw) {
    Report::Township t;
    t.code = code;
    SQLite::Statement st(db, "SELECT name FROM place WHERE code = ? AND deleted = 0 LIMIT 1");
    st.bind(1, code);
    if (st.executeStep()) t.name = st.getColumn(0).getString();
    t.figures = f;
    rep.townships.push_back(std::move(t));
  }
  return rep;
}

std::optional<DaySummary> day_summary(SQLite::Database& db, std::string_view clinic_day_id, std::string_view as_of) {
  auto day = read_record(db, *find_entity("clinic_day"), clinic_day_id);
  if (!day || (*day)["deleted"].get<bool>()) return std::nullopt;
  ReportQuery q;
  q.day_id = std::string(clinic_day_id);
  q.as_of = std::string(as_of);
  DaySummary s;
  s.day = std::move(*day);
  s.figures = build_report(db, q).total;
  return s;
}

}  // namespace yz
