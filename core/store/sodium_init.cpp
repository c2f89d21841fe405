#include "core/store/sodium_init.h"

#include <sodium.h>

#include <stdexcept>

namespace yz {

void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace yz
