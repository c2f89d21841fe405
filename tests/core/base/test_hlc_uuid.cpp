// Hybrid logical clock (core/hlc.h), UUIDv7 (core/uuid.h) and the calendar
// helpers of core/clock.h.

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/base/clock.h"
#include "core/base/hlc.h"
#include "core/base/uuid.h"

using namespace yz;

namespace {
constexpr int64_t k2026 = 1780000000000;  // 2026-05-29 04:26:40 in Beijing

int sign(std::strong_ordering o) { return o < 0 ? -1 : o > 0 ? 1 : 0; }
int sign(int c) { return c < 0 ? -1 : c > 0 ? 1 : 0; }

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }
}  // namespace

// ---- HLC ---------------------------------------------------------------------

TEST_CASE("hlc: tick follows the physical clock and stamps the node") {
  HlcClock c("dev-a");
  Hlc a = c.tick(k2026);
  CHECK(a.wall_ms == k2026);
  CHECK(a.counter == 0);
  CHECK(a.node == "dev-a");
  Hlc b = c.tick(k2026 + 5);
  CHECK(b.wall_ms == k2026 + 5);
  CHECK(b.counter == 0);
  CHECK(a < b);
  CHECK(c.last() == b);
}

TEST_CASE("hlc: the counter increments within one millisecond and resets when time moves on") {
  HlcClock c("n");
  Hlc prev = c.tick(k2026);
  for (uint32_t i = 1; i <= 50; ++i) {
    Hlc h = c.tick(k2026);
    CHECK(h.wall_ms == k2026);
    CHECK(h.counter == i);
    CHECK(prev < h);
    prev = h;
  }
  Hlc later = c.tick(k2026 + 1);
  CHECK(later.wall_ms == k2026 + 1);
  CHECK(later.counter == 0);
}

TEST_CASE("hlc: tick never goes backwards when the wall clock jumps back to 1970") {
  HlcClock c("laptop");
  Hlc before = c.tick(k2026);
  Hlc t1 = c.tick(0);  // battery died, clock reset
  Hlc t2 = c.tick(86400000);
  Hlc t3 = c.tick(k2026 - 3600000);  // an hour behind
  CHECK(before < t1);
  CHECK(t1 < t2);
  CHECK(t2 < t3);
  CHECK(t1.wall_ms == k2026);
  CHECK(t3.wall_ms == k2026);
  CHECK(t3.counter == 3);
  CHECK(before.str() < t1.str());
  CHECK(t2.str() < t3.str());
}

TEST_CASE("hlc: counter overflow borrows the next millisecond and keeps text order") {
  Hlc start{k2026, 99998, "n"};
  HlcClock c("n", start);
  Hlc a = c.tick(k2026);
  CHECK(a.wall_ms == k2026);
  CHECK(a.counter == 99999);
  Hlc b = c.tick(k2026);
  CHECK(b.wall_ms == k2026 + 1);
  CHECK(b.counter == 0);
  CHECK(a < b);
  CHECK(a.str() < b.str());
  CHECK(b.str().size() == a.str().size());
}

TEST_CASE("hlc: observe moves past a remote stamp, and ignores an older one") {
  HlcClock c("local");
  c.tick(k2026);
  const Hlc remote{k2026 + 60000, 7, "remote"};
  c.observe(remote);
  Hlc t = c.tick(k2026 + 10);  // local clock still behind the remote one
  CHECK(remote < t);
  CHECK(t.wall_ms == remote.wall_ms);
  CHECK(t.counter == 8);
  CHECK(t.node == "local");

  // Same wall time, higher counter: taken in.
  c.observe(Hlc{t.wall_ms, 100, "r2"});
  Hlc u = c.tick(0);
  CHECK(u.wall_ms == t.wall_ms);
  CHECK(u.counter == 101);

  // Older remote: nothing changes.
  const Hlc last = c.last();
  c.observe(Hlc{k2026, 0, "old"});
  CHECK(c.last() == last);
  Hlc v = c.tick(0);
  CHECK(last < v);

  // A physical clock beyond everything wins again.
  Hlc w = c.tick(k2026 + 3600000);
  CHECK(w.wall_ms == k2026 + 3600000);
  CHECK(w.counter == 0);
}

TEST_CASE("hlc: two nodes exchanging stamps stay causally ordered") {
  HlcClock a("a"), b("b");
  Hlc sent = a.tick(k2026 + 5000);  // a's clock is ahead
  b.observe(sent);
  Hlc reply = b.tick(k2026);  // b's clock is behind
  CHECK(sent < reply);
  a.observe(reply);
  Hlc next = a.tick(k2026 + 5000);
  CHECK(reply < next);
}

TEST_CASE("hlc: text form is fixed width") {
  CHECK(Hlc{1, 2, "n"}.str() == "0000000000001.00002.n");
  CHECK(Hlc{k2026, 99999, "dev"}.str() == "1780000000000.99999.dev");
  CHECK(Hlc{-5, 0, "n"}.str() == "0000000000000.00000.n");  // negative wall time clamps to 0
}

TEST_CASE("hlc: text order equals struct order (random pairs)") {
  std::mt19937_64 rng(20261123);
  const std::vector<std::string> nodes = {"a", "b", "dev-1", "dev-2", "0190a0b0-aaaa-7bbb-8ccc-000000000001",
                                          "0190a0b0-aaaa-7bbb-8ccc-000000000002"};
  auto draw = [&](bool narrow) {
    Hlc h;
    // Narrow draws collide often, so equal walls and counters are compared too.
    h.wall_ms = narrow ? static_cast<int64_t>(rng() % 4) : static_cast<int64_t>(rng() % 9999999999999ULL);
    h.counter = static_cast<uint32_t>(narrow ? rng() % 3 : rng() % 100000);
    h.node = nodes[rng() % nodes.size()];
    return h;
  };
  int equal = 0;
  for (int i = 0; i < 20000; ++i) {
    const bool narrow = i % 2 == 0;
    const Hlc a = draw(narrow), b = draw(narrow);
    const std::string sa = a.str(), sb = b.str();
    CAPTURE(sa);
    CAPTURE(sb);
    REQUIRE(sign(a <=> b) == sign(sa.compare(sb)));
    if (a == b) ++equal;
  }
  CHECK(equal > 0);
}

TEST_CASE("hlc: parse(str()) round trips, malformed text is refused") {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    Hlc h{static_cast<int64_t>(rng() % 9999999999999ULL), static_cast<uint32_t>(rng() % 100000),
          "node-" + std::to_string(rng() % 1000)};
    auto p = Hlc::parse(h.str());
    REQUIRE(p.has_value());
    CHECK(*p == h);
  }
  auto p = Hlc::parse("1780000000000.00042.0190a0b0-aaaa-7bbb-8ccc-000000000001");
  REQUIRE(p.has_value());
  CHECK(p->wall_ms == 1780000000000);
  CHECK(p->counter == 42);
  CHECK(p->node == "0190a0b0-aaaa-7bbb-8ccc-000000000001");
  for (const char* bad : {"", "abc", "1780000000000.00042.", "1780000000000-00042-n", "178000000000.00042.n",
                          "17800000000000.00042.n", "1780000000000.0042.n", "17800000x0000.00042.n",
                          "1780000000000.0004x.n", "1780000000000.00042n"})
    CHECK_FALSE_MESSAGE(Hlc::parse(bad).has_value(), std::string(bad));
}

// ---- UUIDv7 ------------------------------------------------------------------

TEST_CASE("uuid: version 7, RFC variant, 36 lowercase characters, timestamp in front") {
  IdSource ids(1);
  for (int64_t ms : {int64_t{0}, int64_t{1}, k2026, int64_t{0xFFFFFFFFFFFF}}) {
    const std::string u = ids.next(ms);
    CAPTURE(u);
    REQUIRE(u.size() == 36);
    CHECK(is_uuid(u));
    for (int pos : {8, 13, 18, 23}) CHECK(u[pos] == '-');
    for (char c : u) CHECK(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-'));
    CHECK(u[14] == '7');
    CHECK(std::string("89ab").find(u[19]) != std::string::npos);
    int64_t ts = 0;
    for (int i = 0; i < 13; ++i)
      if (u[i] != '-') ts = ts * 16 + hex_value(u[i]);
    CHECK(ts == ms);
  }
  // A negative (broken) clock still yields a valid id.
  const std::string neg = ids.next(-1000);
  CHECK(is_uuid(neg));
  CHECK(neg.substr(0, 13) == "00000000-0000");
}

TEST_CASE("uuid: deterministic with a seed, different with another seed") {
  IdSource a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    const std::string x = a.next(k2026 + i), y = b.next(k2026 + i), z = c.next(k2026 + i);
    CHECK(x == y);
    CHECK(x != z);
  }
}

TEST_CASE("uuid: unique over 100k ids from one millisecond, and across random sources") {
  IdSource ids(99);
  std::unordered_set<std::string> seen;
  seen.reserve(200000);
  for (int i = 0; i < 100000; ++i) REQUIRE(seen.insert(ids.next(0)).second);  // a 1970 clock
  IdSource r1, r2;  // seeded from the system
  for (int i = 0; i < 1000; ++i) {
    CHECK(seen.insert(r1.next(k2026)).second);
    CHECK(seen.insert(r2.next(k2026)).second);
  }
}

TEST_CASE("uuid: ids sort by creation time across milliseconds") {
  IdSource ids(5);
  std::string prev = ids.next(k2026);
  for (int i = 1; i < 1000; ++i) {
    const std::string u = ids.next(k2026 + i);
    CHECK(prev < u);
    prev = u;
  }
}

TEST_CASE("is_uuid: canonical 36-character text of any version") {
  CHECK(is_uuid("0190a0b0-aaaa-7bbb-8ccc-000000000001"));
  CHECK(is_uuid("550E8400-E29B-41D4-A716-446655440000"));  // v4, upper case
  CHECK(is_uuid("00000000-0000-0000-0000-000000000000"));
  for (const char* bad : {"", "0190a0b0aaaa7bbb8ccc000000000001", "0190a0b0-aaaa-7bbb-8ccc-00000000001",
                          "0190a0b0-aaaa-7bbb-8ccc-0000000000011", "0190a0b0-aaaa-7bbb-8ccc_000000000001",
                          "0190a0b0-aaaa-7bbb-8ccc-00000000000g", "{190a0b0-aaaa-7bbb-8ccc-00000000001}",
                          "0190a0b-0aaaa-7bbb-8ccc-000000000001", "0190a0b0-aaaa-7bbb-8ccc-00000000000\xC3",
                          "0190a0b0-aaaa-7bbb-8ccc-0000000000 1", "0190a0b0-aaaa-7bbb-8ccc-000000000-01"})
    CHECK_FALSE_MESSAGE(is_uuid(bad), std::string(bad));
}

// ---- calendar helpers ----------------------------------------------------------

TEST_CASE("clock: dates are China Standard Time") {
  CHECK(date_of_ms(0) == "1970-01-01");
  CHECK(datetime_of_ms(0) == "1970-01-01 08:00");
  CHECK(date_of_ms(16 * 3600 * 1000 - 1) == "1970-01-01");
  CHECK(date_of_ms(16 * 3600 * 1000) == "1970-01-02");  // midnight in Beijing
  CHECK(datetime_of_ms(k2026) == "2026-05-29 04:26");
  CHECK(ms_of_date("1970-01-02") == 16 * 3600 * 1000);
  for (const char* d : {"2024-02-29", "2026-06-01", "1980-01-01", "1900-01-01", "2099-12-31"}) {
    CHECK(date_of_ms(ms_of_date(d)) == d);
    CHECK(date_of_ms(ms_of_date(d) - 1) != d);
    CHECK(datetime_of_ms(ms_of_date(d)) == std::string(d) + " 00:00");
  }
  ManualClock c(5);
  CHECK(c.now_ms() == 5);
  c.advance(10);
  CHECK(c.now_ms() == 15);
  c.set(0);
  CHECK(c.now_ms() == 0);
  SystemClock s;
  CHECK(s.now_ms() > k2026 - 365LL * 86400000);
}
