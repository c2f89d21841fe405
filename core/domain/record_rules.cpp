#include "core/domain/record_rules.h"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "core/base/utf8.h"
#include "core/base/uuid.h"
#include "core/domain/idcard.h"
#include "core/domain/places.h"
#include "core/domain/dosage.h"
#include "core/domain/search.h"
#include "core/domain/validate.h"
#include "core/domain/vitals.h"

namespace yz {

namespace {

bool parse_number(const std::string& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(out);
}

}  // namespace

// One input value in its stored form (string, number or null), or an error.
json convert_field(const FieldSpec& f, const json& v, const std::string& today, std::vector<FieldError>& errs) {
  const std::string field(f.name);
  auto fail = [&](std::string code, std::vector<std::string> args = {}) {
    errs.push_back({field, std::move(code), std::move(args)});
    return json(nullptr);
  };
  if (v.is_null() || (v.is_string() && trim(v.get_ref<const std::string&>()).empty())) return nullptr;
  if (is_json_type(f.type)) {
    if (f.type == FieldType::json_object) {
      if (!v.is_object()) return fail("bad_type", {"a JSON object"});
      std::string dumped = v.dump();
      if (dumped.size() > 16384) return fail("too_long", {"16384"});
      return dumped;
    }
    if (!v.is_array()) return fail("bad_type", {"a list"});
    if (v.size() > 200) return fail("too_long", {"200"});
    json out = json::array();
    for (const auto& e : v) {
      if (f.type == FieldType::diagnoses) {
        if (!e.is_object() || !e.contains("code") || !e["code"].is_string() || !e.contains("name") ||
            !e["name"].is_string() || trim(e["name"].get<std::string>()).empty())
          return fail("diagnosis");
        std::string code = trim(e["code"].get<std::string>());
        for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (!is_icd10(code)) return fail("icd10", {code});
        out.push_back({{"code", code}, {"name", trim(e["name"].get<std::string>())}});
      } else {
        if (!e.is_string()) return fail("bad_type", {"a list of texts"});
        std::string s = trim(e.get<std::string>());
        if (f.type == FieldType::id_list) {
          if (!is_uuid(s)) return fail("bad_uuid", {s});
          lower_ascii_in_place(s);
        } else if (utf8_length(s) > 100) {
          return fail("too_long", {"100"});
        }
        if (!s.empty()) out.push_back(s);
      }
    }
    return out.dump();
  }

  // Scalars: accept strings for every type (forms hold text), numbers and
  // booleans where they make sense.
  std::string s;
  if (v.is_string()) s = trim(v.get_ref<const std::string&>());
  else if (v.is_number_integer()) s = std::to_string(v.get<int64_t>());
  else if (v.is_number()) s = json(v.get<double>()).dump();
  else if (v.is_boolean()) s.assign(1, v.get<bool>() ? '1' : '0');
  else return fail("bad_type", {"a single value"});

  switch (f.type) {
    case FieldType::text:
      if (utf8_length(s) > static_cast<size_t>(f.max_len)) return fail("too_long", {std::to_string(f.max_len)});
      if (field == "name" || field == "name_native" || field == "head_name")
        if (auto e = check_display_name(field, s)) return errs.push_back(*e), json(nullptr);
      return s;
    case FieldType::date:
      if (!is_real_date(s)) return fail("bad_date", {s});
      return s;
    case FieldType::past_date: {
      auto r = check_past_date(field, s, today);
      if (auto* e = std::get_if<FieldError>(&r)) return errs.push_back(*e), json(nullptr);
      return std::get<std::string>(r);
    }
    case FieldType::datetime:
      if (!is_datetime(s)) return fail("bad_datetime", {s});
      s[10] = ' ';
      return s;
    case FieldType::integer: {
      double d;
      // Whole numbers are written as such: "1e2" is refused, not read as 100.
      if (s.find_first_of("eE") != std::string::npos || !parse_number(s, d) || d != std::floor(d) ||
          std::fabs(d) > 9e15)
        return fail("bad_number", {s});
      return static_cast<int64_t>(d);
    }
    case FieldType::real: {
      double d;
      if (!parse_number(s, d)) return fail("bad_number", {s});
      return d;
    }
    case FieldType::boolean:
      if (s == "1" || s == "true" || s == "yes" || s == "是") return 1;
      if (s == "0" || s == "false" || s == "no" || s == "否") return 0;
      return fail("bad_option", {"true|false"});
    case FieldType::option: {
      std::string_view opts = f.extra;
      for (size_t start = 0; start <= opts.size();) {
        const size_t bar = opts.find('|', start);
        const std::string_view o = opts.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
        if (o == s) return s;
        if (bar == std::string_view::npos) break;
        start = bar + 1;
      }
      return fail("bad_option", {std::string(opts)});
    }
    case FieldType::ref:
      if (!is_uuid(s)) return fail("bad_uuid", {s});
      lower_ascii_in_place(s);
      return s;
    case FieldType::place_code: {
      auto r = check_place_code(field, s);
      if (auto* e = std::get_if<FieldError>(&r)) return errs.push_back(*e), json(nullptr);
      return std::get<std::string>(r);
    }
    case FieldType::phone: {
      auto r = check_phone(field, s);
      if (auto* e = std::get_if<FieldError>(&r)) return errs.push_back(*e), json(nullptr);
      return std::get<std::string>(r);
    }
    case FieldType::id_number: {
      auto r = check_id_number(s, today);
      if (r.error) return errs.push_back(*r.error), json(nullptr);
      return r.info->number;
    }
    case FieldType::ethnicity: {
      auto r = check_ethnicity(field, s);
      if (auto* e = std::get_if<FieldError>(&r)) return errs.push_back(*e), json(nullptr);
      return std::get<std::string>(r);
    }
    default:
      return fail("bad_type", {"a value"});
  }
}

void check_record_rules(const EntitySpec& spec, RecordFields& rec, const std::string& today,
                        std::vector<FieldError>& errs) {
  auto str = [&](const char* k) -> std::string {
    auto it = rec.find(k);
    return it != rec.end() && it->second.is_string() ? it->second.get<std::string>() : std::string();
  };
  if (spec.name == "patient") {
    // A 身份证 number says the birth date and sex: it fills them when they
    // are missing (or the birth date was estimated from an age) and must
    // agree with them otherwise.
    const std::string idn = str("id_number");
    if (!idn.empty())
      if (auto info = check_id_number(idn, today).info) {
        const bool estimated = rec["birth_estimated"].is_number() && rec["birth_estimated"].get<int>() != 0;
        if (str("birth_date").empty() || estimated) {
          rec["birth_date"] = info->birth_date;
          rec["birth_estimated"] = 0;
        } else if (str("birth_date") != info->birth_date) {
          errs.push_back({"birth_date", "id_birth_mismatch", {info->birth_date}});
        }
        const std::string sex(1, info->sex);
        if (str("sex").empty()) rec["sex"] = sex;
        else if (str("sex") != sex) errs.push_back({"sex", info->sex == 'M' ? "id_says_male" : "id_says_female"});
      }
  }
  auto num = [&](const char* k) -> std::optional<double> {
    auto it = rec.find(k);
    if (it == rec.end() || !it->second.is_number()) return std::nullopt;
    return it->second.get<double>();
  };
  if (spec.name == "observation") {
    const auto value = num("value");
    if (!str("kind").empty() && value && !str("unit").empty()) {
      if (auto e = check_vital(str("kind"), *value, str("unit"))) errs.push_back(*e);
      else rec["unit"] = canonical_unit(*find_vital(str("kind")), str("unit"));
    }
  } else if (spec.name == "dispense") {
    if (auto q = num("quantity"); q && *q <= 0) errs.push_back({"quantity", "not_positive"});
    if (auto v = num("unit_value"); v && *v < 0) errs.push_back({"unit_value", "negative"});
    // Dose and frequency: a medicine's alone; the dose normalised ("5mg" -> "5 mg").
    const std::string kind = str("item_kind");
    for (const char* k : {"dose", "frequency"})
      if (!str(k).empty() && !kind.empty() && kind != "medicine") errs.push_back({k, "dose_not_medicine", {kind}});
    if (const std::string dose = str("dose"); !dose.empty()) {
      auto checked = check_dose("dose", dose);
      if (auto* e = std::get_if<FieldError>(&checked)) errs.push_back(*e);
      else rec["dose"] = std::get<std::string>(checked);
    }
  } else if (spec.name == "place") {
    const std::string code = str("code"), level = str("level");
    const size_t want = level == "village" ? 12 : level == "township" ? 9 : 6;
    if (!code.empty() && !level.empty() && code.size() != want)
      errs.push_back({"code", "place_level", {level, std::to_string(want)}});
  }
  for (const auto& f : spec.fields) {
    auto it = rec.find(f.name);
    const bool reported = std::any_of(errs.begin(), errs.end(), [&](const FieldError& e) { return e.field == f.name; });
    if (f.required && !reported && (it == rec.end() || it->second.is_null()))
      errs.push_back({std::string(f.name), "required"});
  }
}

namespace {

// The patient search index (search.h) behind the store's interface.
class PatientRecordIndex final : public RecordIndex {
 public:
  explicit PatientRecordIndex(SQLite::Database& db) : indexer_(db) {}
  void index(const EntitySpec& spec, int64_t rid, const RecordFields& rec) override {
    if (spec.name != "patient") return;
    auto s = [&](const char* k) {
      auto it = rec.find(k);
      return it != rec.end() && it->second.is_string() ? it->second.get<std::string>() : std::string();
    };
    // A merged duplicate is found through its kept patient only.
    if (!s("merged_into").empty()) return indexer_.remove(rid);
    indexer_.index(rid, s("name"), s("name_native"), s("id_number"), s("phone"));
  }
  void remove(const EntitySpec& spec, int64_t rid) override {
    if (spec.name == "patient") indexer_.remove(rid);
  }

 private:
  PatientIndexer indexer_;
};

class DomainRules final : public RecordRules {
 public:
  void prepare_new(const EntitySpec& spec, json& fields, const std::string& today,
                   std::vector<FieldError>& errs) const override {
    if (spec.name != "patient" || !fields.contains("age")) return;
    if (!fields["age"].is_null()) {
      // An age instead of a birth date: estimate the birth date from it.
      const FieldSpec age_spec{"age", FieldType::integer};
      const json age = convert_field(age_spec, fields["age"], today, errs);
      const bool has_birth = fields.contains("birth_date") && !fields["birth_date"].is_null() &&
                             !(fields["birth_date"].is_string() && fields["birth_date"].get<std::string>().empty());
      if (has_birth) errs.push_back({"age", "birth_or_age"});
      else if (age.is_number()) {
        if (auto e = check_age("age", age.get<int64_t>())) errs.push_back(*e);
        else {
          fields["birth_date"] = birth_date_from_age(static_cast<int>(age.get<int64_t>()), today);
          fields["birth_estimated"] = true;
        }
      }
    }
    fields.erase("age");
  }

  json convert(const FieldSpec& f, const json& v, const std::string& today,
               std::vector<FieldError>& errs) const override {
    return convert_field(f, v, today, errs);
  }

  void check(const EntitySpec& spec, RecordFields& rec, const std::string& today,
             std::vector<FieldError>& errs) const override {
    check_record_rules(spec, rec, today, errs);
  }

  void check_local(SQLite::Database& db, const EntitySpec& spec, const RecordFields& rec, const RecordFields* before,
                   std::string_view self_id, std::vector<FieldError>& errs) const override {
    if (spec.name != "patient") return;
    auto field = [](const RecordFields* r) -> const json* {
      if (!r) return nullptr;
      const auto it = r->find("id_number");
      return it == r->end() ? nullptr : &it->second;
    };
    auto holder = [&](const std::string& number) -> std::optional<std::string> {
      SQLite::Statement st(
          db, "SELECT name FROM patient WHERE id_number = ? AND deleted = 0 AND merged_into IS NULL AND id <> ? LIMIT 1");
      st.bind(1, number);
      st.bind(2, std::string(self_id));
      if (!st.executeStep()) return std::nullopt;
      return st.getColumn(0).getString();
    };
    if (auto e = id_number_taken(field(&rec), field(before), holder)) errs.push_back(std::move(*e));
  }

  std::unique_ptr<RecordIndex> open_index(SQLite::Database& db) const override {
    return std::make_unique<PatientRecordIndex>(db);
  }

  void rebuild_index(SQLite::Database& db) const override { reindex_all_patients(db); }

  void seed_reference(SQLite::Database& db) const override { seed_reference_places(db); }
};

}  // namespace

std::optional<FieldError> id_number_taken(const json* number, const json* was, const IdNumberHolder& holder) {
  if (!number || !number->is_string()) return std::nullopt;
  if (was && *was == *number) return std::nullopt;
  if (auto name = holder(number->get<std::string>())) return FieldError{"id_number", "duplicate_id", {std::move(*name)}};
  return std::nullopt;
}

const RecordRules& record_rules() {
  static const DomainRules rules;
  return rules;
}

}  // namespace yz
