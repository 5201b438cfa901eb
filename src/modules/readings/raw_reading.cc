#include "modules/readings/raw_reading.h"

namespace ecotown::readings {

const char* SourceName(Source source) {
  switch (source) {
    case Source::kAirrohr: return "airrohr";
    case Source::kAirGradient: return "airgradient";
    case Source::kPurpleAir: return "purpleair";
    case Source::kAir4Thai: return "air4thai";
    case Source::kJsonBatch: return "json";
    case Source::kCsv: return "csv";
    case Source::kMqtt: return "mqtt";
  }
  return "json";
}

}  // namespace ecotown::readings
