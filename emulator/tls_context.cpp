#include "emulator/tls_context.h"

#include <boost/system/system_error.hpp>

namespace aihunt::emulator {

core::Result<std::shared_ptr<boost::asio::ssl::context>> makeServerTlsContext(
    const std::string& cert_chain_pem, const std::string& key_pem) {
  namespace ssl = boost::asio::ssl;
  try {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    context->use_certificate_chain(boost::asio::buffer(cert_chain_pem));
    context->use_private_key(boost::asio::buffer(key_pem), ssl::context::pem);
    return context;
  } catch (const boost::system::system_error& e) {
    return core::makeError(core::ErrorCode::kTls,
                           std::string("loading certificate or key: ") + e.what());
  }
}

}  // namespace aihunt::emulator
