#include "core/queries/summary.h"


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
// A home visit made on no clinic day counts the same way: by its date,
// under the township of its household's village, in a team's report when
// one of its members is of the team.
constexpr const char* kScope = R"SQL(
  WITH d AS (SELECT id, substr(place_code, 1, 9) AS tw, date FROM clinic_day
             WHERE deleted = 0 AND (?1 = '' OR id = ?1) AND (?2 = '' OR date >= ?2) AND (?3 = '' OR date <= ?3)
               AND (?4 = '' OR campaign = ?4) AND (?7 = '' OR team_id = ?7)
               AND (?5 = '' OR (place_code >= ?5 AND place_code < ?8))),
  s0 AS (SELECT s.*, COALESCE(s.clinic_day_id, (SELECT clinic_day_id FROM encounter WHERE id = s.encounter_id))
                     AS day_id FROM screening s WHERE s.deleted = 0),
  sc AS (SELECT s.id, s.patient_id, s.program_id, s.result, d.tw FROM s0 s JOIN d ON d.id = s.day_id
         UNION ALL
         SELECT s.id, s.patient_id, s.program_id, s.result, substr(p.village_code, 1, 9) FROM s0 s
         JOIN patient p ON p.id = s.patient_id
         WHERE s.day_id IS NULL AND ?1 = '' AND ?4 = ''
           AND (?2 = '' OR substr(s.screened_at, 1, 10) >= ?2) AND (?3 = '' OR substr(s.screened_at, 1, 10) <= ?3)
           AND (?5 = '' OR (p.village_code >= ?5 AND p.village_code < ?8))
           AND (?7 = '' OR EXISTS (SELECT 1 FROM member m WHERE m.id = s.clinician_id AND m.team_id = ?7))),
  en AS (SELECT e.id, e.patient_id, e.station, d.tw FROM encounter e JOIN d ON d.id = e.clinic_day_id WHERE e.deleted = 0),
  hv AS (SELECT h.id, h.household_id, d.tw FROM home_visit h JOIN d ON d.id = h.clinic_day_id WHERE h.deleted = 0
         UNION ALL
         SELECT h.id, h.household_id, substr(hh.village_code, 1, 9) FROM home_visit h
         JOIN household hh ON hh.id = h.household_id
         WHERE h.deleted = 0 AND h.clinic_day_id IS NULL AND ?1 = '' AND ?4 = ''
           AND (?2 = '' OR h.visit_date >= ?2) AND (?3 = '' OR h.visit_date <= ?3)
           AND (?5 = '' OR (hh.village_code >= ?5 AND hh.village_code < ?8))
           AND (?7 = '' OR EXISTS (SELECT 1 FROM member m WHERE m.team_id = ?7 AND h.members LIKE '%' || m.id || '%')))
)SQL";

void bind_scope(SqlQuery& st, const ReportQuery& q) {
  st.bind(1, q.day_id);
  st.bind(2, q.from);
  st.bind(3, q.to);
  st.bind(4, q.campaign);
  st.bind(5, q.township);
  st.bind(6, q.as_of);
  st.bind(7, q.team_id);
  st.bind(8, q.township + "\x7f");
}

// Run `select` (after the scope CTE; its first column is the township) once
// per township and once for the total ("tw" replaced by '').
void each(SqlReader& db, const ReportQuery& q, const std::string& select, const std::string& group_col,
          const std::function<void(const std::string& tw, SqlQuery&)>& fn) {
  for (int pass = 0; pass < 2; ++pass) {
    std::string sql = select;
    const std::string key = pass == 0 ? group_col : "''";
    for (size_t pos; (pos = sql.find("{TW}")) != std::string::npos;) sql.replace(pos, 4, key);
    auto st = db.prepare(std::string(kScope) + sql);
    bind_scope(*st, q);
    while (st->step()) fn(pass == 0 ? st->text(0) : std::string("*"), *st);
  }
}

}  // namespace

void check_report_query(SqlReader& db, const ReportQuery& q) {
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
    auto st = db.prepare("SELECT 1 FROM clinic_day WHERE id = ?1 AND deleted = 0");
    st->bind(1, q.day_id);
    if (!st->step()) throw NotFound("clinic_day", q.day_id);
  }
}

Report build_report(SqlReader& db, const ReportQuery& q) {
  check_report_query(db, q);
  Report rep;
  rep.query = q;
  std::map<std::string, ReportFigures> by_tw;
  auto fig = [&](const std::string& tw) -> ReportFigures& { return tw == "*" ? rep.total : by_tw[tw]; };

  each(db, q, "SELECT {TW}, COUNT(*) FROM d GROUP BY 1", "tw",
       [&](const std::string& tw, SqlQuery& st) { fig(tw).clinic_days = st.int64(1); });
  each(db, q, "SELECT {TW}, COUNT(*) FROM en GROUP BY 1", "tw",
       [&](const std::string& tw, SqlQuery& st) { fig(tw).visits = st.int64(1); });
  each(db, q, "SELECT {TW}, COALESCE(station, ''), COUNT(*) FROM en GROUP BY 1, 2", "tw",
       [&](const std::string& tw, SqlQuery& st) {
         fig(tw).by_station[st.text(1)] = st.int64(2);
       });
  each(db, q,
       "SELECT {TW}, COUNT(DISTINCT patient_id) FROM (SELECT patient_id, tw FROM en UNION ALL "
       "SELECT patient_id, tw FROM sc) AS x GROUP BY 1",
       "tw", [&](const std::string& tw, SqlQuery& st) { fig(tw).people = st.int64(1); });
  each(db, q,
       "SELECT {TW}, COUNT(DISTINCT p.patient_id) FROM (SELECT patient_id, tw FROM en UNION ALL "
       "SELECT patient_id, tw FROM sc) p WHERE NOT EXISTS (SELECT 1 FROM encounter e LEFT JOIN clinic_day c ON c.id = "
       "e.clinic_day_id WHERE e.patient_id = p.patient_id AND e.deleted = 0 AND COALESCE(c.date, substr(e.seen_at, 1, "
       "10)) < (SELECT COALESCE(min(date), ?2) FROM d)) AND NOT EXISTS (SELECT 1 FROM screening s LEFT JOIN clinic_day c ON c.id = "
       "s.clinic_day_id WHERE s.patient_id = p.patient_id AND s.deleted = 0 AND COALESCE(c.date, "
       "substr(s.screened_at, 1, 10)) < (SELECT COALESCE(min(date), ?2) FROM d)) GROUP BY 1",
       "tw", [&](const std::string& tw, SqlQuery& st) { fig(tw).new_people = st.int64(1); });
  each(db, q,
       "SELECT {TW}, COUNT(*) FROM follow_up f JOIN patient p ON p.id = f.patient_id "
       "WHERE f.deleted = 0 AND f.status = 'done' AND EXISTS (SELECT 1 FROM d WHERE d.date = f.done_date "
       "AND d.tw = substr(p.village_code, 1, 9)) GROUP BY 1",
       "substr(p.village_code, 1, 9)",
       [&](const std::string& tw, SqlQuery& st) { fig(tw).follow_ups_closed = st.int64(1); });
  each(db, q,
       "SELECT {TW}, COUNT(*), COUNT(DISTINCT household_id) FROM hv GROUP BY 1", "tw",
       [&](const std::string& tw, SqlQuery& st) {
         fig(tw).home_visits = st.int64(1);
         fig(tw).households = st.int64(2);
       });
  each(db, q,
       "SELECT {TW}, program_id, COUNT(*), SUM(CASE WHEN result = 'positive' THEN 1 ELSE 0 END), "
       "SUM(CASE WHEN result = 'suspected' THEN 1 ELSE 0 END) FROM sc "
       "GROUP BY 1, 2",
       "tw", [&](const std::string& tw, SqlQuery& st) {
         ReportFigures& f = fig(tw);
         ReportFigures::Program p{st.int64(2), st.int64(3), st.int64(4)};
         f.by_program[st.text(1)] = p;
         f.screenings += p.screened;
         f.positive += p.positive;
         f.suspected += p.suspected;
       });
  // A referral counts once, under the township of the day of its screening
  // or, failing that, its encounter.
  each(db, q,
       "SELECT {TW}, COUNT(*) FROM (SELECT r.id, COALESCE(sc.tw, en.tw) AS tw FROM referral r "
       "LEFT JOIN sc ON sc.id = r.screening_id LEFT JOIN en ON en.id = r.encounter_id "
       "WHERE r.deleted = 0 AND (sc.id IS NOT NULL OR en.id IS NOT NULL)) AS x GROUP BY 1",
       "tw", [&](const std::string& tw, SqlQuery& st) { fig(tw).referrals = st.int64(1); });
  each(db, q,
       "SELECT {TW}, COUNT(*), SUM(CASE WHEN f.status = 'due' AND f.due_date >= ?6 THEN 1 ELSE 0 END), "
       "SUM(CASE WHEN f.status = 'done' THEN 1 ELSE 0 END), "
       "SUM(CASE WHEN f.status = 'overdue' OR (f.status = 'due' AND f.due_date < ?6) THEN 1 ELSE 0 END), "
       "SUM(CASE WHEN f.status = 'lost' THEN 1 ELSE 0 END) FROM follow_up f JOIN sc ON sc.id = f.screening_id WHERE f.deleted = 0 GROUP BY 1",
       "sc.tw", [&](const std::string& tw, SqlQuery& st) {
         auto& f = fig(tw).follow_ups;
         f.created = st.int64(1);
         f.due = st.int64(2);
         f.done = st.int64(3);
         f.overdue = st.int64(4);
         f.lost = st.int64(5);
       });
  // A dispense belongs to the day named on it, or to its encounter's or home
  // visit's day; one on a home visit made on no clinic day counts where that
  // visit does (hv: by its date, under its household's township, for its
  // members' team).
  each(db, q,
       "SELECT {TW}, y.item_kind, COUNT(*), SUM(y.quantity), SUM(y.quantity * y.unit_value) FROM "
       "(SELECT x.item_kind, x.quantity, x.unit_value, COALESCE(d.tw, hv.tw) AS tw FROM "
       "(SELECT g.item_kind, g.quantity, g.unit_value, g.home_visit_id, COALESCE(g.clinic_day_id, "
       "(SELECT clinic_day_id FROM encounter WHERE id = g.encounter_id), "
       "(SELECT clinic_day_id FROM home_visit WHERE id = g.home_visit_id)) AS day_id "
       "FROM dispense g WHERE g.deleted = 0) x LEFT JOIN d ON d.id = x.day_id "
       "LEFT JOIN hv ON x.day_id IS NULL AND hv.id = x.home_visit_id "
       "WHERE d.id IS NOT NULL OR hv.id IS NOT NULL) y GROUP BY 1, 2",
       "y.tw", [&](const std::string& tw, SqlQuery& st) {
         ReportFigures& f = fig(tw);
         ReportFigures::Given g{st.int64(2), st.real(3), st.real(4)};
         f.given[st.text(1)] = g;
         f.value += g.value;
       });

  for (auto& [code, f] : by_tw) {
    Report::Township t;
    t.code = code;
    auto st = db.prepare("SELECT name FROM place WHERE code = ?1 AND deleted = 0 LIMIT 1");
    st->bind(1, code);
    if (st->step()) t.name = st->text(0);
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
