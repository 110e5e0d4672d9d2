#pragma once
// The Boost.Asio SSL context adapter: TLS 1.2+ server context from PEM text. Asio's exceptions
// stop here.
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "core/result.h"

namespace aihunt::emulator {

core::Result<std::shared_ptr<boost::asio::ssl::context>> makeServerTlsContext(
    const std::string& cert_chain_pem, const std::string& key_pem);

}  // namespace aihunt::emulator
