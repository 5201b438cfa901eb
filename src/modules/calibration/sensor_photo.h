// The site photo of a sensor: one image per sensor, documenting how it is mounted (siting).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace ecotown::calibration {

// 5 MiB: a phone photo at a reasonable quality; larger uploads are refused (413).
inline constexpr size_t kMaxPhotoBytes = 5 * 1024 * 1024;

struct SensorPhoto {
  int64_t sensor_id = 0;
  std::string content_type;  // "image/jpeg", "image/png" or "image/webp", from the bytes
  std::string bytes;
  std::string sha256;       // hex, of bytes
  int64_t size = 0;         // bytes.size()
  int64_t uploaded_at = 0;  // Unix s
  std::string uploaded_by;  // the principal's name
};

// The image type named by the leading bytes: JPEG (FF D8 FF), PNG (89 'PNG' 0D 0A 1A 0A) or WebP
// ("RIFF" size "WEBP"). Empty for anything else, whatever the client claimed.
std::string_view DetectImageType(std::string_view bytes);

}  // namespace ecotown::calibration
