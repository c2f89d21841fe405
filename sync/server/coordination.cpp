#include "sync/server/coordination.h"

#include <algorithm>

#include "core/base/clock.h"
#include "core/base/errors.h"
#include "core/base/utf8.h"
#include "core/care/transitions.h"
#include "core/store/entities.h"
#include "core/store/rules.h"
#include "sync/server/central_rules.h"

namespace yz::sync {

namespace {

// An open conflict row, or CentralError 404 no_conflict / 409 closed.
ConflictRow open_conflict(CoordinationSteps& steps, int64_t rid) {
  const auto c = steps.conflict(rid);
  if (!c) throw CentralError(404, "no_conflict", "no conflict " + std::to_string(rid) + " (see admin conflicts)");
  if (c->resolved_ms != 0)
    throw CentralError(409, "closed",
                       "conflict " + std::to_string(rid) + " was closed at " + datetime_of_ms(c->resolved_ms) + " (" +
                           (c->resolution.is_object() ? c->resolution.value("by", std::string("?")) : std::string("?")) +
                           ")");
  return *c;
}

// An open quarantine row, or CentralError 404 no_quarantine / 409 closed.
QuarantineRow open_quarantine(CoordinationSteps& steps, int64_t rid) {
  auto q = steps.quarantine(rid);
  if (!q) throw CentralError(404, "no_quarantine", "no quarantine row " + std::to_string(rid) + " (see admin quarantine)");
  if (q->resolved_ms != 0)
    throw CentralError(409, "closed", "quarantine row " + std::to_string(rid) + " was closed (" +
                                          (q->outcome.empty() ? "accepted" : q->outcome) + ") at " +
                                          datetime_of_ms(q->resolved_ms));
  return *q;
}

// A coordinator's edit of one field of a held record (resolve,
// correct-status): `value` as typed (JSON for list and object fields), made
// as a server change. A status moved where its transition table does not go
// needs `reason`. {"entity", "id", "field", "value" (as stored), "hlc",
// "from" (statuses only)}.
json set_field(CoordinationSteps& steps, const std::string& entity, const std::string& id, const std::string& field,
               const std::string& value, const std::string& reason) {
  const EntitySpec* spec = find_entity(entity);
  const FieldSpec* f = spec ? spec->field(field) : nullptr;
  if (!f || !f->editable || spec->append_only)
    throw CentralError(400, "not_editable", field + " of a " + entity + " cannot change");
  const std::optional<json> held = steps.read(*spec, id);
  if (!held) throw CentralError(404, "not_found", "no " + entity + " " + id);
  if ((*held)["deleted"] == true) throw CentralError(409, "deleted", entity + " " + id + " was deleted");
  json typed = value;
  if (is_json_type(f->type)) {
    typed = json::parse(value, nullptr, false);
    if (typed.is_discarded()) throw ValidationError(FieldError{field, "bad_type", {"JSON"}});
  }
  json out = {{"entity", entity}, {"id", id}, {"field", field}};
  if (f->status) {
    const json& from = (*held)["fields"][field];
    const auto& known = statuses_of(entity);
    const bool is_status = std::find(known.begin(), known.end(), value) != known.end();
    if (from.is_string() && is_status && from != value && !transition_allowed(entity, from.get<std::string>(), value) &&
        reason.empty())
      throw CentralError(400, "reason_required",
                         "--reason: required to move a " + entity + "'s status from " + from.get<std::string>() +
                             " to " + value + ", which its transition table does not allow");
    out["from"] = from;
  }
  steps.update(entity, id, {{field, typed}});
  const json after = steps.read(*spec, id).value_or(json::object());
  out["value"] = after.contains("fields") ? after["fields"].value(field, json()) : json();
  out["hlc"] = after.contains("stamps") ? after["stamps"].value(field, std::string()) : std::string();
  return out;
}

}  // namespace

json conflict_json(const ConflictRow& c) {
  json row = {{"conflict_id", c.rid},      {"entity", c.entity},       {"id", c.record_id},
              {"field", c.field},          {"kept", c.kept_value},     {"kept_hlc", c.kept_hlc},
              {"other", c.other_value},    {"other_hlc", c.other_hlc}, {"at", datetime_of_ms(c.at_ms)}};
  if (c.resolved_ms != 0) row.update({{"closed_at", datetime_of_ms(c.resolved_ms)}, {"resolution", c.resolution}});
  return row;
}

json quarantine_json(const QuarantineRow& q) {
  std::string reason, reason_zh;
  if (q.errors.is_array())
    for (const auto& e : q.errors) {
      reason += (reason.empty() ? "" : "; ") + error_from_json(e).plain_message(Lang::en);
      reason_zh += (reason_zh.empty() ? "" : "；") + error_from_json(e).plain_message(Lang::zh);
    }
  return {{"quarantine_id", q.rid}, {"entity", q.entity}, {"id", q.record_id},   {"batch_id", q.batch_id},
          {"device_id", q.device_id}, {"reason", reason}, {"reason_zh", reason_zh}, {"errors", q.errors},
          {"change", q.change},       {"at", datetime_of_ms(q.at_ms)}};
}

json resolve_conflict(CoordinationSteps& steps, int64_t conflict_id, const std::string& value,
                      const std::string& reason, const AuditBy& by) {
  const std::string why = trim(reason);
  const ConflictRow c = open_conflict(steps, conflict_id);
  json out = set_field(steps, c.entity, c.record_id, c.field, value, why);
  json resolution = {{"by", by.actor}, {"value", out["value"]}, {"hlc", out["hlc"]}};
  if (!why.empty()) resolution["reason"] = why;
  steps.close_conflict(conflict_id, resolution);
  json detail = {{"verb", "resolve"}, {"entity", c.entity}, {"record_id", c.record_id}, {"field", c.field}};
  if (out.contains("from")) detail.update({{"from", out["from"]}, {"to", out["value"]}});
  if (!why.empty()) detail["reason"] = why;
  steps.audit(by, "update", "conflict", std::to_string(conflict_id), detail);
  out["conflict_id"] = conflict_id;
  return out;
}

json correct_status(CoordinationSteps& steps, const std::string& entity, const std::string& id,
                    const std::string& status, const std::string& reason, const AuditBy& by) {
  if (entity != "referral" && entity != "follow_up")
    throw CentralError(400, "bad_entity", "ENTITY: referral or follow_up, not \"" + entity + "\"");
  const std::string why = trim(reason);
  if (why.empty()) throw CentralError(400, "reason_required", "--reason: required to correct a status");
  json out = set_field(steps, entity, id, "status", status, why);
  steps.audit(by, "update", entity.c_str(), id,
              {{"verb", "correct-status"}, {"field", "status"}, {"from", out.value("from", json())}, {"to", out["value"]},
               {"reason", why}});
  return out;
}

json retry_quarantined(CoordinationSteps& steps, int64_t quarantine_id, const AuditBy& by) {
  const QuarantineRow q = open_quarantine(steps, quarantine_id);
  const std::string qid = "quarantine " + std::to_string(quarantine_id);
  if (!q.change.is_object() || q.change.contains("truncated_from_bytes"))
    throw CentralError(409, "not_kept", qid + " kept only part of its change (over 4 KiB): the device must send it again");
  const auto device = steps.device(q.device_id);
  if (!device) throw CentralError(409, "no_device", qid + " came from device " + q.device_id + ", no longer enrolled");
  const ApplyOutcome o = steps.apply_as(*device, q.change);
  if (o.status == ApplyOutcome::Status::quarantined)
    throw CentralError(409, "still_refused", qid + " is still refused: " + o.errors.front().message(Lang::en), o.errors);
  if (o.status != ApplyOutcome::Status::unchanged) {
    // Made on a patient merged since it was set aside: it joins the kept
    // patient, as it would have had it been taken in then; and what was
    // taken "team only" because it named this record goes to its area.
    follow_merges(steps, o.entity, o.id);
    feed_dependents_again(steps, o.entity, o.id);
  }
  steps.close_quarantine(q, "retried", "", true);
  const char* status = o.status == ApplyOutcome::Status::inserted  ? "inserted"
                       : o.status == ApplyOutcome::Status::updated ? "updated"
                                                                    : "unchanged";
  steps.audit(by, "update", "quarantine", std::to_string(quarantine_id),
              {{"verb", "retry"}, {"entity", q.entity}, {"record_id", q.record_id}, {"device_id", q.device_id},
               {"status", status}});
  return {{"quarantine_id", quarantine_id}, {"entity", q.entity}, {"id", q.record_id}, {"outcome", "retried"},
          {"status", status}};
}

void feed_dependents_again(CoordinationSteps& steps, const std::string& entity, const std::string& id, bool moved) {
  if (!is_area_parent(entity)) return;
  for (const EntitySpec* spec : entities())
    for (const auto& f : spec->fields)
      if (f.type == FieldType::ref && f.extra == entity)
        for (const auto& dependent : steps.live_ids(*spec, f, id))
          steps.feed_again(std::string(spec->name), dependent, moved);
}

json discard_quarantined(CoordinationSteps& steps, int64_t quarantine_id, const std::string& reason,
                         const AuditBy& by) {
  const std::string why = trim(reason);
  if (why.empty()) throw CentralError(400, "reason_required", "--reason: required to discard a quarantined change");
  const QuarantineRow q = open_quarantine(steps, quarantine_id);
  steps.close_quarantine(q, "discarded", why, false);
  steps.audit(by, "update", "quarantine", std::to_string(quarantine_id),
              {{"verb", "discard"}, {"entity", q.entity}, {"record_id", q.record_id}, {"device_id", q.device_id},
               {"reason", why}});
  return {{"quarantine_id", quarantine_id}, {"entity", q.entity}, {"id", q.record_id}, {"outcome", "discarded"},
          {"reason", why}};
}

// The store's members: each decision in one write transaction of the store.
json CentralStore::resolve_conflict(int64_t conflict_id, const std::string& value, const std::string& reason,
                                    const AuditBy& by) {
  return coordinate([&](CoordinationSteps& s) { return yz::sync::resolve_conflict(s, conflict_id, value, reason, by); });
}
json CentralStore::correct_status(const std::string& entity, const std::string& id, const std::string& status,
                                  const std::string& reason) {
  return coordinate(
      [&](CoordinationSteps& s) { return yz::sync::correct_status(s, entity, id, status, reason, AuditBy{}); });
}
json CentralStore::retry_quarantined(int64_t quarantine_id, const AuditBy& by) {
  return coordinate([&](CoordinationSteps& s) { return yz::sync::retry_quarantined(s, quarantine_id, by); });
}
json CentralStore::retry_quarantined(const std::vector<int64_t>& ids, const AuditBy& by) {
  int64_t retried = 0, left = 0;
  for (const int64_t id : ids) {
    try {
      retry_quarantined(id, by);
      ++retried;
    } catch (const CentralError& e) {
      // Still refused, kept only in part, its device gone, or closed by
      // another coordinator meanwhile: left as it is.
      if (e.status() != 409) throw;
      ++left;
    }
  }
  return {{"retried", retried}, {"left", left}};
}
json CentralStore::discard_quarantined(int64_t quarantine_id, const std::string& reason, const AuditBy& by) {
  return coordinate([&](CoordinationSteps& s) { return yz::sync::discard_quarantined(s, quarantine_id, reason, by); });
}

}  // namespace yz::sync
