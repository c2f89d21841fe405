#pragma once
// libsodium must be initialised once before any of its functions is used.
// Every user of libsodium in core/ and sync/ calls ensure_sodium() first.

namespace yz {

// Initialises libsodium (once, thread-safe; later calls are free).
// Throws std::runtime_error when it cannot start.
void ensure_sodium();

}  // namespace yz
