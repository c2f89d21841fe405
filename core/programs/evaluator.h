#pragma once
// The expression language of screening programs (docs/programs.md): a
// JsonLogic subset (https://jsonlogic.com) with "count". Used by program
// definitions (skip logic, derived values, results, grades), by their checks
// when a definition is parsed, and by the app's live preview. Pure: no
// database, no state.

#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace yz {

using json = nlohmann::json;

// The value of `expr` with variables from `vars` (an object); unknown
// variables are null; an operation on values of the wrong type is null.
json eval_expression(const json& expr, const json& vars);
// JsonLogic truthiness: null, false, 0, "" and empty lists are false.
bool truthy(const json& value);
// The operators eval_expression knows (definition checks refuse others).
const std::set<std::string>& expression_ops();
// The arguments of the operation `e` ({"op": args}) without copying them: its
// list, or its one argument wrapped into `storage`.
const json& expression_args(const json& e, json& storage);

}  // namespace yz
