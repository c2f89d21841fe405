#include "sync/server/central_rules.h"

#include <algorithm>
#include <cctype>

#include "core/base/clock.h"
#include "core/base/hlc.h"
#include "core/base/utf8.h"
#include "core/base/uuid.h"
#include "core/store/entities.h"
#include "sync/server/teams.h"

namespace yz::sync {

namespace {

// The longest refused value a quarantine row or receipt keeps, in bytes.
constexpr size_t kKeptBytes = 4096;
constexpr size_t kKeptArgBytes = 256;

// a - b, saturated at the ends of int64 (a device may send any created_ms).
int64_t saturating_sub(int64_t a, int64_t b) {
  int64_t out = 0;
  if (!__builtin_sub_overflow(a, b, &out)) return out;
  return b < 0 ? INT64_MAX : INT64_MIN;
}

}  // namespace

std::string string_member(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json batch_receipt(const json& batch, const std::string& device_id, const std::string& server_id, int64_t received_ms,
                   int64_t applied, int64_t unchanged, int64_t conflicts, const json& quarantined) {
  return {{"format", kReceiptFormat},
          {"version", kFormatVersion},
          {"batch_id", batch["batch_id"]},
          {"device_id", device_id},
          {"seq", batch["seq"]},
          {"digest", batch["digest"]},
          {"server_id", server_id},
          {"received_ms", received_ms},
          {"received_at", datetime_of_ms(received_ms)},
          {"applied", applied},
          {"unchanged", unchanged},
          {"conflicts", conflicts},
          {"quarantined", quarantined}};
}

json batch_audit_detail(const json& batch, const std::string& source, int64_t applied, int64_t unchanged,
                        int64_t conflicts, const json& quarantined) {
  return {{"seq", batch["seq"]},
          {"source", source},
          {"applied", applied},
          {"unchanged", unchanged},
          {"conflicts", conflicts},
          {"quarantined", quarantined.size()}};
}

std::string kept_change(const json& change) {
  std::string text = change.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() <= kKeptBytes) return text;
  return json{{"entity", string_member(change, "entity")},
              {"id", string_member(change, "id")},
              {"truncated_from_bytes", text.size()},
              {"head", utf8_prefix_bytes(text, kKeptBytes / 2)}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<FieldError> kept_errors(std::vector<FieldError> errors) {
  for (auto& e : errors) {
    if (e.field.size() > kKeptArgBytes) e.field = utf8_prefix_bytes(e.field, kKeptArgBytes) + "…";
    for (auto& a : e.args)
      if (a.size() > kKeptArgBytes) a = utf8_prefix_bytes(a, kKeptArgBytes) + "…";
  }
  return errors;
}

std::optional<FieldError> rebase_stamps(json& change, const std::string& node, int64_t skew, int64_t ceiling) {
  auto fix = [&](const std::string& field, json& v) -> std::optional<FieldError> {
    if (!v.is_string()) return std::nullopt;
    auto h = Hlc::parse(v.get<std::string>());
    if (!h || h->wall_ms <= ceiling) return std::nullopt;
    if (skew > kClockAheadMs && h->node == node) {
      h->wall_ms = std::max<int64_t>(0, saturating_sub(h->wall_ms, skew));
      if (h->wall_ms <= ceiling) {
        v = h->str();
        return std::nullopt;
      }
    }
    return FieldError{field, "stamp_ahead", {utf8_prefix_bytes(v.get<std::string>(), 80), datetime_of_ms(ceiling - kClockAheadMs)}};
  };
  if (change.contains("hlc"))
    if (auto e = fix("hlc", change["hlc"])) return e;
  for (const char* clocks : {"stamps", "bases"}) {
    auto it = change.find(clocks);
    if (it == change.end() || !it->is_object()) continue;
    for (auto& [k, v] : it->items())
      if (auto e = fix(k, v)) return e;
  }
  return std::nullopt;
}

PreparedBatch prepare_batch(const json& batch, const DeviceInfo& device, int64_t received_ms,
                            const std::string& server_id) {
  PreparedBatch out;
  out.batch = &batch;
  out.device = device;
  out.received_ms = received_ms;
  out.skew = batch_skew(batch, received_ms);
  out.ceiling = received_ms + kClockAheadMs;
  const std::string today = date_of_ms(received_ms);
  const json& changes = batch["changes"];
  out.changes.resize(changes.size());
  size_t i = 0;
  std::map<std::string, json> ids;
  for (const auto& sent : changes) {
    PreparedChange& p = out.changes[i++];
    p.sent = &sent;
    p.entity = string_member(sent, "entity");
    p.id = string_member(sent, "id");
    p.facts = change_facts(sent, p.entity, p.id, server_id);
    if (find_entity(p.entity)) ids[p.entity].push_back(p.id);
    // Copied only when rebase_stamps may change it.
    if (stamp_ahead(sent, out.ceiling)) {
      p.rebased = sent;
      p.refused = rebase_stamps(*p.rebased, device.device_id, out.skew, out.ceiling);
      if (p.refused) continue;
    }
    p.checked = check_change(p.change(), today, p.outcome);
    if (p.checked) with_index_keys(*p.checked);
    else p.outcome.status = ApplyOutcome::Status::quarantined;
  }
  for (const auto& [kind, list] : ids) out.id_lists[kind] = list.dump();
  return out;
}

json CentralStore::apply_batch(const json& batch, const DeviceInfo& device, const std::string& source) {
  PreparedBatch prepared = prepare_batch(batch, device, SystemClock().now_ms(), server_id());
  return apply_prepared(prepared, source);
}

bool stamp_ahead(const json& change, int64_t ceiling) {
  // rebase_stamps' `fix` changes or refuses exactly the stamps seen here.
  auto ahead = [&](const json& v) {
    if (!v.is_string()) return false;
    const auto h = Hlc::parse(v.get_ref<const std::string&>());
    return h && h->wall_ms > ceiling;
  };
  if (!change.is_object()) return false;
  if (auto it = change.find("hlc"); it != change.end() && ahead(*it)) return true;
  for (const char* clocks : {"stamps", "bases"}) {
    auto it = change.find(clocks);
    if (it == change.end() || !it->is_object()) continue;
    for (const auto& v : *it)
      if (ahead(v)) return true;
  }
  return false;
}

int64_t batch_skew(const json& batch, int64_t received_ms) {
  auto it = batch.find("created_ms");
  if (it == batch.end() || !it->is_number_integer()) return 0;
  return saturating_sub(it->get<int64_t>(), received_ms);
}

std::string normalized_enroll_code(const std::string& code) {
  std::string out;
  for (char c : code)
    if (c != '-' && c != ' ') out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string checked_team_name(const std::string& raw) {
  const std::string name = trim(raw);
  if (name.empty() || team_name_key(name).empty()) throw CentralError(400, "bad_name", "the team name is empty");
  if (utf8_length(name) > 100) throw CentralError(400, "bad_name", "the team name is longer than 100 characters");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) throw CentralError(400, "bad_name", "the team name holds a control character");
  return name;
}

std::string enroll_code_team(const std::optional<TeamRow>& held, const std::string& name,
                             const std::string& area_code) {
  if (held) {
    if (held->name != name)
      throw CentralError(400, "name_taken",
                         "a team named \"" + held->name + "\" exists; use that name exactly, or another name");
    if (!area_code.empty() && area_code != held->area)
      throw CentralError(400, "area_differs",
                         "team \"" + held->name + "\" has area " + (held->area.empty() ? "(none)" : held->area) +
                             "; change it with: admin team set-area");
    return held->team_id;
  }
  if (area_code.empty())
    throw CentralError(400, "area_required",
                       "a new team needs --area: the GB/T 2260 code of the province, prefecture, county, "
                       "township or village it serves");
  return "";
}

CentralError bad_area(const std::string& area) {
  return CentralError(400, "bad_area", "area \"" + area + "\" " + area_code_problem(area));
}

std::string record_area(HeldRecords& held, const std::string& entity, const std::string& id, const json* inserted) {
  auto own = [&](const char* column) -> std::string {
    if (inserted) {
      auto it = inserted->find(column);
      return it != inserted->end() && it->is_string() ? it->get<std::string>() : std::string();
    }
    return held.column(entity, column, id);
  };
  auto of = [&](const char* kind, const char* column, const std::string& key) {
    return key.empty() ? std::string() : held.column(kind, column, key);
  };
  std::string area;
  if (entity == "program") return "";
  // A coordinator's decision on a quarantined change (record_id its rid):
  // in no area; its device alone finds it (changes_after).
  if (entity == "team" || entity == "member" || entity == "device" || entity == "quarantine") return kTeamOnly;
  if (entity == "place") area = own("code");
  else if (entity == "clinic_day") area = own("place_code");
  else if (entity == "household" || entity == "patient") area = own("village_code");
  else if (entity == "home_visit") area = of("household", "village_code", own("household_id"));
  else {
    area = of("patient", "village_code", own("patient_id"));
    if (area.empty() && entity == "dispense") area = of("clinic_day", "place_code", own("clinic_day_id"));
  }
  return area.empty() ? kTeamOnly : area;
}

json record_gist(HeldRecords& held, const std::string& entity, const std::string& id, const json* fields) {
  json out = json::object();
  const EntitySpec* spec = find_entity(entity);
  if (!spec) return out;
  auto own = [&](std::string_view column) {
    if (fields)
      if (auto it = fields->find(std::string(column)); it != fields->end() && it->is_string())
        return it->get<std::string>();
    return spec->field(column) ? held.column(entity, std::string(column), id) : std::string();
  };
  auto put = [&](const char* key, std::string v) {
    if (!v.empty()) out[key] = std::move(v);
  };
  if (entity == "patient" || entity == "member" || entity == "team" || entity == "place" || entity == "device")
    put("name", own("name"));
  if (entity == "household") put("name", own("head_name"));
  if (entity == "place") put("village", own("code"));
  else if (entity == "clinic_day") put("village", own("place_code"));
  else if (spec->field("village_code")) put("village", own("village_code"));
  // Whose it is: its patient, else its household (a home visit).
  if (const std::string patient = spec->field("patient_id") ? own("patient_id") : ""; !patient.empty()) {
    put("name", held.column("patient", "name", patient));
    put("village", held.column("patient", "village_code", patient));
  } else if (const std::string household =
                 spec->field("household_id") && entity != "patient" ? own("household_id") : "";
             !household.empty()) {
    put("name", held.column("household", "head_name", household));
    put("village", held.column("household", "village_code", household));
  }
  for (const auto& f : spec->fields)
    if (f.type == FieldType::date || f.type == FieldType::past_date || f.type == FieldType::datetime) {
      put("date", own(f.name));
      break;
    }
  return out;
}

ChangeFacts change_facts(const json& change, const std::string& entity, const std::string& id,
                         const std::string& server_id) {
  ChangeFacts out;
  out.spec = find_entity(entity);
  if (!out.spec || !is_uuid(id)) {
    out.spec = nullptr;
    return out;
  }
  if (entity == "team" || entity == "device") {
    out.refused = FieldError{"entity", "not_allowed", {entity}};
    return out;
  }
  if (auto it = change.find("fields"); it != change.end() && it->is_object()) {
    out.fields = &*it;
    if (auto m = it->find("merged_into"); m != it->end() && !m->is_null()) out.sets_merged_into = true;
  }
  // A device may not stamp a field the server alone changes (entities.h
  // by_server).
  if (auto it = change.find("stamps"); it != change.end() && it->is_object())
    for (const auto& [k, v] : it->items()) {
      const FieldSpec* f = out.spec->field(k);
      if (!f || !f->by_server || !v.is_string()) continue;
      if (auto h = Hlc::parse(v.get_ref<const std::string&>()); h && h->node != server_id) {
        out.refused = FieldError{k, "not_allowed", {entity + "." + k}};
        return out;
      }
    }
  return out;
}

std::optional<FieldError> authorize_change(HeldRecords& records, const DeviceInfo& device, const json& change,
                                           const std::string& server_id) {
  const std::string entity = string_member(change, "entity"), id = string_member(change, "id");
  return authorize_change(records, device, change_facts(change, entity, id, server_id), entity, id);
}

std::optional<FieldError> authorize_change(HeldRecords& records, const DeviceInfo& device, const ChangeFacts& facts,
                                           const std::string& entity, const std::string& id,
                                           std::string* area_as_sent) {
  if (!facts.spec) return std::nullopt;
  if (facts.refused) return facts.refused;
  const json* fields = facts.fields;
  const bool held = records.held(entity, id);
  // Nor send a new patient that is already merged into another.
  if (!held && facts.sets_merged_into && entity == "patient")
    return FieldError{"merged_into", "not_allowed", {"patient.merged_into"}};
  if (entity == "member") {
    // Staff belong to their team: a device may add and edit its own only.
    const std::string stored = held ? records.column("member", "team_id", id) : std::string();
    const std::string sent = fields ? string_member(*fields, "team_id") : stored;
    if ((held && stored != device.team_id) || (fields && sent != device.team_id))
      return FieldError{"team_id", "not_allowed", {"another team's member"}};
    return std::nullopt;
  }
  auto outside = [&](const std::string& area, bool stored) -> std::optional<FieldError> {
    if (area == kTeamOnly) {
      if (!stored) return std::nullopt;
      // A record with no place belongs to the team that last changed it.
      const std::string owner = records.feed_team(entity, id);
      if (owner.empty() || owner == device.team_id) return std::nullopt;
      return FieldError{"area", "outside_area", {device.team_area, "another team's record"}};
    }
    if (area_covers(device.team_area, area)) return std::nullopt;
    return FieldError{"area", "outside_area", {device.team_area.empty() ? "none" : device.team_area, area}};
  };
  // As held here (changing or deleting another area's record) ...
  if (held)
    if (auto e = outside(record_area(records, entity, id, nullptr), true)) return e;
  // ... and as it would be (creating one there, or moving one there).
  if (fields) {
    std::string area = record_area(records, entity, id, fields);
    if (auto e = outside(area, false)) return e;
    if (area_as_sent) *area_as_sent = std::move(area);
  }
  return std::nullopt;
}

json duplicate_pairs_json(const std::vector<DuplicatePair>& pairs) {
  json out = json::array();
  for (const auto& p : pairs) {
    json row = {{"score", p.match.score}, {"reason", p.match.reason}, {"detail", p.match.detail}};
    for (const auto& [side, f] : {std::pair{"a", &p.a}, std::pair{"b", &p.b}}) {
      const std::string s(side);
      row[s + "_id"] = f->id;
      row[s + "_name"] = f->name;
      row[s + "_sex"] = f->sex;
      row[s + "_birth_date"] = f->birth_date;
      row[s + "_village"] = f->village_code;
    }
    out.push_back(std::move(row));
  }
  return out;
}

json patient_hits_json(const std::vector<PatientHit>& hits) {
  json out = json::array();
  for (const auto& h : hits)
    out.push_back({{"id", h.id}, {"name", h.name}, {"name_native", h.name_native}, {"sex", h.sex},
                   {"birth_date", h.birth_date}, {"id_number", h.id_number}, {"phone", h.phone},
                   {"village_code", h.village_code}});
  return out;
}

namespace {

json export_audit(json filters, const ExportSummary& s, IdNumbers ids) {
  for (auto it = filters.begin(); it != filters.end();)
    it = (it->is_string() && it->get<std::string>().empty()) ? filters.erase(it) : std::next(it);
  return {{"filters", filters}, {"path", s.path}, {"rows", s.rows}, {"ids_masked", ids == IdNumbers::masked}};
}

}  // namespace

json screening_list_audit(const ScreeningListQuery& q, const ExportSummary& s, IdNumbers ids) {
  return export_audit({{"program", q.program}, {"result", q.result}, {"township", q.township}, {"from", q.from}, {"to", q.to}},
                      s, ids);
}

json follow_ups_audit(const WorklistQuery& q, const ExportSummary& s, IdNumbers ids) {
  return export_audit(
      {{"place", q.place}, {"from", q.from}, {"to", q.until}, {"statuses", q.statuses}, {"program", q.program}}, s, ids);
}

}  // namespace yz::sync
