// UTF-8 validation for every text that enters from outside (HTTP bodies, CSV, sensor payloads).
#pragma once

#include <string_view>

namespace ecotown::core {

// True when text is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Number of Unicode code points in valid UTF-8 text (used for length limits that users see).
size_t CodePointCount(std::string_view text);

}  // namespace ecotown::core
