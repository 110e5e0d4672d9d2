#include "emulator/cert_generator.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace aihunt::emulator {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

core::Error tlsError(const std::string& what) {
  return core::makeError(core::ErrorCode::kTls, "certificate generation: " + what);
}

bool isIpAddress(const std::string& name) {
  return name.find(':') != std::string::npos ||
         name.find_first_not_of("0123456789.") == std::string::npos;
}

bool addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return ok == 1;
}

core::Result<CertPtr> makeCertificate(const std::string& common_name, EVP_PKEY* subject_key,
                                      X509* issuer, EVP_PKEY* issuer_key, bool is_ca,
                                      const std::string& alt_names) {
  CertPtr cert(X509_new());
  if (!cert) return tlsError("X509_new");
  X509_set_version(cert.get(), 2);
  unsigned char serial_bytes[16];
  if (RAND_bytes(serial_bytes, sizeof serial_bytes) != 1) return tlsError("RAND_bytes");
  serial_bytes[0] &= 0x7F;
  BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr);
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
  BN_free(serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 365);
  X509_set_pubkey(cert.get(), subject_key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("aihunt qradar-emu"), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509* issuer_cert = issuer == nullptr ? cert.get() : issuer;
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert));
  bool ok = true;
  if (is_ca) {
    ok = ok && addExtension(cert.get(), issuer_cert, NID_basic_constraints, "critical,CA:TRUE");
    ok = ok && addExtension(cert.get(), issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    ok = ok && addExtension(cert.get(), issuer_cert, NID_basic_constraints, "critical,CA:FALSE");
    ok = ok && addExtension(cert.get(), issuer_cert, NID_key_usage,
                            "critical,digitalSignature,keyEncipherment");
    ok = ok && addExtension(cert.get(), issuer_cert, NID_ext_key_usage, "serverAuth");
    ok = ok && addExtension(cert.get(), issuer_cert, NID_subject_alt_name, alt_names);
  }
  ok = ok && addExtension(cert.get(), issuer_cert, NID_subject_key_identifier, "hash");
  if (!ok) return tlsError("adding extensions");
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) return tlsError("X509_sign");
  return cert;
}

core::Result<std::string> certPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return tlsError("PEM_write_bio_X509");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

core::Result<std::string> keyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return tlsError("PEM_write_bio_PrivateKey");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

core::Result<GeneratedCertificate> generateCertificate(
    const std::vector<std::string>& extra_names) {
  KeyPtr ca_key(EVP_EC_gen("P-256"));
  KeyPtr server_key(EVP_EC_gen("P-256"));
  if (!ca_key || !server_key) return tlsError("EC key generation");
  std::string alt_names = "DNS:localhost,IP:127.0.0.1,IP:::1";
  for (const std::string& name : extra_names) {
    if (name.empty() || name.find(',') != std::string::npos) continue;
    alt_names += (isIpAddress(name) ? ",IP:" : ",DNS:") + name;
  }
  auto ca = makeCertificate("qradar-emu test CA", ca_key.get(), nullptr, ca_key.get(), true, "");
  if (!ca.ok()) return ca.error();
  auto server =
      makeCertificate("localhost", server_key.get(), ca->get(), ca_key.get(), false, alt_names);
  if (!server.ok()) return server.error();
  auto ca_text = certPem(ca->get());
  auto server_text = certPem(server->get());
  auto key_text = keyPem(server_key.get());
  if (!ca_text.ok()) return ca_text.error();
  if (!server_text.ok()) return server_text.error();
  if (!key_text.ok()) return key_text.error();
  return GeneratedCertificate{*ca_text, *server_text + *ca_text, *key_text};
}

}  // namespace aihunt::emulator
