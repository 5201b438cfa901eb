// What an ingest call reports back, and the sink through which device adapters (MQTT, pollers)
// hand readings to the readings service.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "modules/readings/raw_reading.h"

namespace ecotown::readings {

// One refused reading of a batch: its index in the input and the reason, naming the field.
struct RowError {
  size_t index = 0;
  std::string device_key;
  std::string message;
};

struct IngestSummary {
  int64_t received = 0;    // readings offered
  int64_t accepted = 0;    // newly stored (flagged ones included)
  int64_t duplicates = 0;  // already stored for that (sensor, ts): no change
  int64_t flagged = 0;     // accepted with at least one QA flag
  int64_t rejected = 0;    // refused (unknown device, bad value, ...); see errors
  std::vector<RowError> errors;
};

// Adapters call the sink with what one message or poll delivered; received_at is the Unix time
// of receipt (QA compares device clocks against it). An error means nothing of the batch was
// stored and the adapter should log it (and retry where the transport allows).
using ReadingSink = std::function<Result<IngestSummary>(std::vector<RawReading> readings, int64_t received_at)>;

// Adapters call it with a message they refused whole, before any reading reached the ReadingSink
// (a payload the parser refused): the transport, the device key when the transport names the
// device (else empty), the error naming what is wrong, and the time of receipt. For the network
// health page; it logs its own failures and never throws.
using RefusalSink = std::function<void(Source source, std::string device_key, std::string message, int64_t received_at)>;

}  // namespace ecotown::readings
