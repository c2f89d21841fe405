#pragma once
// Fixed key pairs for the fuzz harnesses and their seed corpus (made once
// with crypto.h make_signing_keys / make_box_keys; fuzz_make_seeds signs the
// protocol-2 seeds with them). Test keys only: nothing else trusts them.
// With them the fuzzer reaches the signature and seal checks with inputs
// that pass them, not only with ones refused at the first byte.

namespace yz::fuzz {

inline constexpr const char* kDevicePublic = "J5acO9oxG+W74zYTbQcnoYrunElSXfyH//G2COJm/Og=";
inline constexpr const char* kDeviceSecret =
    "Q4qpZuSLozSdXtMS1ZcI7AHu1QtUMAQirtgO3U+nF4wnlpw72jEb5bvjNhNtByehiu6cSVJd/If/8bYI4mb86A==";
inline constexpr const char* kServerSignPublic = "YvQx8v4OWdGw8SDYbt5DxIKHw77yBz7fui03gqVHAPI=";
inline constexpr const char* kServerSignSecret =
    "4cdsWk83uRvqG9iXrLF3dLDydcbCwJTZ+cDI5SxFgXJi9DHy/g5Z0bDxINhu3kPEgofDvvIHPt+6LTeCpUcA8g==";
inline constexpr const char* kServerBoxPublic = "8FK/vVeVHI4X7mAedlhAxiwVR2OGvzlvI6tM3RGC6AM=";
inline constexpr const char* kServerBoxSecret = "3vRhTk/K5go/b1s1jNp78eUx0qnpeuh4ABeFZ7WVmBA=";

}  // namespace yz::fuzz
