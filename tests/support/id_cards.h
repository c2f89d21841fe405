#pragma once
// 身份证 numbers the tests register: valid (GB 11643 check digit), fictitious.

namespace yz::test {

// A woman born 1985-03-02 in 城关区, Lhasa.
inline constexpr const char* kCard = "540102198503020020";

}  // namespace yz::test
