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
  const KeyPair device = make_signing_keys();
  const std::string key = device.public_key;
  const json batch = seal_batch(sample_changes(), header(), 1795000000000, device.secret_key);
  const BatchHeader h = check_batch(batch, key);
  CHECK(h.seq == 7);
  // The text a device stores and sends is the sealed batch's text, byte for
  // byte (escapes, non-ASCII, an empty batch).
  CHECK(seal_batch_text(sample_changes(), header(), 1795000000000, device.secret_key) == batch.dump());
  json odd = sample_changes();
  odd[0]["fields"]["note"] = "a \"quoted\"\n\\ line\x01"
                               "!";
  CHECK(seal_batch_text(odd, header(), -5, device.secret_key) == seal_batch(odd, header(), -5, device.secret_key).dump());
  CHECK(seal_batch_text(json::array(), header(), 0, device.secret_key) ==
        seal_batch(json::array(), header(), 0, device.secret_key).dump());
  CHECK(h.digest.rfind("sha256:", 0) == 0);
  CHECK(batch["version"] == 2);
  CHECK_FALSE(batch.contains("mac"));
  try {
    check_batch(batch, make_signing_keys().public_key);  // another device's key
    FAIL("another device's key checked out");
  } catch (const BatchError& e) {
    CHECK(e.code() == "bad_signature");
  }
  // A public key that is no key at all (the token hash of protocol 1).
  CHECK_THROWS_AS(check_batch(batch, token_key(random_token())), BatchError);

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
      check_batch(j, key, t);  // the digest over the bytes as sent
      CHECK(j == batch);  // a flip inside insignificant whitespace only
    } catch (const BatchError&) {
      ++refused;
    }
  }
  CHECK(refused > 350);

  // The same batch written out otherwise (indented; a character escaped)
  // has other bytes: its digest is taken over the changes' compact JSON.
  CHECK(check_batch(json::parse(batch.dump(2)), key, batch.dump(2)).seq == 7);
  std::string escaped = text;
  const size_t name = escaped.find("卓");
  REQUIRE(name != std::string::npos);
  escaped.replace(name, std::string("卓").size(), "\\u5353");
  CHECK(check_batch(json::parse(escaped), key, escaped).seq == 7);
  // A second "changes" member after the signed one: the parse keeps the
  // last, which is not what the device signed.
  json forged = sample_changes();
  forged[0]["fields"]["name"] = "扎西";
  std::string twice = text;
  twice.insert(twice.find(",\"count\""), ",\"changes\":" + forged.dump());
  try {
    check_batch(json::parse(twice), key, twice);
    FAIL("a second changes member checked out");
  } catch (const BatchError& e) {
    CHECK(e.code() == "bad_digest");
  }
}

TEST_CASE("A receipt signed with the server's key checks out, and a forged one does not") {
  const KeyPair server = make_signing_keys();
  json r = {{"format", kReceiptFormat}, {"batch_id", "x"}, {"applied", 3}};
  sign_receipt(r, server.secret_key);
  CHECK_NOTHROW(check_receipt(r, server.public_key));
  json forged = r;
  forged["applied"] = 4;
  CHECK_THROWS_AS(check_receipt(forged, server.public_key), BatchError);
  CHECK_THROWS_AS(check_receipt(r, make_signing_keys().public_key), BatchError);
  // A version-1 receipt (an HMAC under the token hash) is from an old server.
  json old = {{"format", kReceiptFormat}, {"batch_id", "x"}, {"mac", std::string(64, '0')}};
  try {
    check_receipt(old, server.public_key);
    FAIL("a version-1 receipt checked out");
  } catch (const BatchError& e) {
    CHECK(e.code() == "update_required");
  }
}

TEST_CASE("A version-1 batch is refused with words that say to update yizhen") {
  const std::string key = token_key(random_token());
  json v1 = seal_batch(sample_changes(), header(), 1795000000000, make_signing_keys().secret_key);
  v1.erase("sig");
  v1["version"] = 1;
  v1["mac"] = hmac_hex(key, "anything");
  try {
    check_batch(v1);
    FAIL("a version-1 batch checked out");
  } catch (const BatchError& e) {
    CHECK(e.code() == "update_required");
    CHECK(std::string(e.what()).find("update yizhen") != std::string::npos);
  }
  // resign_batch brings it to the current version under a device key.
  const KeyPair device = make_signing_keys();
  resign_batch(v1, device.secret_key);
  CHECK(check_batch(v1, device.public_key).seq == 7);
  CHECK_FALSE(v1.contains("mac"));
}

TEST_CASE("A batch file is sealed to the server: only ids show, and only the server's key opens it") {
  const KeyPair device = make_signing_keys(), server = make_box_keys();
  const json batch = seal_batch(sample_changes(), header(), 1795000000000, device.secret_key);
  const json envelope = seal_batch_file(batch, server.public_key);
  const std::string text = envelope.dump();
  CHECK(text.find("卓玛") == std::string::npos);
  CHECK(text.find("1985-03-02") == std::string::npos);
  CHECK(check_batch_file(envelope).batch_id == header().batch_id);
  CHECK(json::parse(open_batch_file(envelope, server)) == batch);
  try {
    open_batch_file(envelope, make_box_keys());  // another server
    FAIL("another server's key opened the file");
  } catch (const BatchError& e) {
    CHECK(e.code() == "bad_seal");
  }
  json tampered = envelope;
  std::string sealed = tampered["sealed"];
  sealed[sealed.size() / 2] = sealed[sealed.size() / 2] == 'A' ? 'B' : 'A';
  tampered["sealed"] = sealed;
  CHECK_THROWS_AS(open_batch_file(tampered, server), BatchError);
  // A plain batch, as version 1 wrote to the stick: update yizhen.
  try {
    check_batch_file(batch);
    FAIL("a plain batch file was taken");
  } catch (const BatchError& e) {
    CHECK(e.code() == "update_required");
  }
}

TEST_CASE("Limits refuse deep, long and crowded documents before parsing") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  try {
    parse_limited(deep);
    FAIL("a 100000-deep document was parsed");
  } catch (const LimitError& e) {
    CHECK(e.code() == "too_deep");
  }
  // Brackets inside strings do not count, nor after an escaped quote in one;
  // a string that ends in an escaped backslash ends at its quote.
  const std::string brackets(40, '['), closing(40, ']');
  CHECK(parse_limited(R"({"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})")["a"].is_string());
  CHECK(parse_limited(R"({"a": "x\"y\\\")" + brackets + "\"}")["a"] == "x\"y\\\"" + brackets);
  CHECK_THROWS_AS(parse_limited(R"(["x\\", )" + brackets + closing + "]"), LimitError);
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

namespace {

// The same value with the same type at every node (nlohmann tells a
// signed from an unsigned integer).
bool same_types(const json& a, const json& b) {
  if (a.type() != b.type() || a.size() != b.size()) return false;
  if (a.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it)
      if (!b.contains(it.key()) || !same_types(it.value(), b[it.key()])) return false;
  } else if (a.is_array()) {
    for (size_t i = 0; i < a.size(); ++i)
      if (!same_types(a[i], b[i])) return false;
  }
  return a == b;
}

}  // namespace

TEST_CASE("parse_limited takes what nlohmann's parser takes, and makes the same values") {
  // parse_limited parses with simdjson and falls back to nlohmann's parser
  // for what simdjson refuses: both paths are here.
  const char* taken[] = {
      "0", "5", "-5", "18446744073709551615", "-9223372036854775808", "1.5e3", "-0.0", "2.5", "1e-7",
      "18446744073709551616",                   // beyond 64 bits: a float for nlohmann, refused by simdjson
      "-9223372036854775809", "123456789012345678901234567890",
      "\xEF\xBB\xBF{\"a\": 1}",                 // a byte-order mark, which nlohmann skips
      R"({"a": 1, "a": 2})",                    // the last of a repeated key
      R"("\u0000x\n\"\\\/\ud83d\ude00")", R"("卓玛 ཚེ་རིང་ ئابدۇ")",
      R"({"z": [true, false, null, {}, []], "b": {"c": [1, -1, 1.25, "x"]}, "": ""})",
      "  [ ]  ", "true", "null"};
  for (const char* text : taken) {
    INFO(text);
    const json want = json::parse(text);
    const json got = parse_limited(text);
    CHECK(same_types(got, want));
    CHECK(got.dump() == want.dump());
  }
  // The one difference, written down in limits.cpp: "-0" is unsigned.
  CHECK(parse_limited("-0") == json::parse("-0"));
  CHECK(parse_limited("-0").dump() == "0");
  // A real batch, as a device seals it.
  const json changes = sample_changes();
  const KeyPair device = make_signing_keys();
  const std::string sealed = seal_batch_text(changes, header(), 1795000000000, device.secret_key);
  CHECK(same_types(parse_limited(sealed), json::parse(sealed)));

  const char* refused[] = {"", "nul", "[1, 2,]", "{}x", "{\"a\" 1}", "\"\\ud800\"", "\"\xff\"", "1e400",
                           "'a'", "[1] // comment", "{\"a\": 01}"};
  for (const char* text : refused) {
    INFO(text);
    CHECK(json::parse(text, nullptr, false).is_discarded());
    try {
      parse_limited(text);
      FAIL("parsed");
    } catch (const LimitError& e) {
      CHECK(e.code() == "bad_json");
    }
  }
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
