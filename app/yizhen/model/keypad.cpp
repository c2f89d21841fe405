#include "app/yizhen/model/keypad.h"

namespace yz::app {

bool keypad_press(std::string& value, char key) {
  if (key == 'C') {
    if (value.empty()) return false;
    value.clear();
    return true;
  }
  if (key == 'B') {
    if (value.empty()) return false;
    value.pop_back();
    return true;
  }
  if (value.size() >= 7) return false;
  if (key == '.') {
    if (value.find('.') != std::string::npos) return false;
    value += value.empty() ? "0." : ".";
    return true;
  }
  if (key < '0' || key > '9') return false;
  if (value == "0") value.clear();  // no leading zeros
  value += key;
  return true;
}

}  // namespace yz::app
