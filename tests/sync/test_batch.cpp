// Batch and receipt format (sync/batch.h) and the limits checked before
// parsing (sync/limits.h).
#include <doctest/doctest.h>

#include <random>

#include "sync/protocol/batch.h"
#include "sync/protocol/crypto.h"
#include "sync/protocol/limits.h"

using namespace yz::sync;

namespace {

json sample_changes() {
  return json::array({{{"entity", "patient"},
                       {"id", "01a2089d-9fad-7aef-ab09-8c85285df5b2"},
                       {"hlc", "1795000000000.00000.01a2089d-9f5a-78e4-8fd2-107e0dafb36c"},
                       {"deleted", false},
                       {"fields", {{"name", "卓玛"}, {"sex", "F"}, {"birth_date", "1985-03-02"}}}}});
}

BatchHeader header() {
  BatchHeader h;
  h.batch_id = "01a2089d-a186-7ee8-ac93-5ee46d445e91";
  h.device_id = "01a2089d-9f5a-78e4-8fd2-107e0dafb36c";
  h.seq = 7;
  h.schema = 3;
  return h;
}

}  // namespace

TEST_CASE("A sealed batch checks out, and any change to its bytes is caught") {
  const std::string key = token_key(random_token());
  const json batch = seal_batch(sample_changes(), header(), 1795000000000, key);
  const BatchHeader h = check_batch(batch, key);
  CHECK(h.seq == 7);
  CHECK(h.digest.rfind("sha256:", 0) == 0);
  CHECK_THROWS_AS(check_batch(batch, token_key(random_token())), BatchError);  // another device's key

  // Flip every byte of the text in turn (sampled): either it no longer
  // parses, or the check refuses it, or it is the same batch.
  const std::string text = batch.dump();
  std::mt19937 rng(1);
  int refused = 0;
  for (int i = 0; i < 400; ++i) {
    std::string t = text;
    const size_t at = rng() % t.size();
    t[at] = static_cast<char>(t[at] ^ (1 << (rng() % 7)));
    json j = json::parse(t, nullptr, false);
    if (j.is_discarded()) {
      ++refused;
      continue;
    }
    try {
      check_batch(j, key);
      CHECK(j == batch);  // a flip inside insignificant whitespace only
    } catch (const BatchError&) {
      ++refused;
    }
  }
  CHECK(refused > 350);
}

TEST_CASE("A receipt signed with the device key checks out, and a forged one does not") {
  const std::string key = token_key(random_token());
  json r = {{"format", kReceiptFormat}, {"batch_id", "x"}, {"applied", 3}};
  sign_receipt(r, key);
  CHECK_NOTHROW(check_receipt(r, key));
  json forged = r;
  forged["applied"] = 4;
  CHECK_THROWS_AS(check_receipt(forged, key), BatchError);
  CHECK_THROWS_AS(check_receipt(r, token_key(random_token())), BatchError);
}

TEST_CASE("Limits refuse deep, long and crowded documents before parsing") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  try {
    parse_limited(deep);
    FAIL("a 100000-deep document was parsed");
  } catch (const LimitError& e) {
    CHECK(e.code() == "too_deep");
  }
  // Brackets inside strings do not count.
  CHECK(parse_limited(R"({"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})")["a"].is_string());
  CHECK_THROWS_AS(parse_limited(std::string(100, ' '), JsonLimits{10, 32, 10}), LimitError);
  json many = {{"changes", json::array()}};
  for (int i = 0; i < 11; ++i) many["changes"].push_back({{"i", i}});
  try {
    parse_limited(many.dump(), JsonLimits{1 << 20, 32, 10});
    FAIL("11 records passed a limit of 10");
  } catch (const LimitError& e) {
    CHECK(e.code() == "too_many");
  }
  CHECK_THROWS_AS(parse_limited("{\"a\": "), LimitError);
  CHECK_THROWS_AS(parse_limited("\"\xff\xfe\""), LimitError);  // not UTF-8
}

TEST_CASE("Tokens and enrollment codes are random and long enough") {
  const std::string t1 = random_token(), t2 = random_token();
  CHECK(t1 != t2);
  CHECK(t1.size() >= 43);  // 256 bits in base64url
  const std::string code = random_enroll_code();
  CHECK(code.size() == 11);
  CHECK(code[5] == '-');
  CHECK(token_key(t1).size() == 64);
  CHECK(same_secret("abc", "abc"));
  CHECK_FALSE(same_secret("abc", "abd"));
}
