#pragma once
// The server's TLS certificate (yizhen-server --tls-cert/--tls-key): devices
// pin its SHA-256 at enrollment (sync/client/transport.h), so the
// fingerprint is printed with every enrollment code and at start.

#include <string>

namespace yz::sync {

// The SHA-256 (lower-case hex) of the DER form of the first certificate in
// the PEM file at `path`. Throws std::runtime_error naming the file when it
// cannot be read or holds no certificate.
std::string certificate_sha256(const std::string& path);

}  // namespace yz::sync
