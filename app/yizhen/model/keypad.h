#pragma once
// The on-screen numeric keypad for vitals (touch screens without a keyboard):
// what a key press does to the value being typed. No UI.

#include <string>

namespace yz::app {

// Keys: '0'-'9', '.', 'B' (backspace), 'C' (clear). A second '.' and more
// than 7 characters are ignored. Returns true when the value changed.
bool keypad_press(std::string& value, char key);

}  // namespace yz::app
