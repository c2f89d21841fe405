#include "app/yizhen/chart.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app/yizhen/strings.h"
#include "app/yizhen/ui.h"
#include "core/domain/vitals.h"

namespace yz::app::ui {

namespace {

S title_of(const std::string& id) {
  if (id == "bp") return S::chart_bp;
  if (id == "glucose") return S::chart_glucose;
  if (id == "spo2") return S::chart_spo2;
  return S::chart_weight;
}

ImU32 line_colour(size_t i) {
  return i == 0 ? ImGui::GetColorU32(col_accent()) : IM_COL32(70, 80, 160, 255);
}

std::string number(double v, const VitalKind* vk) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", vk ? vk->decimals : 1, v);
  return buf;
}

}  // namespace

void VitalChartView(const VitalChart& c, Lang lang, float width) {
  ImGui::BeginGroup();
  ImGui::TextUnformatted(tr(title_of(c.id)));
  if (c.lines.size() > 1) {  // legend
    for (size_t i = 0; i < c.lines.size(); ++i) {
      const VitalKind* vk = find_vital(c.lines[i].kind);
      ImGui::SameLine();
      const ImVec2 p = ImGui::GetCursorScreenPos();
      const float h = ImGui::GetTextLineHeight();
      ImGui::GetWindowDrawList()->AddLine(ImVec2(p.x, p.y + h / 2), ImVec2(p.x + em(), p.y + h / 2), line_colour(i),
                                          3.0f);
      ImGui::Dummy(ImVec2(em() * 1.2f, h));
      ImGui::SameLine(0, 2);
      ImGui::TextUnformatted(vk ? std::string(name_in(*vk, lang)).c_str() : c.lines[i].kind.c_str());
    }
  }
  const float height = em() * 8;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(width, height + ImGui::GetTextLineHeightWithSpacing()));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float left = origin.x + em() * 3.2f, right = origin.x + width - em() * 2.8f;
  const float top = origin.y + em() * 0.5f, bottom = origin.y + height;
  dl->AddRectFilled(ImVec2(left, top), ImVec2(right, bottom), IM_COL32(255, 255, 255, 255));
  auto py = [&](double v) { return bottom - static_cast<float>((v - c.y_min) / (c.y_max - c.y_min)) * (bottom - top); };
  auto px = [&](double x) {
    return c.x_max <= 0 ? (left + right) / 2 : left + em() * 0.6f + static_cast<float>(x / c.x_max) * (right - left - em() * 1.2f);
  };
  const ImU32 muted = ImGui::GetColorU32(col_muted());
  // The bands, and their edges labelled on the axis (an edge too close to
  // one labelled already is left unlabelled: 89 under 90 reads as neither).
  std::vector<float> labelled;
  for (const ChartLine& l : c.lines) {
    if (l.low >= l.high) continue;
    const VitalKind* vk = find_vital(l.kind);
    dl->AddRectFilled(ImVec2(left, py(l.high)), ImVec2(right, py(l.low)), IM_COL32(60, 170, 90, 40));
    for (double edge : {l.low, l.high}) {
      const float y = py(edge);
      if (std::any_of(labelled.begin(), labelled.end(),
                      [&](float o) { return std::abs(o - y) < ImGui::GetTextLineHeight(); }))
        continue;
      labelled.push_back(y);
      const std::string t = number(edge, vk);
      const ImVec2 ts = ImGui::CalcTextSize(t.c_str());
      dl->AddText(ImVec2(left - ts.x - em() * 0.3f, y - ts.y / 2), muted, t.c_str());
    }
  }
  dl->AddRect(ImVec2(left, top), ImVec2(right, bottom), ImGui::GetColorU32(ImGuiCol_Border));
  const ImU32 red = ImGui::GetColorU32(col_error());
  for (size_t i = 0; i < c.lines.size(); ++i) {
    const ChartLine& l = c.lines[i];
    const VitalKind* vk = find_vital(l.kind);
    for (size_t k = 1; k < l.points.size(); ++k)
      dl->AddLine(ImVec2(px(l.points[k - 1].first), py(l.points[k - 1].second)),
                  ImVec2(px(l.points[k].first), py(l.points[k].second)), line_colour(i), 2.5f);
    for (const auto& [x, y] : l.points) {
      const bool outside = l.low < l.high && (y < l.low || y > l.high);
      dl->AddCircleFilled(ImVec2(px(x), py(y)), outside ? em() * 0.3f : em() * 0.22f, outside ? red : line_colour(i));
    }
    if (!l.points.empty()) {  // the newest value, right of the plot
      const std::string t = number(l.points.back().second, vk);
      const ImVec2 ts = ImGui::CalcTextSize(t.c_str());
      dl->AddText(ImVec2(right + em() * 0.3f, py(l.points.back().second) - ts.y / 2), line_colour(i), t.c_str());
    }
  }
  const float date_y = bottom + ImGui::GetStyle().ItemSpacing.y / 2;
  dl->AddText(ImVec2(left, date_y), muted, c.first_date.c_str());
  if (c.last_date != c.first_date) {
    const ImVec2 ts = ImGui::CalcTextSize(c.last_date.c_str());
    dl->AddText(ImVec2(right - ts.x, date_y), muted, c.last_date.c_str());
  }
  ImGui::EndGroup();
}

void BarChart(const BarGroup& g, float width) {
  ImGui::TextUnformatted(g.title.c_str());
  int64_t top = 1;
  float label_w = 0;
  for (const Bar& b : g.bars) {
    top = std::max(top, b.value);
    label_w = std::max(label_w, ImGui::CalcTextSize(b.label.c_str()).x);
  }
  label_w = std::min(label_w + em() * 0.5f, width * 0.4f);
  const float number_w = ImGui::CalcTextSize("0000 / 000").x;
  const float bar_w = std::max(width - label_w - number_w - em(), em() * 3);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float row_h = ImGui::GetTextLineHeight() * 1.5f;
  for (const Bar& b : g.bars) {
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(width, row_h));
    const float text_y = o.y + (row_h - ImGui::GetTextLineHeight()) / 2;
    // The label clipped to its column: a long programme name must not run into the bar.
    dl->PushClipRect(o, ImVec2(o.x + label_w - em() * 0.3f, o.y + row_h), true);
    dl->AddText(ImVec2(o.x, text_y), ImGui::GetColorU32(ImGuiCol_Text), b.label.c_str());
    dl->PopClipRect();
    const float x0 = o.x + label_w;
    const float len = bar_w * static_cast<float>(b.value) / static_cast<float>(top);
    const float hl = bar_w * static_cast<float>(std::min(b.highlight, b.value)) / static_cast<float>(top);
    const float y0 = o.y + row_h * 0.15f, y1 = o.y + row_h * 0.85f;
    dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x0 + len, y1), ImGui::GetColorU32(col_accent()), 3.0f);
    if (hl > 0) dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x0 + hl, y1), ImGui::GetColorU32(col_error()), 3.0f);
    std::string n = std::to_string(b.value);
    if (b.highlight > 0) n += " / " + std::to_string(b.highlight);
    dl->AddText(ImVec2(x0 + len + em() * 0.4f, text_y), ImGui::GetColorU32(ImGuiCol_Text), n.c_str());
  }
}

}  // namespace yz::app::ui
