#pragma once
// Whether this test program runs under AddressSanitizer. There everything
// runs several times slower and uses several times the memory: tests that
// repeat a slow step many times (kill loops, loads) run fewer rounds, and
// time or memory bars are left to the normal build and BENCHMARKS.md.
// GCC says so with __SANITIZE_ADDRESS__, clang with __has_feature.

namespace yz::test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

}  // namespace yz::test
