// gzip (RFC 1952) for answers sent to clients that accept it (Accept-Encoding: gzip).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace ecotown::http {

// `data` gzip-compressed at zlib's fastest level (JSON lists shrink ~8x at a few ms per MB);
// nullopt when zlib fails (out of memory): send the answer uncompressed then.
std::optional<std::string> Gzip(std::string_view data);

// True when the request's Accept-Encoding names gzip (or *) without q=0.
bool AcceptsGzip(const Request& request);

}  // namespace ecotown::http
