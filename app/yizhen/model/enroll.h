#pragma once
// Enrolling this device with a sync server from the Sync screen: the form
// (server URL, the certificate fingerprint of an https server, one-time
// code, device name) and its checks, without any UI or network. The enrollment itself runs on SyncService's worker thread.
//
// Threads: UI thread (a copy of the trimmed fields goes to the worker).

#include <string>

#include "app/yizhen/model/forms.h"

namespace yz::app {

struct EnrollForm {
  std::string url, fingerprint, code, device_name;
  FieldErrors errors;  // keys "url", "fingerprint", "code", "device_name"

  // Fill an empty device name: the saved one, else "yizhen-" and the start
  // of the device id, else "yizhen".
  void default_device_name(const std::string& saved_name, const std::string& device_id);
  // URL: http:// or https:// followed by a host; an https server needs the
  // fingerprint `yizhen-server admin enroll-code` printed with the code (the
  // device pins that certificate), an http one takes none; code and device
  // name not empty. Puts each problem under its field; true when there is
  // none.
  bool check();
  // The URL as it is sent: trimmed, without a trailing '/', pinned to the
  // fingerprint when one was typed (sync::pinned_url).
  std::string server_url() const;
};

}  // namespace yz::app
