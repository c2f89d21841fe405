// Sync: pending changes, the last successful sync, the state in plain words,
// enrolling with a server (URL, one-time code, device name) while the device
// is not enrolled, quarantined records and conflicts, "sync now" and
// "export to USB folder".
// The engine runs on its own thread and never blocks this screen: it draws
// from a copy of the engine's status taken each frame.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "app/yizhen/screens/screens.h"
#include "app/yizhen/strings.h"
#include "app/yizhen/sync_service.h"
#include "app/yizhen/ui.h"
#include "core/base/clock.h"

namespace yz::app {

namespace {
// The enrollment form; the call itself runs on SyncService's thread.
void draw_enroll(SyncScreenState& st, const AppView& view, SyncService& sync) {
  const SyncView& sv = sync.view();
  const Lang lang = view.prefs.lang;
  EnrollForm& f = st.enroll;
  f.default_device_name(view.prefs.device_name, view.device_id);
  ui::SectionTitle(tr(S::sy_enroll_title));
  ui::Muted(tr(S::sy_enroll_hint));
  const float w = std::min(ui::em() * 24, ImGui::GetContentRegionAvail().x);
  ui::TextField(tr(S::sy_server_url), "##enroll_url", &f.url, f.errors, "url", w, 0, "http://192.168.1.10:8080");
  ui::TextField(tr(S::sy_fingerprint), "##enroll_fingerprint", &f.fingerprint, f.errors, "fingerprint", w, 0,
                "sha256 …");
  ui::TextField(tr(S::sy_code), "##enroll_code", &f.code, f.errors, "code", ui::em() * 12);
  ui::TextField(tr(S::sy_device_name), "##enroll_name", &f.device_name, f.errors, "device_name", w);
  const bool enrolling = sv.enrolling;  // one value for Begin/EndDisabled
  if (enrolling) ImGui::BeginDisabled();
  const bool go = ui::PrimaryButton(enrolling ? tr(S::sy_enrolling) : tr(S::sy_enroll), ui::em() * 8);
  if (enrolling) ImGui::EndDisabled();
  if (go && f.check()) sync.enroll(f.server_url(), f.code, f.device_name, lang);
  if (!sv.enroll_error.empty()) {
    ImGui::SameLine();
    ImGui::PushTextWrapPos(0);
    ui::ErrorLine(sv.enroll_error);
    ImGui::PopTextWrapPos();
  }
}
}  // namespace

std::string quarantine_line(const QuarantineRow& q, Lang lang) {
  std::string why;
  if (q.errors.is_array())
    for (const auto& e : q.errors) why += (why.empty() ? "" : tr(S::list_sep, lang)) + error_from_json(e).plain_message(lang);
  return q.entity + " " + q.record_id.substr(0, 8) + " — " + why;
}

void DrawSync(SyncScreenState& st, const AppView& view, AppModel& actions, Nav&) {
  (void)actions;
  ui::SectionTitle(tr(S::sy_title));
  if (!st.service) {
    ui::Muted(tr(S::sy_not_available));
    return;
  }
  SyncService& sync = *st.service;  // polled by the App each frame
  const SyncView& sv = sync.view();
  const sync::SyncStatus& s = sv.status;
  const Lang lang = view.prefs.lang;
  ImGui::SetWindowFontScale(1.3f);
  ImGui::Text("%s%s%lld", tr(S::sy_pending), tr(S::colon), static_cast<long long>(std::max(s.pending, view.pending)));
  ImGui::SetWindowFontScale(1.0f);
  const bool bad = s.state == sync::SyncState::error || s.state == sync::SyncState::revoked;
  ImGui::TextUnformatted(tr(S::sy_state));
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_Text, bad ? ui::col_error() : s.state == sync::SyncState::idle ? ui::col_ok() : ui::col_warn());
  ImGui::TextWrapped("%s", sync::state_words(s.state, lang).c_str());
  ImGui::PopStyleColor();
  if (!s.server.empty()) ui::Muted(s.server.c_str());
  if (s.state == sync::SyncState::syncing) ImGui::ProgressBar(static_cast<float>(s.progress), ImVec2(ui::em() * 20, 0));
  if (!s.last_error.empty()) ui::ErrorLine(s.last_error);
  ImGui::Text("%s%s%s", tr(S::sy_last), tr(S::colon), s.last_success_ms ? datetime_of_ms(*s.last_success_ms).c_str() : tr(S::sy_never));
  if (s.next_attempt_ms) ImGui::Text("%s%s%s", tr(S::sy_next), tr(S::colon), datetime_of_ms(*s.next_attempt_ms).c_str());
  if (!sv.enrolled_team.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ui::col_ok());
    ImGui::TextWrapped("%s", trf(S::sy_enrolled_as, sv.enrolled_team.c_str(), sv.enrolled_device.substr(0, 8).c_str()).c_str());
    ImGui::PopStyleColor();
  }
  const bool need_enroll = s.state == sync::SyncState::not_enrolled || s.state == sync::SyncState::revoked;
  if (need_enroll || sv.enrolling || !sv.enroll_error.empty()) draw_enroll(st, view, sync);
  else if (ui::PrimaryButton(tr(S::sy_now), ui::em() * 8)) sync.sync_now();

  ui::SectionTitle(tr(S::sy_export));
  static const FieldErrors kNone;
  ui::TextField(tr(S::sy_export_dir), "##dir", &st.export_dir, kNone, "", ui::em() * 20);
  ImGui::SameLine();
  // export_to() sets sv.exporting within this frame: BeginDisabled and
  // EndDisabled must test the same value (ImGui asserts otherwise).
  const bool exporting = sv.exporting;
  if (exporting) ImGui::BeginDisabled();
  if (ui::Button(exporting ? tr(S::saving) : tr(S::sy_export), ui::em() * 10)) sync.export_to(st.export_dir, lang);
  if (exporting) ImGui::EndDisabled();
  if (!sv.export_result.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, sv.export_failed ? ui::col_error() : ui::col_ok());
    ImGui::TextWrapped("%s", sv.export_result.c_str());
    ImGui::PopStyleColor();
  }

  ui::SectionTitle((std::string(tr(S::sy_quarantined)) + "  " + std::to_string(std::max<int64_t>(s.quarantined, static_cast<int64_t>(sv.quarantine.size())))).c_str());
  if (sv.quarantine.empty()) ui::Muted(tr(S::pd_none));
  for (const auto& q : sv.quarantine) ImGui::TextWrapped("%s", quarantine_line(q, lang).c_str());
  ui::SectionTitle((std::string(tr(S::sy_conflicts)) + "  " + std::to_string(std::max<int64_t>(s.conflicts, static_cast<int64_t>(sv.conflicts.size())))).c_str());
  if (sv.conflicts.empty()) ui::Muted(tr(S::pd_none));
  for (const auto& c : sv.conflicts)
    ImGui::TextWrapped("%s %s.%s: %s / %s", c.entity.c_str(), c.record_id.substr(0, 8).c_str(), c.field.c_str(),
                       c.kept_value.dump().c_str(), c.other_value.dump().c_str());
}

}  // namespace yz::app
