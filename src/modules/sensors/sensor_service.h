// SensorService: the use cases of the sensor registry. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/sensors/sensor.h"
#include "modules/unit_of_work.h"

namespace ecotown::sensors {

struct NewSensor {
  std::optional<std::string> org_code;  // default: the caller's organisation
  std::string code;
  std::string name;
  Model model = Model::kOther;
  std::optional<std::string> device_key;
  double lat = 0;
  double lon = 0;
  std::string siting_notes;
  std::optional<std::string> install_date;
  bool maintenance = false;
  SensorStatus status = SensorStatus::kActive;
  std::optional<int64_t> sample_interval_seconds;  // default: DefaultSampleInterval(model)
};

// A partial update; absent fields stay as they are.
struct SensorChanges {
  std::optional<std::string> name;
  std::optional<std::string> siting_notes;
  std::optional<bool> maintenance;
  std::optional<SensorStatus> status;
  std::optional<int64_t> sample_interval_seconds;
  std::optional<double> lat;  // lat and lon are validated together with the other's current value
  std::optional<double> lon;
  // Outer absent: unchanged; inner absent: the key is removed.
  std::optional<std::optional<std::string>> device_key;
};

struct RotatedSecret {
  Sensor sensor;
  std::string secret;  // shown once; only its hash is stored
};

class SensorService {
 public:
  // Needs kWrite and write access to the organisation. Invalid naming the field for bad input;
  // Conflict naming "code" or "device_key" for duplicates.
  Result<Sensor> Create(UnitOfWork& work, const NewSensor& request) const;
  // NotFound outside the scope.
  Result<Sensor> Get(UnitOfWork& work, int64_t id) const;
  Result<std::vector<Sensor>> List(UnitOfWork& work, std::optional<SensorStatus> status) const;
  // Needs kWrite; same errors as Create.
  Result<Sensor> Update(UnitOfWork& work, int64_t id, const SensorChanges& changes) const;
  // Needs kWrite. Issues a new device secret (HTTP Basic credential of the device), replacing
  // any earlier one.
  Result<RotatedSecret> RotateDeviceSecret(UnitOfWork& work, int64_t id) const;

  // A device posting readings: the sensor registered with this device key. Once a secret was
  // issued the device must present it (HTTP Basic password; the user name is not checked):
  // Unauthenticated without it, Forbidden when wrong. Without an issued secret the key alone is
  // accepted (airrohr's Basic auth is optional). NotFound ("sensor") for unknown keys, Forbidden
  // for retired sensors. Runs under any scope (ingest happens before a tenant is known).
  Result<Sensor> AuthenticateDevice(UnitOfWork& work, std::string_view device_key,
                                    const std::optional<std::string>& secret) const;
};

}  // namespace ecotown::sensors
