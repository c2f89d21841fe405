#pragma once
// What every `yizhen-server admin` verb shares (DESIGN.md §8): an error
// becomes one line on stderr and an exit code (1 not found, 2 bad input,
// 3 anything else), and output is text, or JSON with --json.

#include <iostream>
#include <nlohmann/json.hpp>

#include "core/base/errors.h"
#include "sync/server/central_store.h"

namespace yz::server_admin {

template <typename Fn>
int guarded(Fn fn) {
  try {
    return fn();
  } catch (const yz::sync::CentralError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return e.status() == 404 ? 1 : 2;
  } catch (const yz::ValidationError& e) {
    std::cerr << "error: " << e.errors().front().message(yz::Lang::en) << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 3;
  }
}

// An object as "key<TAB>value" lines, an array as one JSON line per row.
inline void print(bool as_json, const nlohmann::json& j) {
  if (as_json) {
    std::cout << j.dump(2) << "\n";
    return;
  }
  if (j.is_object())
    for (const auto& [k, v] : j.items()) std::cout << k << "\t" << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
  else
    for (const auto& row : j) std::cout << row.dump() << "\n";
}

}  // namespace yz::server_admin
