#include "core/domain/search.h"

#include "core/base/utf8.h"
#include "core/domain/pinyin.h"

namespace yz {

namespace {

std::string join(const std::vector<std::string>& parts, size_t from, bool initials) {
  std::string s;
  for (size_t i = from; i < parts.size(); ++i) s += initials ? parts[i].substr(0, 1) : parts[i];
  return s;
}

}  // namespace

std::string normalize_query(std::string_view query) {
  std::string joined;
  for (const auto& c : name_chars(query)) joined += c;
  return lower_ascii(joined);
}

std::vector<SearchKey> patient_keys(std::string_view name, std::string_view name_native,
                                    std::string_view id_number, std::string_view phone) {
  std::vector<SearchKey> keys;
  const auto chars = name_chars(name);
  const auto readings = name_readings(name);
  for (size_t pos = 0; pos < chars.size(); ++pos) {
    if (pos > 0 && chars.size() - pos < 2) break;  // suffixes of two characters or more
    const bool suffix = pos > 0;
    keys.push_back({join(chars, pos, false), suffix ? KeyKind::name_suffix : KeyKind::name});
    for (const auto& syl : readings) {
      if (syl.size() != chars.size()) continue;
      keys.push_back({join(syl, pos, false), suffix ? KeyKind::pinyin_suffix : KeyKind::pinyin});
      keys.push_back({join(syl, pos, true), suffix ? KeyKind::initials_suffix : KeyKind::initials});
    }
  }
  if (!name_native.empty()) {
    keys.push_back({normalize_query(name_native), KeyKind::name_native});
    // Each later word as a key of its own: Tibetan words end at a tsheg
    // (U+0F0B, or the non-breaking U+0F0C), Uyghur words at a space, so
    // སྒྲོལ་མ finds བཀྲ་ཤིས་སྒྲོལ་མ as 顿珠 finds 扎西顿珠.
    static constexpr std::string_view kTsheg = "\u0F0B", kNbTsheg = "\u0F0C";
    for (size_t at = 0; at < name_native.size(); ++at) {
      size_t next = 0;
      if (name_native.substr(at, kTsheg.size()) == kTsheg || name_native.substr(at, kNbTsheg.size()) == kNbTsheg)
        next = at + kTsheg.size();
      else if (name_native[at] == ' ')
        next = at + 1;
      if (next == 0) continue;
      std::string rest = normalize_query(name_native.substr(next));
      if (!rest.empty()) keys.push_back({std::move(rest), KeyKind::name_native_suffix});
      at = next - 1;
    }
  }
  if (!id_number.empty()) keys.push_back({lower_ascii(id_number), KeyKind::id_number});
  if (!phone.empty()) keys.push_back({std::string(phone), KeyKind::phone});
  return keys;
}

PatientIndexer::PatientIndexer(SQLite::Database& db)
    : del_(db, "DELETE FROM patient_key WHERE patient_rid = ?"),
      ins_(db, "INSERT OR IGNORE INTO patient_key (key, patient_rid, kind) VALUES (?, ?, ?)") {}

void PatientIndexer::remove(int64_t rid) {
  del_.bind(1, rid);
  del_.exec();
  del_.reset();
}

std::vector<SearchKey> patient_index_keys(std::string_view name, std::string_view name_native,
                                          std::string_view id_number, std::string_view phone) {
  auto keys = patient_keys(name, name_native, id_number, phone);
  std::erase_if(keys, [](const SearchKey& k) { return k.key.empty(); });
  return keys;
}

void PatientIndexer::index(int64_t rid, std::string_view name, std::string_view name_native,
                           std::string_view id_number, std::string_view phone) {
  remove(rid);
  index_new(rid, patient_index_keys(name, name_native, id_number, phone));
}

void PatientIndexer::index_new(int64_t rid, const std::vector<SearchKey>& keys) {
  for (const auto& k : keys) {
    ins_.bind(1, k.key);
    ins_.bind(2, rid);
    ins_.bind(3, static_cast<int>(k.kind));
    ins_.exec();
    ins_.reset();
  }
}

void reindex_all_patients(SQLite::Database& db) {
  PatientIndexer indexer(db);
  SQLite::Statement q(db,
                      "SELECT rid, name, COALESCE(name_native,''), COALESCE(id_number,''), COALESCE(phone,'') "
                      "FROM patient WHERE deleted = 0");
  while (q.executeStep())
    indexer.index(q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                  q.getColumn(3).getString(), q.getColumn(4).getString());
}

std::vector<PatientHit> search_patients(SqlReader& db, std::string_view query, int limit) {
  const std::string q = normalize_query(query);
  std::vector<PatientHit> hits;
  if (q.empty() || limit <= 0) return hits;
  // Rank on the key index alone, then read only the patients returned. The
  // inner LIMIT bounds the work for short queries that match a large share of
  // the index (exact keys sort first in the range); the user narrows by
  // typing on. Ties go by key, then by registration order.
  auto st = db.prepare(R"SQL(
    SELECT p.id, p.name, COALESCE(p.name_native,''), p.sex, p.birth_date, COALESCE(p.id_number,''),
           COALESCE(p.phone,''), COALESCE(p.village_code,''), r.score
    FROM (SELECT patient_rid,
                 MIN(CASE WHEN kind IN (1,3,5,9) THEN 2 ELSE 0 END + CASE WHEN key = ?1 THEN 0 ELSE 1 END) AS score,
                 MIN(key) AS first_key
          FROM (SELECT key, patient_rid, kind FROM patient_key WHERE key >= ?1 AND key < ?2 LIMIT 400) AS k
          GROUP BY patient_rid ORDER BY score, first_key, patient_rid LIMIT ?3) AS r
    JOIN patient p ON p.rid = r.patient_rid
    WHERE p.deleted = 0 AND p.merged_into IS NULL
    ORDER BY r.score, r.first_key, p.rid)SQL");
  st->bind(1, q);
  st->bind(2, utf8_prefix_upper_bound(q));
  st->bind(3, limit);
  while (st->step()) {
    PatientHit h;
    h.id = st->text(0);
    h.name = st->text(1);
    h.name_native = st->text(2);
    h.sex = st->text(3);
    h.birth_date = st->text(4);
    h.id_number = st->text(5);
    h.phone = st->text(6);
    h.village_code = st->text(7);
    h.score = static_cast<int>(st->int64(8));
    hits.push_back(std::move(h));
  }
  return hits;
}

}  // namespace yz
