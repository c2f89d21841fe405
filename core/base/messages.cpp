#include "core/base/messages.h"

#include <array>

namespace yz {
namespace {

struct Entry {
  std::string_view code, zh, en;
};

// Kept as one table so a translator sees both languages side by side.
constexpr std::array kMessages{
    Entry{"required", "不能为空", "is required"},
    Entry{"unknown_field", "不是可识别的字段", "is not a known field"},
    Entry{"unknown_entity", "“{}”不是可识别的记录类型", "\"{}\" is not a kind of record"},
    Entry{"not_editable", "保存后不能修改", "cannot be changed after it is saved"},
    Entry{"bad_hlc", "应为时间戳（HLC），收到 {}", "must be a change stamp (HLC), got {}"},
    Entry{"bad_type", "应为{}", "must be {}"},
    Entry{"too_long", "太长（最多 {} 个字符）", "is too long (at most {} characters)"},
    Entry{"bad_option", "应为以下之一：{}", "must be one of: {}"},
    Entry{"bad_date", "日期格式应为 YYYY-MM-DD，收到“{}”", "must be a date as YYYY-MM-DD, got \"{}\""},
    Entry{"bad_datetime", "时间格式应为 YYYY-MM-DD HH:MM，收到“{}”",
          "must be a time as YYYY-MM-DD HH:MM, got \"{}\""},
    Entry{"date_future", "不能晚于今天（{}）", "cannot be in the future (today is {})"},
    Entry{"date_too_old", "早于 {}，不合理", "is before {}, which is not plausible"},
    Entry{"age_range", "年龄应在 0–120 岁之间，收到 {}", "must be an age from 0 to 120, got {}"},
    Entry{"out_of_range", "{} 超出合理范围 {}–{} {}", "{} is outside the plausible range {}–{} {}"},
    Entry{"not_positive", "应大于 0", "must be greater than 0"},
    Entry{"negative", "不能为负数", "cannot be negative"},
    Entry{"bad_dose", "剂量应为数值加单位，如“5 mg”“1 片”“1-2 粒”，收到“{}”",
          "must be an amount and a unit, like \"5 mg\", \"1 片\" or \"1-2 粒\", got \"{}\""},
    Entry{"dose_not_medicine", "只有药品才有剂量和用法（此项为 {}）", "only a medicine has a dose and frequency (this is a {})"},
    Entry{"bad_unit", "单位应为 {}，收到“{}”", "unit must be {}, got \"{}\""},
    Entry{"unknown_kind", "未知的测量项目“{}”", "\"{}\" is not a known measurement"},
    Entry{"id_length", "身份证号应为 18 位，收到 {} 位", "must be 18 characters, got {}"},
    Entry{"id_chars", "前 17 位应为数字，最后一位为数字或 X", "must be 17 digits then a digit or X"},
    Entry{"id_region", "地区码 {} 不是有效的省级代码", "region code {} is not a valid province"},
    Entry{"id_birth", "其中的出生日期 {} 不是有效日期", "holds the birth date {}, which is not a real date"},
    Entry{"id_birth_future", "其中的出生日期 {} 晚于今天", "holds the birth date {}, which is in the future"},
    // Not "change the last digit": a typo anywhere breaks the check digit.
    Entry{"id_checksum", "校验不符：可能任一位输错（不一定是最后一位），请与证件逐位核对（按前 17 位，末位应为 {}）",
          "does not add up: any digit may be mistyped, not only the last; check each one against the card (from the "
          "first 17, the last would be {})"},
    Entry{"id_says_male", "与身份证号不符（身份证号为男性）", "does not match the ID number, which is a man's"},
    Entry{"id_says_female", "与身份证号不符（身份证号为女性）", "does not match the ID number, which is a woman's"},
    Entry{"duplicate_id", "该身份证号已登记给 {}", "is already registered to {}"},
    Entry{"place_level", "{} 的代码应为 {} 位", "a {} code has {} digits"},
    Entry{"id_birth_mismatch", "与身份证号不符（身份证为 {}）", "does not match the ID number (which says {})"},
    Entry{"phone", "应为 11 位手机号（1 开头）或带区号的固话，收到“{}”",
          "must be an 11-digit mobile number starting with 1, or a landline with area code, got \"{}\""},
    Entry{"place_code", "应为 6、9 或 12 位行政区划代码，收到“{}”",
          "must be a 6, 9 or 12-digit division code, got \"{}\""},
    Entry{"ethnicity", "应为 GB 3304 民族代码（01–56、97、98），收到“{}”",
          "must be a GB 3304 ethnicity code (01-56, 97, 98), got \"{}\""},
    Entry{"ref_missing", "指向不存在的记录（{} {}）", "refers to a record that does not exist ({} {})"},
    Entry{"birth_or_age", "请填写出生日期或年龄（只填一项）", "give a birth date or an age: one of the two"},
    Entry{"bad_number", "应为数字，收到“{}”", "must be a number, got \"{}\""},
    Entry{"bad_uuid", "应为记录编号（UUID），收到“{}”", "must be a record id (UUID), got \"{}\""},
    Entry{"diagnosis", "诊断应包含 ICD-10 编码和名称", "each diagnosis needs an ICD-10 code and a name"},
    Entry{"icd10", "“{}”不是有效的 ICD-10 编码", "\"{}\" is not a valid ICD-10 code"},
    Entry{"deleted", "该记录已删除", "this record was deleted"},
    // Screening programs, follow-ups, exports and reports.
    Entry{"bad_program", "筛查方案定义有误：{}：{}", "bad program definition: {}: {}"},
    Entry{"program_changed", "筛查方案 {} 第 {} 版已存在且内容不同（新内容须用新版本号）",
          "program {} version {} already exists with a different body (publish a new version)"},
    Entry{"unknown_program", "未知的筛查方案“{}”", "\"{}\" is not a known screening program"},
    Entry{"unknown_program_version", "未知的筛查方案版本 {} 第 {} 版", "unknown program version {} v{}"},
    Entry{"not_eligible_age", "{} 岁不在“{}”的筛查年龄 {}–{} 岁内", "age {} is outside the ages of {} ({}-{})"},
    Entry{"not_eligible_sex", "“{}”只筛查性别为 {} 的人", "{} screens only sex {}"},
    Entry{"not_eligible", "不符合“{}”的筛查条件（{}）", "does not meet the conditions of {} ({})"},
    Entry{"not_integer", "应为整数，收到“{}”", "must be a whole number, got \"{}\""},
    Entry{"not_boolean", "应为是或否，收到 {}", "must be yes or no, got {}"},
    Entry{"not_list", "应为选项列表", "must be a list of options"},
    Entry{"not_text", "应为文字", "must be text"},
    Entry{"not_object", "应为 JSON 对象", "must be a JSON object"},
    Entry{"bad_transition", "不能从“{}”改为“{}”", "cannot go from \"{}\" to \"{}\""},
    Entry{"status_field", "只能通过相应操作更改（如完成随访、关闭义诊日）",
          "is changed only by its action (complete a follow-up, close a clinic day, …)"},
    Entry{"not_initial_status", "新记录的状态只能是“{}”，收到“{}”；之后的状态通过相应操作更改",
          "a new record starts as \"{}\", got \"{}\"; its status then moves by its action"},
    Entry{"not_due_yet", "应随访日期 {} 未到（今天 {}），不能标为逾期", "is not overdue: due {}, today is {}"},
    Entry{"date_before", "不能早于 {}", "cannot be before {}"},
    Entry{"date_order", "开始日期 {} 晚于结束日期 {}", "start date {} is after end date {}"},
    Entry{"cannot_write", "无法写入“{}”：{}", "cannot write \"{}\": {}"},
    Entry{"day_or_dates", "请给出某一天（--day）或日期范围（--from/--to），不能同时给出",
          "give either --day or --from/--to, not both"},
    Entry{"bad_format", "格式应为 {}，收到“{}”", "format must be {}, got \"{}\""},
    // Sync authorization (sync/server): why the server set a pushed change aside.
    Entry{"not_allowed", "{} 记录由服务器管理，设备不能修改", "{} records are server configuration; a device cannot change them"},
    Entry{"outside_area", "不在本队的地区（{}）内：{}", "is outside the team's area ({}): {}"},
    Entry{"control_char", "含有控制字符 {}", "holds a control character ({})"},
    Entry{"bidi_control", "含有改变文字方向的字符 {}", "holds a text-direction override ({})"},
    Entry{"invisible_text", "没有可见的文字", "has no visible characters"},
    Entry{"stamp_ahead", "时间戳 {} 超前于服务器时间 {}", "stamp {} is ahead of the server's time {}"},
    // Teams and places set up in the field (core/care/team.h, places.h).
    Entry{"unknown_place", "未知的地点代码“{}”", "\"{}\" is not a known place code"},
    Entry{"not_county", "“{}”不是县级行政区", "\"{}\" is not a county-level division"},
    Entry{"place_parent", "只能在县下添加乡镇、在乡镇下添加村，“{}”不是县或乡镇",
          "a township goes under a county and a village under a township; \"{}\" is neither"},
    Entry{"place_exists", "“{}”已存在（{}）", "\"{}\" already exists ({})"},
    Entry{"team_exists", "本机已有医疗队“{}”", "this device already has a team (\"{}\")"},
    Entry{"no_team", "本机还没有医疗队，请先建立（yizhenctl team init）",
          "this device has no team yet (create one: yizhenctl team init)"},
    Entry{"place_line", "第 {} 行：{}", "line {}: {}"},
    // Home visits (core/care/home_visit.h).
    Entry{"household_twice", "只能选择已有的户或新建一户，不能两者都填",
          "name either an existing household or a new one, not both"},
    // Staff PINs (core/care/staff_pin.h).
    Entry{"pin_format", "应为 4–8 位数字", "must be 4 to 8 digits"},
    Entry{"pin_wrong", "PIN 不对", "is not this member's PIN"},
    Entry{"not_member", "不是本队在职成员（{}）", "is not an active member of this team ({})"},
};

struct Label {
  std::string_view field, zh, en;
};

constexpr std::array kLabels{
    Label{"name", "姓名", "name"},
    Label{"pin", "PIN", "PIN"},
    Label{"name_native", "民族文字姓名", "name in native script"},
    Label{"sex", "性别", "sex"},
    Label{"birth_date", "出生日期", "birth date"},
    Label{"age", "年龄", "age"},
    Label{"id_number", "身份证号", "ID number"},
    Label{"phone", "电话", "phone"},
    Label{"village_code", "村", "village"},
    Label{"ethnicity", "民族", "ethnicity"},
    Label{"value", "数值", "value"},
    Label{"unit", "单位", "unit"},
    Label{"kind", "项目", "kind"},
    Label{"date", "日期", "date"},
    Label{"due_date", "应随访日期", "due date"},
    Label{"quantity", "数量", "quantity"},
    Label{"unit_value", "单价", "unit value"},
    Label{"dose", "剂量", "dose"},
    Label{"frequency", "用法（频次）", "frequency"},
    Label{"item", "药品/物品", "item"},
    Label{"patient_id", "患者", "patient"},
    Label{"complaint", "主诉", "complaint"},
    Label{"diagnoses", "诊断", "diagnoses"},
    Label{"station", "科室", "station"},
    Label{"status", "状态", "status"},
    Label{"result", "结果", "result"},
    Label{"reason", "原因", "reason"},
    Label{"program", "筛查方案", "program"},
    Label{"answers", "筛查答案", "answers"},
    Label{"out", "输出文件", "output file"},
    Label{"from", "开始日期", "from date"},
    Label{"to", "结束日期", "to date"},
    Label{"as_of", "统计日期", "as-of date"},
    Label{"township", "乡镇", "township"},
    Label{"village", "村", "village"},
    Label{"format", "格式", "format"},
    Label{"outcome", "转诊结局", "outcome"},
    Label{"done_date", "随访完成日期", "date done"},
    Label{"screened_at", "筛查时间", "screened at"},
    Label{"parent", "上级地点", "parent place"},
    Label{"county", "县", "county"},
    Label{"team", "医疗队", "team"},
    Label{"hospital", "派出医院", "origin hospital"},
    Label{"stations", "科室", "stations"},
    Label{"role", "角色", "role"},
    Label{"area", "地区", "area"},  // a team's area (sync: a change outside it is set aside)
};


// Words and headings of core's output, by key; "group.value" for labels.
constexpr std::array kWords{
    Entry{"colon", "：", ": "},
    Entry{"list_sep", "；", "; "},
    Entry{"enum_sep", "、", ", "},
    Entry{"yes", "是", "yes"},
    Entry{"no", "否", "no"},
    Entry{"sex.M", "男", "M"},
    Entry{"sex.F", "女", "F"},
    Entry{"follow_up_status.due", "待随访", "due"},
    Entry{"follow_up_status.overdue", "逾期", "overdue"},
    Entry{"follow_up_status.done", "已完成", "done"},
    Entry{"follow_up_status.lost", "失访", "lost"},
    Entry{"referral_status.advised", "已建议", "advised"},
    Entry{"referral_status.contacted", "已联系", "contacted"},
    Entry{"referral_status.arrived", "已到院", "arrived"},
    Entry{"referral_status.outcome", "已有结果", "outcome"},
    Entry{"referral_status.lost", "失访", "lost"},
    Entry{"quarantine_outcome.open", "待处理", "open"},
    Entry{"quarantine_outcome.retried", "已重新应用", "retried"},
    Entry{"quarantine_outcome.discarded", "已丢弃", "discarded"},
    Entry{"result.positive", "阳性", "positive"},
    Entry{"result.suspected", "可疑", "suspected"},
    Entry{"result.negative", "阴性", "negative"},
    Entry{"result.incomplete", "未完成", "incomplete"},
    Entry{"result.abnormal", "异常（阳性或可疑）", "abnormal (positive or suspected)"},
    Entry{"item_kind.medicine", "药品", "medicine"},
    Entry{"item_kind.device", "医疗器械", "device"},
    Entry{"item_kind.supply", "耗材", "supply"},
    // Kinds of record (core/store/entities.h), as the console names them.
    Entry{"entity.team", "医疗队", "team"},
    Entry{"entity.member", "队员", "team member"},
    Entry{"entity.device", "设备", "device"},
    Entry{"entity.place", "地点", "place"},
    Entry{"entity.clinic_day", "义诊日", "clinic day"},
    Entry{"entity.household", "户", "household"},
    Entry{"entity.patient", "患者", "patient"},
    Entry{"entity.home_visit", "入户", "home visit"},
    Entry{"entity.encounter", "就诊", "encounter"},
    Entry{"entity.observation", "体征", "observation"},
    Entry{"entity.dispense", "发药", "dispense"},
    Entry{"entity.screening", "筛查", "screening"},
    Entry{"entity.referral", "转诊", "referral"},
    Entry{"entity.follow_up", "随访", "follow-up"},
    Entry{"sheet.follow_ups", "随访名单", "Follow-ups"},
    Entry{"sheet.no_township", "乡镇不详", "Township unknown"},
    // Sync status and errors as the field app and yizhenctl show them (sync/client).
    Entry{"sync_state.not_enrolled", "未登记到服务器", "Not enrolled with a server"},
    Entry{"sync_state.idle", "已同步", "Up to date"},
    Entry{"sync_state.offline", "离线：有网时自动同步", "Offline: will sync when the network is back"},
    Entry{"sync_state.syncing", "正在同步…", "Syncing…"},
    Entry{"sync_state.error", "同步出错，稍后重试", "Sync failed; will retry"},
    Entry{"sync_state.revoked", "本机已被停用", "This laptop has been switched off for sync"},
    Entry{"sync_error.offline", "连不上服务器（没有网络或服务器未开）。数据已安全保存在本机，有网时会自动同步。",
          "Cannot reach the server (no network, or the server is down). Everything is saved on this laptop and will "
          "sync when the network is back."},
    Entry{"sync_error.not_enrolled", "本机还没有登记到服务器，请先用登记码登记。",
          "This laptop is not enrolled yet: enroll it with a code first."},
    Entry{"sync_error.unauthorized", "服务器不认识本机，请重新登记。",
          "The server does not know this laptop: enroll it again."},
    Entry{"sync_error.revoked", "本机已被协调员停用，请联系协调员重新登记。数据仍保存在本机。",
          "A coordinator has switched this laptop off for sync: ask them to enroll it again. Your data is still on "
          "this laptop."},
    Entry{"sync_error.refused", "服务器拒绝了请求：{}", "The server refused the request: {}"},
    Entry{"sync_error.server", "服务器出错，稍后会自动重试：{}", "The server failed; will retry later: {}"},
    Entry{"sync_error.other", "同步出错：{}", "Sync failed: {}"},
    // An enrollment that failed is not retried by itself, and until it
    // succeeds nothing syncs: these say so instead of "will sync".
    Entry{"enroll_error.offline", "连不上服务器（没有网络、地址有误或服务器未开）。请核对地址，有网时再按“登记”。登记之前本机不会同步。",
          "Cannot reach the server (no network, a wrong address, or the server is down). Check the address and press "
          "Enroll again when there is a network: this laptop does not sync until it is enrolled."},
    Entry{"enroll_error.server", "服务器出错：{}。请稍后再按“登记”。",
          "The server failed: {}. Press Enroll again later."},
    Entry{"report.title", "# 工作量统计\n\n", "# Activity report\n\n"},
    Entry{"report.scope_day", "义诊日 {}", "clinic day {}"},
    Entry{"report.scope_dates", "日期 {} 至 {}", "dates {} to {}"},
    Entry{"report.scope_campaign", "活动 {}", "campaign {}"},
    Entry{"report.scope_area", "地区 {}", "area {}"},
    Entry{"report.scope_team", "医疗队 {}", "team {}"},
    Entry{"report.scope_all", "全部", "everything"},
    Entry{"report.scope", "范围：{}。统计日期：{}\n\n", "Scope: {}. As of {}\n\n"},
    Entry{"report.totals", "## 总计\n\n| 指标 | 数值 |\n|---|---:|\n", "## Totals\n\n| figure | value |\n|---|---:|\n"},
    Entry{"report.clinic_days", "义诊/巡诊天数", "clinic days"},
    Entry{"report.visits", "接诊人次", "patient visits (人次)"},
    Entry{"report.people", "服务人数", "people served"},
    Entry{"report.new_people", "其中首次就诊", "of them seen for the first time"},
    Entry{"report.follow_ups_closed", "完成随访（含以往安排的）", "follow-ups done (of any date)"},
    Entry{"report.households", "入户诊疗（户）", "households visited (户)"},
    Entry{"report.home_visits", "入户次数", "home visits"},
    Entry{"report.screenings", "筛查人次", "screenings"},
    Entry{"report.positive", "阳性", "positive"},
    Entry{"report.suspected", "可疑", "suspected"},
    Entry{"report.referrals", "转诊", "referrals"},
    Entry{"report.follow_ups_planned", "随访（已安排）", "follow-ups planned"},
    Entry{"report.follow_ups", "随访：待随访 / 已完成 / 逾期 / 失访", "follow-ups: due / done / overdue / lost"},
    Entry{"report.value", "发放药品器械价值（元）", "value given (yuan)"},
    Entry{"report.by_program",
          "\n## 分筛查项目\n\n| 筛查项目 | 筛查人次 | 阳性 | 可疑 | 阳性率 |\n|---|---:|---:|---:|---:|\n",
          "\n## By program\n\n| program | screened | positive | suspected | positive rate |\n|---|---:|---:|---:|---:|\n"},
    Entry{"report.given", "\n## 药品器械发放\n\n| 类别 | 条目 | 数量 | 价值（元） |\n|---|---:|---:|---:|\n",
          "\n## Given\n\n| kind | lines | quantity | value (yuan) |\n|---|---:|---:|---:|\n"},
    Entry{"report.by_township",
          "\n## 分乡镇\n\n| 乡镇 | 天数 | 接诊人次 | 服务人数 | 入户（户） | 筛查 | 阳性 | 转诊 | 随访 应/完成/逾期 | "
          "价值（元） |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
          "\n## By township\n\n| township | days | visits | people | households | screenings | positive | "
          "referrals | follow-ups due/done/overdue | value (yuan) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"},
};

}  // namespace

std::string_view message_template(std::string_view code, Lang lang) {
  for (const auto& e : kMessages)
    if (e.code == code) return lang == Lang::zh ? e.zh : e.en;
  return code;
}

const char* lang_code(Lang lang) {
  switch (lang) {
    case Lang::en: return "en";
    case Lang::zh: break;
  }
  return "zh";
}

std::string_view word(std::string_view key, Lang lang) {
  for (const auto& w : kWords)
    if (w.code == key) return lang == Lang::zh ? w.zh : w.en;
  return key;
}

std::string_view word(std::string_view group, std::string_view value, Lang lang) {
  for (const auto& w : kWords)
    if (w.code.size() == group.size() + 1 + value.size() && w.code.starts_with(group) && w.code[group.size()] == '.' &&
        w.code.ends_with(value))
      return lang == Lang::zh ? w.zh : w.en;
  return value;
}

std::string_view field_label(std::string_view field, Lang lang) {
  for (const auto& l : kLabels)
    if (l.field == field) return lang == Lang::zh ? l.zh : l.en;
  return field;
}

// Hand-written rather than std::format (not in GCC 12) or libfmt: this needs
// only "{}", and core/base links no formatting library (core's libraries link
// SQLite, ICU, nlohmann/json, and core/output also libxlsxwriter).
std::string format_message(std::string_view tmpl, const std::vector<std::string>& args) {
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{' && i + 1 < tmpl.size() && tmpl[i + 1] == '}') {
      if (next < args.size()) out += args[next++];
      ++i;
    } else {
      out += tmpl[i];
    }
  }
  return out;
}

std::string FieldError::message(Lang lang) const {
  const std::string label(field_label(field, lang));
  return label == field ? plain_message(lang) : label + " (" + field + ")" + std::string(word("colon", lang)) +
                                                    format_message(message_template(code, lang), args);
}

std::string FieldError::plain_message(Lang lang) const {
  return std::string(field_label(field, lang)) + std::string(word("colon", lang)) +
         format_message(message_template(code, lang), args);
}

static std::string first_message(const std::vector<FieldError>& errors) {
  return errors.empty() ? std::string("invalid input") : errors.front().message(Lang::en);
}

ValidationError::ValidationError(std::vector<FieldError> errors)
    : std::runtime_error(first_message(errors)), errors_(std::move(errors)) {}

NotFound::NotFound(std::string entity, std::string id)
    : std::runtime_error("no " + entity + " with id " + id), entity_(std::move(entity)), id_(std::move(id)) {}

}  // namespace yz
