// Encounter: station, complaint, vitals (units, out-of-range warnings, a
// numeric keypad), ICD-10 diagnoses, advice, medicines and devices from the
// day's stock (value summed), referral and follow-up, and a screening under
// any program (drawn from its definition: no program-specific code) — saved
// in one transaction; a screening can also be saved on its own.
#include <cstdio>
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "app/yizhen/model/summary.h"
#include "app/yizhen/screens/screens.h"
#include "app/yizhen/strings.h"
#include "app/yizhen/ui.h"
#include "core/care/screening.h"
#include "core/domain/dosage.h"
#include "core/domain/icd10.h"
#include "core/domain/vitals.h"

namespace yz::app {

namespace {
// The vitals a station takes most, in the order a nurse calls them out.
constexpr const char* kVitalOrder[] = {"sbp", "dbp", "pulse", "spo2", "temperature", "glucose_random",
                                       "glucose_fasting", "height", "weight", "respiration", "hemoglobin"};

void save(EncounterState& st, const AppView& view, AppModel& actions) {
  if (st.saving) return;
  if (!st.form.check(view.today)) return;
  st.saving = true;
  actions.save_encounter(
      st.form,
      [&st](const std::string&) {
        st.saving = false;
        const std::string pid = st.form.patient_id, name = st.form.patient_name, station = st.form.station,
                          day = st.form.clinic_day_id, clinician = st.form.clinician_id;
        st.form = EncounterForm{};
        // The next patient at this station keeps the station and clinician.
        st.form.station = station;
        st.form.clinic_day_id = day;
        st.form.clinician_id = clinician;
        (void)pid;
        (void)name;
        st.dx_query.clear();
        st.item_query.clear();
      },
      show_refusal(st));
}

void draw_vitals(EncounterState& st, const AppView& view) {
  const Lang lang = view.prefs.lang;
  const float cell = ui::em() * 8.5f;
  // Room for the scroll bar whether it shows or not: the first 偏高 line
  // makes the form taller, and the grid must not lose a column then.
  float avail = ImGui::GetContentRegionAvail().x;
  if (ImGui::GetScrollMaxY() <= 0) avail -= ImGui::GetStyle().ScrollbarSize;
  const int per_row = std::max(1, static_cast<int>(avail / (cell + ImGui::GetStyle().ItemSpacing.x)));
  int i = 0;
  for (const char* code : kVitalOrder) {
    const VitalKind* k = find_vital(code);
    if (!k) continue;
    if (i % per_row) ImGui::SameLine();
    ++i;
    ImGui::PushID(code);
    ImGui::BeginGroup();
    std::string label = std::string(name_in(*k, lang)) + " " + std::string(k->unit);
    ImGui::TextUnformatted(label.c_str());
    std::string& v = st.form.vitals[code];
    const auto state = EncounterForm::vital_state(code, v, lang);
    const bool bad = state.flag == EncounterForm::Flag::refused || st.form.errors.count("vital." + std::string(code));
    if (bad) ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(1.0f, 0.90f, 0.90f, 1));
    else if (state.flag != EncounterForm::Flag::none) ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(1.0f, 0.95f, 0.85f, 1));
    ImGui::SetNextItemWidth(cell);
    ImGui::InputText("##v", &v, ImGuiInputTextFlags_CharsDecimal);
    if (ImGui::IsItemActive()) st.keypad_target = code;
    if (bad || state.flag != EncounterForm::Flag::none) ImGui::PopStyleColor();
    if (bad) {
      auto e = st.form.errors.find("vital." + std::string(code));
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + cell);
      if (e != st.form.errors.end()) ui::ErrorLine(e->second);
      else ui::ErrorLine(state.message);
      ImGui::PopTextWrapPos();
    } else if (state.flag == EncounterForm::Flag::low || state.flag == EncounterForm::Flag::high) {
      ImGui::PushStyleColor(ImGuiCol_Text, ui::col_warn());
      ImGui::TextUnformatted(state.flag == EncounterForm::Flag::low ? tr(S::en_low) : tr(S::en_high));
      ImGui::PopStyleColor();
    }
    ImGui::EndGroup();
    ImGui::PopID();
  }
}



// The frequency names, in core/domain/dosage.h's order.
constexpr S kFrequencyNames[] = {S::freq_qd, S::freq_bid, S::freq_tid, S::freq_qid, S::freq_qn, S::freq_prn};

// Dose and frequency of a medicine line, under it.
void draw_dosage(DispenseLine& d, size_t i, FieldErrors& errors) {
  ImGui::Indent(ui::touch_h() * 3.3f);
  ImGui::SetNextItemWidth(ui::em() * 9);
  ImGui::InputTextWithHint("##dose", tr(S::en_dose_hint), &d.dose);
  const auto codes = frequency_codes();
  for (size_t k = 0; k < codes.size() && k < std::size(kFrequencyNames); ++k) {
    const char* name = tr(kFrequencyNames[k]);
    ui::SameLineIfFits(false, std::max(ImGui::CalcTextSize(name).x + ui::em() * 1.5f, ui::touch_h() * 1.6f));
    ImGui::PushID(static_cast<int>(k));
    const bool on = d.frequency == codes[k];
    if (ui::Chip(name, on, ui::touch_h() * 1.6f)) d.frequency = on ? std::string() : std::string(codes[k]);
    ImGui::PopID();
  }
  const std::string at = "dispense." + std::to_string(i) + ".";
  for (const char* field : {"dose", "frequency"})
    if (auto e = errors.find(at + field); e != errors.end()) ui::ErrorLine(e->second);
  ImGui::Unindent(ui::touch_h() * 3.3f);
}

void draw_program_picker(EncounterState& st, const AppView& view, const std::optional<Subject>& subject) {
  const Lang lang = view.prefs.lang;
  ui::Muted(tr(S::sc_pick));
  if (view.programs.empty() || !subject) {
    // No subject yet: a draft from before forms carried the patient's sex
    // and birth date, whose patient is being reloaded (BeginEncounter).
    ui::Muted(view.ready && subject ? tr(S::sc_no_programs) : tr(S::loading));
    return;
  }
  const auto choices = offer_programs(view.programs, *subject, lang);
  bool others = false;
  for (const auto& c : choices) {
    ImGui::PushID(c.program->id.c_str());
    if (!c.problem.empty() && !others) {
      others = true;
      ui::Muted(tr(S::sc_others));
    }
    if (!c.problem.empty()) ImGui::BeginDisabled();
    std::string label = c.program->name.in(lang);
    if (!c.problem.empty()) label += "  ·  " + c.problem;
    if (ImGui::Button(label.c_str(), ImVec2(-1, ui::touch_h()))) {
      st.form.screening.start(c.program, st.form.vitals);
      st.form.errors.clear();
    }
    if (!c.problem.empty()) ImGui::EndDisabled();
    ImGui::PopID();
  }
}

void draw_screening_field(EncounterState& st, const ProgramField& fd, Lang lang) {
  ScreeningForm& sc = st.form.screening;
  ImGui::PushID(fd.id.c_str());
  std::string label = fd.label.in(lang);
  if (!fd.unit.empty()) label += "  " + fd.unit;
  if (fd.required) label += " *";
  ImGui::TextUnformatted(label.c_str());
  switch (fd.type) {
    case AnswerType::number:
    case AnswerType::integer: {
      ImGui::SetNextItemWidth(ui::em() * 8.5f);
      ImGui::InputText("##n", &sc.typed[fd.id], ImGuiInputTextFlags_CharsDecimal);
      if (ImGui::IsItemActive()) st.keypad_target = "sc." + fd.id;
      break;
    }
    case AnswerType::boolean: {
      const auto v = sc.boolean(fd.id);
      const float w = ui::touch_h() * 1.6f;
      if (ui::Chip(tr(S::yes), v == true, w)) sc.set_boolean(fd.id, v == true ? std::nullopt : std::optional<bool>(true));
      ImGui::SameLine();
      if (ui::Chip(tr(S::no), v == false, w)) sc.set_boolean(fd.id, v == false ? std::nullopt : std::optional<bool>(false));
      break;
    }
    case AnswerType::option:
    case AnswerType::multi: {
      bool first = true;
      for (const auto& o : fd.options) {
        const std::string& text = o.label.in(lang);
        ui::SameLineIfFits(first, std::max(ImGui::CalcTextSize(text.c_str()).x + ui::em() * 1.5f, ui::touch_h() * 1.6f));
        first = false;
        ImGui::PushID(o.value.c_str());
        const bool on = fd.type == AnswerType::option ? sc.option(fd.id) == o.value : sc.has_multi(fd.id, o.value);
        if (ui::Chip(text.c_str(), on, ui::touch_h() * 1.6f)) {
          if (fd.type == AnswerType::option) sc.set_option(fd.id, o.value);
          else sc.toggle_multi(fd.id, o.value);
        }
        ImGui::PopID();
      }
      break;
    }
    case AnswerType::date:
      ImGui::SetNextItemWidth(ui::em() * 10);
      ImGui::InputTextWithHint("##d", "YYYY-MM-DD", &sc.typed[fd.id]);
      break;
    case AnswerType::text:
      ImGui::SetNextItemWidth(-1);
      ImGui::InputText("##t", &sc.typed[fd.id]);
      break;
  }
  if (auto e = sc.errors.find(fd.id); e != sc.errors.end()) ui::ErrorLine(e->second);
  else if (auto e2 = st.form.errors.find("screening." + fd.id); e2 != st.form.errors.end()) ui::ErrorLine(e2->second);
  ImGui::PopID();
}

// The live decision: result, grade, next step, referral, follow-up.
void draw_screening_result(const ScreeningForm& sc, Lang lang) {
  if (sc.problem) {
    ui::ErrorLine(sc.problem);
    return;
  }
  if (!sc.evaluation || !sc.program) return;
  const Evaluation& ev = *sc.evaluation;
  const Program& p = *sc.program;
  ImGui::Separator();
  ImVec4 colour = ev.result == "negative" ? ui::col_ok() : ev.result == "incomplete" ? ui::col_muted() : ui::col_error();
  if (const Grade* g = p.grade(ev.grade); g && g->colour.size() == 7 && g->colour[0] == '#') {
    const unsigned rgb = static_cast<unsigned>(std::strtoul(g->colour.c_str() + 1, nullptr, 16));
    colour = ImVec4(((rgb >> 16) & 0xff) / 255.0f, ((rgb >> 8) & 0xff) / 255.0f, (rgb & 0xff) / 255.0f, 1);
  }
  ImGui::TextUnformatted(tr(S::sc_result));
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  ImGui::SetWindowFontScale(1.15f);
  std::string head(result_label(ev.result, lang));
  if (!ev.grade.empty()) head += "  ·  " + p.grade_label(ev.grade, lang);
  ImGui::TextUnformatted(head.c_str());
  ImGui::SetWindowFontScale(1.0f);
  ImGui::PopStyleColor();
  for (const auto& d : p.derived) {
    auto v = ev.derived.find(d.id);
    if (v == ev.derived.end() || v->is_null()) continue;
    ImGui::Text("%s%s%s", d.label.in(lang).c_str(), tr(S::colon), p.display(d.id, *v, lang).c_str());
  }
  if (!ev.missing.empty()) {
    std::string missing;
    for (const auto& id : ev.missing)
      if (const ProgramField* f = p.field(id)) missing += (missing.empty() ? "" : "、") + f->label.in(lang);
    ImGui::PushStyleColor(ImGuiCol_Text, ui::col_warn());
    ImGui::TextWrapped("%s%s", tr(S::sc_missing), missing.c_str());
    ImGui::PopStyleColor();
  }
  if (!ev.next_step.in(lang).empty()) ImGui::TextWrapped("%s%s%s", tr(S::sc_next_step), tr(S::colon), ev.next_step.in(lang).c_str());
  if (ev.referral) {
    const S urg = ev.referral->urgency == "emergency" ? S::en_urg_emergency
                  : ev.referral->urgency == "urgent"  ? S::en_urg_urgent
                                                      : S::en_urg_routine;
    ImGui::PushStyleColor(ImGuiCol_Text, ev.referral->urgency == "routine" ? ui::col_warn() : ui::col_error());
    ImGui::TextWrapped("%s%s%s（%s）— %s", tr(S::sc_referral), tr(S::colon), ev.referral->to.in(lang).c_str(), tr(urg),
                       ev.referral->reason.in(lang).c_str());
    ImGui::PopStyleColor();
  }
  if (ev.follow_up)
    ImGui::TextWrapped("%s — %s", trf(S::sc_follow_up, ev.follow_up->days).c_str(), ev.follow_up->reason.in(lang).c_str());
  ImGui::Separator();
}

void draw_screening(EncounterState& st, const AppView& view, AppModel& actions, bool result_beside) {
  const Lang lang = view.prefs.lang;
  ScreeningForm& sc = st.form.screening;
  ui::SectionTitle(tr(S::en_screening));
  if (st.scroll_to_screening) {
    ImGui::SetScrollHereY(0.0f);
    st.scroll_to_screening = false;
  }
  const std::optional<Subject> known = encounter_subject(st.form, view.today);
  if (!sc.active() || !known) {
    draw_program_picker(st, view, known);
    return;
  }
  const Subject& subject = *known;
  sc.resolve(view.programs);
  if (!sc.program) {
    ui::Muted(tr(S::loading));
    return;
  }
  const Program& p = *sc.program;
  ImGui::PushStyleColor(ImGuiCol_Text, ui::col_accent());
  ImGui::TextUnformatted(p.name.in(lang).c_str());
  ImGui::PopStyleColor();
  ImGui::SameLine();
  if (ui::Button(tr(S::sc_change), ui::em() * 6.5f)) {
    sc.clear();
    return;
  }
  if (!p.basis.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ui::col_muted());
    ImGui::TextWrapped("%s%s%s", tr(S::sc_basis), tr(S::colon), p.basis.c_str());
    ImGui::PopStyleColor();
  }
  sc.refresh(subject);
  for (const auto& fd : p.fields)
    if (sc.visible(fd, subject)) draw_screening_field(st, fd, lang);
  // Answers changed this frame show in the result next frame at the latest.
  sc.refresh(subject);
  if (!result_beside) draw_screening_result(sc, lang);
  if (auto e = st.form.errors.find("screening"); e != st.form.errors.end()) ui::ErrorLine(e->second);

  ui::Muted(tr(S::sc_with_encounter));
  const bool busy = st.saving_screening || st.saving;
  if (busy) ImGui::BeginDisabled();
  if (ui::Button(st.saving_screening ? tr(S::saving) : tr(S::sc_save_alone), ui::em() * 9) && sc.errors.empty() &&
      !sc.problem) {
    st.saving_screening = true;
    actions.save_screening(
        sc.input(st.form.patient_id, st.form.clinic_day_id, ""),
        [&st](RecordedScreening) {
          st.saving_screening = false;
          st.form.screening.clear();
        },
        [&st](const std::vector<FieldError>& errs) {
          st.saving_screening = false;
          place_errors(errs, st.form.errors);
        });
  }
  if (busy) ImGui::EndDisabled();
}
}  // namespace

void BeginEncounter(EncounterState& st, const AppView& view) {
  if (!view.card) return;
  const json& p = (*view.card)["patient"];
  const std::string id = p.value("id", "");
  if (st.form.patient_id != id) {
    const std::string station = st.form.station, clinician = st.form.clinician_id;
    st.form = EncounterForm{};
    st.form.station = station;
    st.form.clinician_id = clinician;
    st.form.set_patient(p);
  } else if (!st.form.knows_patient()) {
    st.form.set_patient(p);  // a draft from before forms carried sex and birth date
  }
  if (view.day && view.day->value("status", "") == "open") st.form.clinic_day_id = view.day->value("id", "");
  st.focus_first = true;
}

void DrawEncounter(EncounterState& st, const AppView& view, AppModel& actions, Nav& nav) {
  EncounterForm& f = st.form;
  const Lang lang = view.prefs.lang;
  if (f.patient_id.empty()) {
    ui::Muted(tr(S::en_pick_patient));
    if (ui::PrimaryButton(tr(S::nav_patients), ui::em() * 8)) nav.go = Screen::patients;
    return;
  }
  bool enter_handled = false;
  const bool columns = !nav.portrait;
  if (!f.knows_patient() && view.card && (*view.card)["patient"].value("id", "") == f.patient_id)
    f.set_patient((*view.card)["patient"]);

  // Header: who, where.
  ImGui::PushStyleColor(ImGuiCol_Text, ui::col_accent());
  ImGui::SetWindowFontScale(1.2f);
  ImGui::TextUnformatted(f.patient_name.c_str());
  ImGui::SetWindowFontScale(1.0f);
  ImGui::PopStyleColor();
  ImGui::SameLine();
  ui::Muted(view.day ? (view.day->value("date", "") + "  " + view.place_label(view.day->value("place_code", ""))).c_str()
                     : tr(S::no_day));
  if (!f.corrects_id.empty()) {  // a correction (the patient card's 更正)
    ImGui::PushStyleColor(ImGuiCol_Text, ui::col_warn());
    ImGui::TextWrapped("%s", trf(S::pe_correcting, f.patient_name.c_str()).c_str());
    ImGui::PopStyleColor();
  }

  // The form scrolls above the save bar, in both layouts (in portrait it
  // once grew to its full height and the bar sat below two scroll areas).
  ImGui::BeginChild("enc_main", ImVec2(columns ? ImGui::GetContentRegionAvail().x * 0.62f : -1, -ui::touch_h() * 1.4f),
                    false);
  // Station chips: the day's stations, or the usual list.
  ImGui::TextUnformatted(tr(S::en_station));
  std::vector<std::string> stations;
  if (view.day && (*view.day)["stations"].is_array())
    for (const auto& s : (*view.day)["stations"]) stations.push_back(s.get<std::string>());
  if (stations.empty()) stations = yz::stations();
  for (size_t i = 0; i < stations.size(); ++i) {
    if (i) ImGui::SameLine();
    if (ImGui::GetCursorPosX() + ui::em() * 4 > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
    ImGui::PushID(static_cast<int>(i));
    if (ui::Chip(stations[i].c_str(), f.station == stations[i])) f.station = stations[i];
    ImGui::PopID();
  }

  if (st.focus_first) {
    ImGui::SetKeyboardFocusHere();
    st.focus_first = false;
  }
  ui::TextField(tr(S::en_complaint), "##complaint", &f.complaint, f.errors, "complaint");
  ui::SectionTitle(tr(S::en_vitals));
  draw_vitals(st, view);

  ui::SectionTitle(tr(S::en_diagnoses));
  for (size_t i = 0; i < f.diagnoses.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    if (ui::Button("×", ui::touch_h())) {
      f.diagnoses.erase(f.diagnoses.begin() + static_cast<long>(i));
      ImGui::PopID();
      break;
    }
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%s  %s", f.diagnoses[i].code.c_str(), f.diagnoses[i].name.c_str());
    ImGui::PopID();
  }
  ImGui::SetNextItemWidth(-1);
  const bool dx_enter = ImGui::InputTextWithHint("##dx", tr(S::en_dx_search), &st.dx_query, ImGuiInputTextFlags_EnterReturnsTrue);
  const bool dx_active = ImGui::IsItemActive() || dx_enter;
  const bool dx_hovered = ImGui::IsItemHovered();
  if (!st.dx_query.empty() || dx_active || st.dx_open) {
    auto hits = search_icd10(st.dx_query, 8);
    if (dx_enter) {
      enter_handled = true;
      if (!hits.empty()) {
        f.add_diagnosis(std::string(hits[0]->code), std::string(hits[0]->zh));
        st.dx_query.clear();
        ImGui::SetKeyboardFocusHere(-1);  // stay in the field for the next one
      }
    }
    const int picked = ui::PickList("dx_hits", dx_active, dx_hovered, st.dx_open, st.dx_query, hits.size(), [&](size_t i) {
      return std::string(hits[i]->code) + "  " + std::string(name_in(*hits[i], lang));
    });
    if (picked >= 0) {
      f.add_diagnosis(std::string(hits[static_cast<size_t>(picked)]->code), std::string(hits[static_cast<size_t>(picked)]->zh));
      st.dx_query.clear();
    }
  }

  ui::TextArea(tr(S::en_advice), "##advice", &f.advice, 2.2f);

  ui::SectionTitle(tr(S::en_dispense));
  for (size_t i = 0; i < f.dispenses.size(); ++i) {
    DispenseLine& d = f.dispenses[i];
    ImGui::PushID(static_cast<int>(i) + 1000);
    char price[32];
    std::snprintf(price, sizeof price, "%.2f", d.unit_value);
    if (ui::QuantityRow(d.quantity, d.item + "  " + d.unit + " × " + price + " = " + money(d.quantity * d.unit_value))) {
      f.dispenses.erase(f.dispenses.begin() + static_cast<long>(i));
      ImGui::PopID();
      break;
    }
    if (auto e = f.errors.find("dispense." + std::to_string(i) + ".quantity"); e != f.errors.end()) ui::ErrorLine(e->second);
    if (d.item_kind == "medicine") draw_dosage(d, i, f.errors);
    ImGui::PopID();
  }
  ImGui::SetNextItemWidth(-1);
  const bool item_enter =
      ImGui::InputTextWithHint("##item", tr(S::en_item_search), &st.item_query, ImGuiInputTextFlags_EnterReturnsTrue);
  const bool item_active = ImGui::IsItemActive() || item_enter;
  const bool item_hovered = ImGui::IsItemHovered();
  if (!st.item_query.empty() || item_active || st.item_open) {
    auto hits = search_stock(view.stock, st.item_query, 8);
    auto add = [&](const StockItem& s) {
      f.add_dispense({s.name, s.kind, s.unit, 1, s.unit_value});
      st.item_query.clear();
    };
    if (item_enter) {
      enter_handled = true;
      if (!hits.empty()) {
        add(*hits[0]);
        ImGui::SetKeyboardFocusHere(-1);
      }
    }
    const int picked =
        ui::PickList("item_hits", item_active, item_hovered, st.item_open, st.item_query, hits.size(), [&](size_t i) {
          const StockItem& s = *hits[i];
          std::string label = s.name + "  " + money(s.unit_value) + "/" + s.unit;
          auto given = view.dispensed.find(s.name);
          if (given != view.dispensed.end()) label += "   " + trf(S::en_in_stock, given->second);
          return label;
        });
    if (picked >= 0) add(*hits[static_cast<size_t>(picked)]);
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ui::col_accent());
  ImGui::TextUnformatted(trf(S::en_value_total, money(f.dispensed_value()).c_str()).c_str());
  ImGui::PopStyleColor();

  ui::SectionTitle(tr(S::en_refer));
  ImGui::Checkbox(tr(S::en_refer), &f.refer);
  if (f.refer) {
    ui::TextField(tr(S::en_refer_to), "##rto", &f.refer_to, f.errors, "referral.to_facility");
    ui::TextField(tr(S::en_refer_reason), "##rwhy", &f.refer_reason, f.errors, "referral.reason");
    ImGui::TextUnformatted(tr(S::en_urgency));
    const std::pair<const char*, S> urg[] = {{"routine", S::en_urg_routine}, {"urgent", S::en_urg_urgent}, {"emergency", S::en_urg_emergency}};
    for (size_t i = 0; i < 3; ++i) {
      if (i) ImGui::SameLine();
      if (ui::Chip(tr(urg[i].second), f.refer_urgency == urg[i].first)) f.refer_urgency = urg[i].first;
    }
  }
  ImGui::Checkbox(tr(S::en_follow_up), &f.follow_up);
  if (f.follow_up) {
    ui::TextField(tr(S::en_follow_up_date), "##fud", &f.follow_up_date, f.errors, "follow_up.due_date", ui::em() * 10, 0, "YYYY-MM-DD");
    ui::TextField(tr(S::en_follow_up_reason), "##fur", &f.follow_up_reason, f.errors, "follow_up.reason");
  }
  draw_screening(st, view, actions, columns);
  ui::EndChild();

  if (columns) {
    ImGui::SameLine();
    ImGui::BeginChild("enc_side", ImVec2(-1, -ui::touch_h() * 1.4f), true);
    ui::SectionTitle(tr(S::en_keypad));
    if (st.keypad_target.empty()) st.keypad_target = "sbp";
    // The keypad types into a vital or into a screening's number field.
    std::string* target = nullptr;
    std::string name;
    if (st.keypad_target.rfind("sc.", 0) == 0 && f.screening.program) {
      const std::string id = st.keypad_target.substr(3);
      if (const ProgramField* pf = f.screening.program->field(id)) {
        target = &f.screening.typed[id];
        name = pf->label.in(lang);
      }
    }
    if (!target) {
      if (st.keypad_target.rfind("sc.", 0) == 0) st.keypad_target = "sbp";
      const VitalKind* k = find_vital(st.keypad_target);
      target = &f.vitals[st.keypad_target];
      if (k) name = std::string(name_in(*k, lang));
    }
    ImGui::Text("%s  %s", name.c_str(), target->c_str());
    ui::Keypad("keypad", target);
    // Landscape: the screening's live result stays in view beside its fields.
    if (f.screening.active() && f.screening.program) {
      ui::SectionTitle(f.screening.program->name.in(lang).c_str());
      draw_screening_result(f.screening, lang);
    }
    ui::EndChild();
  }

  // The save bar stays at the bottom.
  if (ui::PrimaryButton(st.saving ? tr(S::saving) : tr(S::en_save), ui::em() * 9)) save(st, view, actions);
  ImGui::SameLine();
  if (ui::Button(tr(S::cancel), ui::em() * 5)) {
    st.form = EncounterForm{};
    actions.clear_draft("encounter");
    nav.go = Screen::patients;
  }
  ImGui::SameLine();
  ui::Muted(tr(S::keys_hint));
  if (!f.errors.empty()) {
    ImGui::SameLine();
    ui::ErrorLine(f.errors.begin()->second);
  }
  const bool ctrl_s = ui::CtrlPressed('s');
  if ((ui::EnterPressed() && !enter_handled && !ImGui::GetIO().KeyShift && !ImGui::IsAnyItemActive()) || ctrl_s)
    save(st, view, actions);
  if (ui::EscapePressed() && !ImGui::IsAnyItemActive()) nav.go = Screen::patients;
}

}  // namespace yz::app
