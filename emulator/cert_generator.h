#pragma once
// A throwaway PKI made at start: a CA and a server certificate it signs, for localhost,
// 127.0.0.1 and ::1 (plus extra names). Clients verify the server with the CA file
// (`--ca-out`), as they would verify a console with a self-signed certificate: no "verify off".
#include <string>
#include <vector>

#include "core/result.h"

namespace aihunt::emulator {

struct GeneratedCertificate {
  std::string ca_pem;          // the CA certificate: what clients trust
  std::string cert_chain_pem;  // server certificate followed by the CA
  std::string key_pem;         // the server's private key (PKCS#8)
};

// `extra_names`: more DNS names or IP addresses for the subjectAltName.
core::Result<GeneratedCertificate> generateCertificate(
    const std::vector<std::string>& extra_names = {});

}  // namespace aihunt::emulator
