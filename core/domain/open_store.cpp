#include "core/domain/open_store.h"

#include "core/domain/record_rules.h"

namespace yz {

Store open_store(const std::string& path, StoreOptions options) {
  return Store::open(path, record_rules(), std::move(options));
}

}  // namespace yz
