#include "app/yizhen/model/enroll.h"

#include "app/yizhen/strings.h"
#include "core/base/utf8.h"
#include "sync/client/transport.h"

namespace yz::app {

void EnrollForm::default_device_name(const std::string& saved_name, const std::string& device_id) {
  if (!trim(device_name).empty()) return;
  if (!trim(saved_name).empty()) device_name = trim(saved_name);
  else if (!device_id.empty()) device_name = "yizhen-" + device_id.substr(0, 8);
  else device_name = "yizhen";
}

std::string EnrollForm::server_url() const {
  std::string u = trim(url);
  while (!u.empty() && u.back() == '/') u.pop_back();
  if (const auto pin = sync::normalize_fingerprint(trim(fingerprint)); pin && u.rfind("https://", 0) == 0)
    return sync::pinned_url(u, *pin);
  return u;
}

bool EnrollForm::check() {
  errors.clear();
  const std::string u = server_url();
  std::string rest;
  if (u.rfind("http://", 0) == 0) rest = u.substr(7);
  else if (u.rfind("https://", 0) == 0) rest = u.substr(8);
  const bool has_host = !rest.empty() && rest[0] != '/' && rest[0] != ':' && rest.find(' ') == std::string::npos;
  if (u.empty()) errors["url"] = problem_words({"url", "required"});
  else if (!has_host)
    errors["url"] = words(S::sy_bad_url);
  const bool https = u.rfind("https://", 0) == 0;
  const std::string typed = trim(fingerprint);
  if (https && typed.empty()) errors["fingerprint"] = words(S::sy_https_needs_fingerprint);
  else if (!typed.empty() && !sync::normalize_fingerprint(typed)) errors["fingerprint"] = words(S::sy_bad_fingerprint);
  else if (!typed.empty() && !https && has_host) errors["fingerprint"] = words(S::sy_fingerprint_needs_https);
  if (trim(code).empty()) errors["code"] = problem_words({"code", "required"});
  if (trim(device_name).empty()) errors["device_name"] = problem_words({"device_name", "required"});
  return errors.empty();
}

}  // namespace yz::app
