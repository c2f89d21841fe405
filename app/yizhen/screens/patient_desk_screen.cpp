// Patient desk: search as you type, register (身份证 fills birth date and
// sex; possible duplicates shown before saving), and the patient card with
// history.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "app/yizhen/chart.h"
#include "app/yizhen/model/vital_charts.h"
#include "app/yizhen/model/vital_series.h"
#include "app/yizhen/screens/screens.h"
#include "app/yizhen/strings.h"
#include "app/yizhen/ui.h"
#include "app/yizhen/ui_native.h"
#include "core/base/messages.h"
#include "core/domain/validate.h"
#include "core/domain/vitals.h"

namespace yz::app {

namespace {

const char* sex_label(const std::string& s) { return s == "M" ? tr(S::pd_male) : s == "F" ? tr(S::pd_female) : ""; }

std::string age_text(const AppView& view, const std::string& birth) {
  if (birth.size() < 10 || view.today.empty()) return {};
  return trf(S::pd_years, age_on(birth, view.today));
}

void draw_hit_row(const PatientHit& h, const AppView& view) {
  ImGui::Text("%s", h.name.c_str());
  ImGui::SameLine();
  if (!h.name_native.empty()) {
    ui::NativeText(h.name_native);
    ImGui::SameLine();
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ui::col_muted());
  std::string line = std::string(sex_label(h.sex)) + "  " + age_text(view, h.birth_date) + "  " +
                     (h.village_code.empty() ? "" : view.place_label(h.village_code));
  ImGui::TextUnformatted(line.c_str());
  ImGui::PopStyleColor();
}

void draw_results(PatientDeskState& st, const AppView& view, AppModel& actions, float height) {
  ImGui::BeginChild("results", ImVec2(-1, height), true);
  if (st.query.empty()) {
    ui::Muted(tr(S::pd_type_to_search));
  } else if (view.hits.empty() && !view.searching) {
    ui::Muted(tr(S::pd_no_results));
  } else {
    ui::Muted(trf(view.hits_more ? S::pd_results_more : S::pd_results, static_cast<int>(view.hits.size()),
                  view.search_ms).c_str());
    const float row_h = std::max(ui::touch_h(), ui::em() * 2.6f);
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(view.hits.size()), row_h + ImGui::GetStyle().ItemSpacing.y);
    while (clipper.Step())
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const PatientHit& h = view.hits[static_cast<size_t>(i)];
        ImGui::PushID(h.id.c_str());
        const bool open = view.card && (*view.card)["patient"].value("id", "") == h.id;
        const ImVec2 pos = ImGui::GetCursorPos();
        if (ImGui::Selectable("##hit", open, 0, ImVec2(0, row_h))) {
          st.registering = false;
          st.editing = false;
          actions.open_patient(h.id);
        }
        ImGui::SetCursorPos(ImVec2(pos.x + ui::em() * 0.4f, pos.y + ui::em() * 0.2f));
        ImGui::BeginGroup();
        draw_hit_row(h, view);
        ImGui::PushStyleColor(ImGuiCol_Text, ui::col_muted());
        std::string ids = h.id_number.empty() ? std::string() : h.id_number;
        if (!h.phone.empty()) ids += (ids.empty() ? "" : "  ") + h.phone;
        ImGui::TextUnformatted(ids.c_str());
        ImGui::PopStyleColor();
        ImGui::EndGroup();
        ImGui::SetCursorPos(ImVec2(pos.x, pos.y + row_h + ImGui::GetStyle().ItemSpacing.y));
        ImGui::PopID();
      }
    clipper.End();
  }
  ui::EndChild();
}

// "还不能保存，请填写：村、…": the labels of the fields with a problem, in
// the form's order, so a problem below the fold is named where the nurse looks.
std::string missing_line(const FieldErrors& errors, Lang lang) {
  static const char* const kFields[] = {"name",        "id_number", "sex",       "birth_date",   "age",
                                        "phone",       "name_native", "ethnicity", "village_code", "consent"};
  std::string names;
  for (const char* key : kFields)
    if (errors.count(key)) names += (names.empty() ? "" : tr(S::list_sep, lang)) + patient_field_label(key, lang);
  return names.empty() ? std::string() : trf(lang, S::pd_missing, names.c_str());
}

// What a possible duplicate shares with the registration, in the UI
// language ("同名、同村"): the facts core's rule matched, each named here.
std::string dup_reasons(const DuplicateMatch& m) {
  static const std::pair<const char*, S> kFacts[] = {
      {"same_id_number", S::pd_dup_same_id},          {"same_name", S::pd_dup_same_name},
      {"same_native_name", S::pd_dup_same_native_name}, {"same_pinyin", S::pd_dup_same_pinyin},
      {"same_sex", S::pd_dup_same_sex},                {"same_birth_date", S::pd_dup_same_birth_date},
      {"same_birth_year", S::pd_dup_same_birth_year},  {"birth_year_apart", S::pd_dup_birth_year_apart},
      {"same_village", S::pd_dup_same_village},        {"same_township", S::pd_dup_same_township}};
  std::string out;
  for (const auto& fact : m.matched)
    for (const auto& [code, text] : kFacts)
      if (fact == code) out += (out.empty() ? "" : tr(S::pd_dup_sep)) + std::string(tr(text));
  return out;
}

void save_registration(PatientDeskState& st, const AppView& view, AppModel& actions) {
  if (!st.form.check(view.today)) {
    // Also in the status line: the field may be below the fold.
    actions.toast([errors = st.form.errors](Lang l) { return missing_line(errors, l); }, true);
    return;
  }
  if (!view.duplicates.empty() && !st.dup_acknowledged) return;  // shown; a second press saves
  st.saving = true;
  actions.register_patient(
      st.form,
      [&st](const std::string&) {
        st.saving = false;
        st.registering = false;
        st.form = PatientForm{};
        st.dup_acknowledged = false;
        st.village_defaulted = false;
      },
      show_refusal(st));
}

void draw_registration(PatientDeskState& st, const AppView& view, AppModel& actions) {
  PatientForm& f = st.form;
  const Lang lang = view.prefs.lang;
  ui::SectionTitle(tr(S::pd_new));
  // Below the fields, above the buttons: what is missing, why 保存登记 is
  // greyed (a possible duplicate, whose list may be below the fold: who and
  // what matched, wrapped on a narrow screen), and the keys hint.
  st.dup_blocked.clear();
  if (!view.duplicates.empty() && !st.dup_acknowledged) {
    const DuplicateHit& d = view.duplicates.front();
    std::string who = d.patient.name;
    if (!d.patient.village_code.empty()) who += " · " + view.place_label(d.patient.village_code);
    st.dup_blocked = trf(S::pd_dup_blocked, who.c_str(), dup_reasons(d.match).c_str());
  }
  const float wrap_w = ImGui::GetContentRegionAvail().x;
  const int dup_lines =
      st.dup_blocked.empty()
          ? 0
          : static_cast<int>(ImGui::CalcTextSize(st.dup_blocked.c_str(), nullptr, false, wrap_w).y /
                                 ImGui::GetTextLineHeight() +
                             0.5f);
  ui::BeginFormBody("reg_fields", 1 + (f.errors.empty() ? 0 : 1) + dup_lines);
  if (st.focus_form) {
    ImGui::SetKeyboardFocusHere();
    st.focus_form = false;
  }
  bool changed = false;
  changed |= ui::TextField(tr(S::pd_name), "##name", &f.name, f.errors, "name");
  if (ImGui::IsItemDeactivatedAfterEdit()) st.dup_checked.clear();
  if (ui::TextField(tr(S::pd_id_number), "##id", &f.id_number, f.errors, "id_number", -1,
                    ImGuiInputTextFlags_CharsUppercase | ImGuiInputTextFlags_CharsNoBlank)) {
    changed = true;
    f.on_id_number_changed(view.today);
  }
  if (f.filled_from_id) {
    ImGui::PushStyleColor(ImGuiCol_Text, ui::col_ok());
    ImGui::TextWrapped("%s: %s  %s", tr(S::pd_id_filled), f.birth_date.c_str(), sex_label(f.sex));
    ImGui::PopStyleColor();
  }
  ImGui::TextUnformatted(tr(S::pd_sex));
  if (ui::Chip(tr(S::pd_male), f.sex == "M")) f.sex = "M", changed = true;
  ImGui::SameLine();
  if (ui::Chip(tr(S::pd_female), f.sex == "F")) f.sex = "F", changed = true;
  if (auto e = f.errors.find("sex"); e != f.errors.end()) ui::ErrorLine(e->second);

  // Birth date and age side by side: both labels on one line, then both
  // fields (a label beside a field would sit lower, on its text baseline).
  const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
  const float x0 = ImGui::GetCursorPosX();
  ImGui::TextUnformatted(tr(S::pd_birth));
  ImGui::SameLine(x0 + half + ImGui::GetStyle().ItemSpacing.x);
  ImGui::TextUnformatted(tr(S::pd_age));
  ImGui::BeginGroup();
  changed |= ui::TextField(nullptr, "##birth", &f.birth_date, f.errors, "birth_date", half, 0, "YYYY-MM-DD");
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  changed |= ui::TextField(nullptr, "##age", &f.age, f.errors, "age", half, ImGuiInputTextFlags_CharsDecimal);
  ImGui::EndGroup();
  changed |= ui::TextField(tr(S::pd_phone), "##phone", &f.phone, f.errors, "phone", -1,
                           ImGuiInputTextFlags_CharsDecimal);
  const bool native_changed = ui::TextField(tr(S::pd_name_native), "##native", &f.name_native, f.errors, "name_native");
  ui::NativePreview(f.name_native, native_changed);
  changed |= native_changed;

  ImGui::TextUnformatted(tr(S::pd_ethnicity));
  for (const auto& code : common_ethnicities()) {
    if (&code != &common_ethnicities().front()) ImGui::SameLine();
    if (ImGui::GetCursorPosX() + ui::em() * 5 > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
    ImGui::PushID(code.c_str());
    if (ui::Chip(std::string(ethnicity_name(code, lang)).c_str(), f.ethnicity == code)) {
      f.ethnicity = f.ethnicity == code ? "" : code;
      changed = true;
    }
    ImGui::PopID();
  }
  if (auto e = f.errors.find("ethnicity"); e != f.errors.end()) ui::ErrorLine(e->second);

  // The village defaults to the open clinic day's (once the day is known).
  if (!st.village_defaulted && (view.day || view.prefs.day_id.empty())) {
    st.village_defaulted = true;
    if (f.village_code.empty() && view.day && view.day->value("status", "") == "open")
      f.village_code = view.day->value("place_code", "");
  }
  ImGui::TextUnformatted(tr(S::pd_village));
  if (!f.village_code.empty()) {
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, ui::col_accent());
    ImGui::TextUnformatted((view.place_label(f.village_code) + "  " + f.village_code).c_str());
    ImGui::PopStyleColor();
  }
  if (DrawVillagePicker("village", st.village, &f.village_code, view, actions, ui::touch_h() * 3.2f)) {
    changed = true;
    st.dup_checked.clear();
    f.errors.erase("village_code");
  }
  if (auto e = f.errors.find("village_code"); e != f.errors.end()) ui::ErrorLine(e->second);
  bool consent_changed = ImGui::Checkbox(tr(S::pd_consent), &f.consent);
  if (ui::CtrlPressed('y')) {
    f.consent = !f.consent;
    consent_changed = true;
  }
  if (consent_changed) {
    changed = true;
    f.errors.erase("consent");
  }
  if (f.errors.count("consent")) ui::ErrorLine(tr(S::pd_consent_required));

  // Look for duplicates when what identifies the person settles.
  const std::string key = f.name + "|" + f.name_native + "|" + f.id_number + "|" + f.sex + "|" + f.birth_date + "|" +
                          f.age + "|" + f.village_code;
  if (key != st.dup_checked && !ImGui::IsAnyItemActive() && (!f.name.empty() || f.id_number.size() == 18)) {
    st.dup_checked = key;
    st.dup_acknowledged = false;
    actions.check_duplicates(f);
  }
  if (!view.duplicates.empty()) {
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(1.0f, 0.96f, 0.88f, 1));
    ImGui::BeginChild("dups", ImVec2(-1, ui::touch_h() * (1.6f + view.duplicates.size())), true);
    ImGui::PushStyleColor(ImGuiCol_Text, ui::col_warn());
    ImGui::TextUnformatted(tr(S::pd_dup_title));
    ImGui::PopStyleColor();
    for (const auto& d : view.duplicates) {
      ImGui::PushID(d.patient.id.c_str());
      if (ui::Button(tr(S::pd_dup_open))) {
        st.registering = false;
        actions.open_patient(d.patient.id);
      }
      ImGui::SameLine();
      ImGui::AlignTextToFramePadding();
      draw_hit_row(d.patient, view);
      ImGui::SameLine();
      ui::Muted(dup_reasons(d.match).c_str());
      ImGui::PopID();
    }
    ui::EndChild();
    ImGui::PopStyleColor();
    ImGui::Checkbox(tr(S::pd_dup_save_anyway), &st.dup_acknowledged);
    // New possible duplicates come into view once, unless a field is being
    // typed in (it would scroll away under the nurse's fingers).
    std::string shown;
    for (const auto& d : view.duplicates) shown += d.patient.id + ",";
    if (shown != st.dup_shown && !ImGui::IsAnyItemActive()) {
      st.dup_shown = shown;
      ImGui::SetScrollHereY(1.0f);
    }
  } else {
    st.dup_shown.clear();
  }
  ui::EndFormBody();

  if (const std::string missing = missing_line(f.errors, ui_lang()); !missing.empty()) ui::ErrorLine(missing);
  const bool blocked = !st.dup_blocked.empty();  // made above, with the form's height
  if (blocked) {
    ImGui::PushStyleColor(ImGuiCol_Text, ui::col_warn());
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + wrap_w);
    ImGui::TextUnformatted(st.dup_blocked.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
  }
  if (blocked) ImGui::BeginDisabled();
  if (ui::PrimaryButton(st.saving ? tr(S::saving) : tr(S::pd_register), ui::em() * 9)) save_registration(st, view, actions);
  if (blocked) ImGui::EndDisabled();
  ImGui::SameLine();
  if (ui::Button(tr(S::cancel), ui::em() * 5) ) {
    st.registering = false;
    st.form = PatientForm{};
    actions.clear_draft("patient");
  }
  ui::Muted(tr(S::keys_hint));
  if (changed) f.errors.erase("name");
  const bool focused = ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows);
  const bool keys = st.village.keys_free();
  if (keys && focused && ui::EnterPressed() && !st.saving) save_registration(st, view, actions);
  if (keys && ui::EscapePressed()) {
    st.registering = false;
    st.focus_search = true;
  }
}

std::string dx_text(const json& e) {
  std::string s;
  if (e.contains("diagnoses") && e["diagnoses"].is_array())
    for (const auto& d : e["diagnoses"]) s += (s.empty() ? "" : "，") + d.value("name", "") + " " + d.value("code", "");
  return s;
}

void begin_edit(PatientDeskState& st, const AppView& view, AppModel& actions) {
  if (!view.card) return;
  st.editing = true;
  st.edit = PatientEditState{};
  st.edit.form = PatientEditForm::from_record((*view.card)["patient"]);
  if (!st.edit.form.village_code.empty()) actions.load_households(st.edit.form.village_code);
}

// Correct an encounter of the card: the encounter form, prefilled.
void correct(const json& encounter, Nav& nav) {
  nav.correct = encounter;
  nav.go = Screen::encounter;
}

void draw_card(PatientDeskState& st, const AppView& view, AppModel& actions, Nav& nav) {
  const json& h = *view.card;
  const json& p = h["patient"];
  const Lang lang = view.prefs.lang;
  ImGui::PushStyleColor(ImGuiCol_Text, ui::col_accent());
  ImGui::SetWindowFontScale(1.3f);
  ImGui::TextUnformatted(p.value("name", "").c_str());
  if (auto native = p.find("name_native"); native != p.end() && native->is_string()) {  // null when none
    ImGui::SameLine(0, ui::em());
    ui::NativeText(native->get<std::string>());
  }
  ImGui::SetWindowFontScale(1.0f);
  ImGui::PopStyleColor();
  const std::string birth = p.value("birth_date", "");
  ImGui::Text("%s  %s  %s%s", sex_label(p.value("sex", "")), age_text(view, birth).c_str(), birth.c_str(),
              p.value("birth_estimated", false) ? tr(S::pd_estimated) : "");
  auto str = [&](const char* k) { return p.contains(k) && p[k].is_string() ? p[k].get<std::string>() : std::string(); };
  if (!str("id_number").empty()) ImGui::Text("%s  %s", tr(S::pd_id_number), str("id_number").c_str());
  if (!str("phone").empty()) ImGui::Text("%s  %s", tr(S::pd_phone), str("phone").c_str());
  if (!str("village_code").empty()) ImGui::Text("%s  %s", tr(S::pd_village), view.place_label(str("village_code")).c_str());
  if (!str("ethnicity").empty())
    ImGui::Text("%s  %s", tr(S::pd_ethnicity), std::string(ethnicity_name(str("ethnicity"), lang)).c_str());
  if (!str("notes").empty()) ImGui::TextWrapped("%s%s%s", tr(S::pe_notes), tr(S::colon), str("notes").c_str());
  if (ui::PrimaryButton(tr(S::pd_new_encounter), ui::em() * 8)) nav.go = Screen::encounter;
  ImGui::SameLine();
  if (ui::Button(tr(S::pe_edit), ui::em() * 8) || ui::CtrlPressed('u')) begin_edit(st, view, actions);
  // Ctrl+R: correct the newest encounter.
  if (ui::CtrlPressed('r') && !h["encounters"].empty()) correct(h["encounters"][0], nav);

  // Follow-ups due first: that is what the team came back for.
  ui::SectionTitle(tr(S::pd_history_follow_ups));
  bool any = false;
  for (const auto& f : h["follow_ups"]) {
    any = true;
    const std::string status = f.value("status", "");
    const bool open = status == "due" || status == "overdue";
    ImGui::PushStyleColor(ImGuiCol_Text, open ? (f.value("due_date", "") < view.today ? ui::col_error() : ui::col_warn())
                                              : ui::col_muted());
    ImGui::TextWrapped("%s  %s  (%s)", f.value("due_date", "").c_str(), f.value("reason", "").c_str(),
                       std::string(word("follow_up_status", status, lang)).c_str());
    ImGui::PopStyleColor();
  }
  if (!any) ui::Muted(tr(S::pd_none));

  ui::SectionTitle(tr(S::pd_history_vitals));
  // Vitals over time: the trends charted, then one row per kind, newest value first.
  const std::vector<VitalSeries> series = vital_series(h["observations"]);
  if (series.empty()) ui::Muted(tr(S::pd_none));
  const std::vector<VitalChart> charts = vital_charts(series);
  if (!charts.empty()) {
    ui::Muted(tr(S::chart_band));
    const float avail = ImGui::GetContentRegionAvail().x;
    const float w = std::min(avail, std::max(ui::em() * 22, (avail - ImGui::GetStyle().ItemSpacing.x) / 2));
    for (size_t i = 0; i < charts.size(); ++i) {
      ui::SameLineIfFits(i == 0, w);
      ui::VitalChartView(charts[i], lang, w);
    }
  }
  if (!series.empty() && ImGui::BeginTable("vitals", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
    ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed, ui::em() * 7);
    ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthStretch);
    for (const auto& [kind, values] : series) {
      const VitalKind* vk = find_vital(kind);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(vk ? std::string(name_in(*vk, lang)).c_str() : kind.c_str());
      ImGui::TableNextColumn();
      std::string line;
      for (size_t i = 0; i < values.size() && i < 6; ++i) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s%.*f (%s)", i ? "  ←  " : "", vk ? vk->decimals : 1, values[i].second,
                      values[i].first.substr(0, 10).c_str());
        line += buf;
      }
      if (vk) line += "  " + std::string(vk->unit);
      ImGui::TextWrapped("%s", line.c_str());
    }
    ImGui::EndTable();
  }
  ui::SectionTitle(tr(S::pd_history_encounters));
  if (h["encounters"].empty()) ui::Muted(tr(S::pd_none));
  int n = 0;
  for (const auto& e : h["encounters"]) {
    if (++n > 30) break;
    ImGui::PushID(n);
    std::string head = e.value("seen_at", "").substr(0, 16) + "  " +
                       (e["station"].is_string() ? e["station"].get<std::string>() : std::string());
    if (e["supersedes_id"].is_string()) head += "  " + std::string(tr(S::pe_correction_of));
    if (e["clinician_id"].is_string())  // who saw the patient (the member signed in)
      head += "  " + trf(S::pc_clinician, view.member_name(e["clinician_id"].get<std::string>()).c_str());
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(head.c_str());
    ImGui::SameLine();
    if (ui::Button(tr(S::pe_correct))) correct(e, nav);
    const std::string dx = dx_text(e);
    auto text = [&](const char* k) { return e.contains(k) && e[k].is_string() ? e[k].get<std::string>() : std::string(); };
    ImGui::Indent();
    if (!text("complaint").empty()) ImGui::TextWrapped("%s%s%s", tr(S::en_complaint), tr(S::colon), text("complaint").c_str());
    if (!dx.empty()) ImGui::TextWrapped("%s%s%s", tr(S::en_diagnoses), tr(S::colon), dx.c_str());
    std::string meds;
    for (const auto& d : e["dispenses"])
      meds += (meds.empty() ? "" : "，") + d.value("item", "") + " ×" + std::to_string(static_cast<int>(d.value("quantity", 0.0)));
    if (!meds.empty()) ImGui::TextWrapped("%s%s%s", tr(S::en_dispense), tr(S::colon), meds.c_str());
    ImGui::Unindent();
    ImGui::PopID();
  }

  ui::SectionTitle(tr(S::pd_history_screenings));
  if (h["screenings"].empty()) ui::Muted(tr(S::pd_none));
  for (const auto& s : h["screenings"]) {
    const std::string result = s.value("result", "");
    ImGui::PushStyleColor(ImGuiCol_Text, result == "positive" ? ui::col_error() : result == "suspected" ? ui::col_warn()
                                                                                                        : ImGui::GetStyleColorVec4(ImGuiCol_Text));
    ImGui::TextWrapped("%s  %s  %s", s.value("screened_at", "").substr(0, 10).c_str(),
                       program_name(view.programs, s.value("program_id", ""), lang).c_str(),
                       std::string(word("result", result, lang)).c_str());
    ImGui::PopStyleColor();
  }
  ui::SectionTitle(tr(S::pd_history_referrals));
  if (h["referrals"].empty()) ui::Muted(tr(S::pd_none));
  for (const auto& r : h["referrals"])
    ImGui::TextWrapped("%s — %s (%s)", r.value("to_facility", "").c_str(), r.value("reason", "").c_str(),
                       std::string(word("referral_status", r.value("status", ""), lang)).c_str());
  if (!h["home_visits"].empty()) {
    ui::SectionTitle(tr(S::pd_history_home_visits));
    for (const auto& v : h["home_visits"]) ImGui::TextUnformatted(v.value("visit_date", "").c_str());
  }
  // Who changed what, when (core/queries/views.h record_changes).
  if (h.contains("changes") && !h["changes"].empty()) {
    ui::SectionTitle(tr(S::pe_history));
    auto place = [&view](const std::string& code) { return view.place_label(code); };
    ImGui::PushStyleColor(ImGuiCol_Text, ui::col_muted());
    for (const auto& c : h["changes"]) ImGui::TextWrapped("%s", change_line(c, lang, place).c_str());
    ImGui::PopStyleColor();
  }
}

}  // namespace

void BeginRegistration(PatientDeskState& st) {
  st.registering = true;
  st.focus_form = true;
  st.dup_acknowledged = false;
  st.dup_checked.clear();
  st.village_defaulted = false;
  if (st.form.empty() && !st.query.empty()) {
    // What was searched for is usually the name (or the ID number) to register.
    bool digits = std::all_of(st.query.begin(), st.query.end(), [](char c) { return (c >= '0' && c <= '9') || c == 'X' || c == 'x'; });
    if (digits && st.query.size() == 18) st.form.id_number = st.query;
    else if (!digits && static_cast<unsigned char>(st.query[0]) >= 0x80) st.form.name = st.query;
  }
}

void DrawPatientDesk(PatientDeskState& st, const AppView& view, AppModel& actions, Nav& nav) {
  const bool columns = !nav.portrait;
  const float avail_h = ImGui::GetContentRegionAvail().y;
  const float left_w = columns ? std::max(ui::em() * 18, ImGui::GetContentRegionAvail().x * 0.40f) : -1;

  // Stacked: the search and room for a result or two above the card.
  const float stacked_h = std::min(std::max(avail_h * 0.38f, ui::em() * 7.5f), avail_h * 0.6f);
  ImGui::BeginChild("desk_left", ImVec2(left_w, columns ? avail_h : stacked_h), false);
  if (st.focus_search) {
    ImGui::SetKeyboardFocusHere();
    st.focus_search = false;
  }
  // Stacked, the register button sits beside the search: the results below
  // keep the height a row of their own would take.
  const float new_w = columns ? -1 : ImGui::CalcTextSize(tr(S::pd_new)).x + ui::em() * 2;
  ImGui::SetNextItemWidth(columns ? -1 : -(new_w + ImGui::GetStyle().ItemSpacing.x));
  if (ImGui::InputTextWithHint("##search", tr(S::pd_search), &st.query)) actions.search(st.query);
  // Enter in the search opens the first result.
  if (ImGui::IsItemDeactivated() && ui::EnterPressed() && !view.hits.empty() && !view.searching) {
    st.registering = false;
    st.editing = false;
    actions.open_patient(view.hits.front().id);
  }
  if (!columns) ImGui::SameLine();
  if (ui::PrimaryButton(tr(S::pd_new), new_w)) BeginRegistration(st);
  draw_results(st, view, actions, -1);
  ui::EndChild();
  if (columns) ImGui::SameLine();

  ImGui::BeginChild("desk_right", ImVec2(-1, -1), true);
  if (st.editing && (!view.card || (*view.card)["patient"].value("id", "") != st.edit.form.patient_id))
    st.editing = false;  // another patient's card (or none) now
  if (st.registering) draw_registration(st, view, actions);
  else if (st.editing) {
    DrawPatientEdit(st.edit, view, actions);
    if (st.edit.closed) st.editing = false;
  } else if (view.card) draw_card(st, view, actions, nav);
  else ui::Muted(tr(S::pd_type_to_search));
  ui::EndChild();
}

}  // namespace yz::app
