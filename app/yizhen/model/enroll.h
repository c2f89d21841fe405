#pragma once
// Enrolling this device with a sync server from the Sync screen: the form
// (server URL, one-time code, device name) and its checks, without any UI or
// network. The enrollment itself runs on SyncService's worker thread.
//
// Threads: UI thread (a copy of the trimmed fields goes to the worker).

#include <string>

#include "app/yizhen/model/forms.h"

namespace yz::app {

struct EnrollForm {
  std::string url, code, device_name;
  FieldErrors errors;  // keys "url", "code", "device_name"

  // Fill an empty device name: the saved one, else "yizhen-" and the start
  // of the device id, else "yizhen".
  void default_device_name(const std::string& saved_name, const std::string& device_id);
  // URL: http:// or https:// followed by a host; code and device name not
  // empty. Puts each problem under its field; true when there is none.
  bool check(Lang lang);
  // The URL as it is sent: trimmed, without a trailing '/'.
  std::string server_url() const;
};

}  // namespace yz::app
