#pragma once
// HttpTransport over libcurl: one easy handle per transport, reused so that connections (and TLS
// sessions) are kept alive between the many small Ariel requests. Verification is on unless
// TransportOptions::insecure; TLS 1.2 (or 1.3) is the floor; a proxy only when the options name
// one, and only for https:// (NO_PROXY from the environment still applies); plain http:// only
// ever to a loopback peer, checked on the address actually connected to before anything is
// sent. Never verbose: libcurl's debug output would show headers.
#include <memory>

#include "qradar_client/http_transport.h"
#include "qradar_client/tls_options.h"

namespace aihunt::qradar {

class CurlTransport final : public HttpTransport {
 public:
  // Fails only when libcurl cannot make a handle; options are validated by the caller.
  static core::Result<std::unique_ptr<CurlTransport>> create(TransportOptions options);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Exchange send(const HttpRequest& request, const BodySink* sink) override;

 private:
  struct Impl;
  explicit CurlTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace aihunt::qradar
