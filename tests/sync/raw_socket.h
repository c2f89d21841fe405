#pragma once
// Raw TCP clients for the server tests that must misbehave below HTTP: cut
// uploads, hostile framing, clients that dribble their headers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace yz_sync_test {

// The port of a server URL such as "http://127.0.0.1:41234".
inline int port_of(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

// A socket connected to 127.0.0.1:`port`, or -1. The caller closes it.
inline int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  if (fd >= 0) ::close(fd);
  return -1;
}

// A slow client: a request head sent one byte every 100 ms (a header that
// never ends) until `stop` is set or the server hangs up.
inline void dribble_request_head(int port, const std::atomic<bool>& stop) {
  const int fd = connect_loopback(port);
  if (fd < 0) return;
  const std::string head = "GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  for (size_t k = 0; !stop; ++k) {
    const char c = k < head.size() ? head[k] : 'a';
    if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::close(fd);
}

}  // namespace yz_sync_test
