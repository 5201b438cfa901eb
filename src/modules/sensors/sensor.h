// Sensors: the registry of air-quality monitors an LAO operates, and the store port it needs.
//
// A sensor belongs to one organisation. Its code is unique within the organisation; its
// device_key (how the device names itself on the wire) is unique across all organisations,
// because ingest resolves the key before it knows the tenant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ecotown::sensors {

enum class Model {
  kSds011,
  kPlantowerPms,
  kSps30,
  kAirGradient,
  kPurpleAir,
  kReferenceBam,
  kReferenceTeom,
  kOther,
};
// "sds011", "plantower-pms", "sps30", "airgradient", "purpleair", "reference-bam", "reference-teom", "other".
const char* ModelName(Model model);
// Invalid(field "model") for unknown names.
Result<Model> ParseModel(std::string_view name);
// Reference-grade instruments (BAM, TEOM) calibrate the low-cost ones.
bool IsReferenceModel(Model model);
// The usual reporting interval of a model, seconds: airrohr (SDS011) 145, AirGradient and
// Plantower/SPS30 gateways 60, PurpleAir 120, reference monitors 3600 (hourly), others 60.
int64_t DefaultSampleInterval(Model model);

enum class SensorStatus { kActive, kInactive, kRetired };
// "active", "inactive", "retired".
const char* SensorStatusName(SensorStatus status);
// Invalid(field "status") for unknown names.
Result<SensorStatus> ParseSensorStatus(std::string_view name);

struct Sensor {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string code;  // 1-32 of [a-z0-9-_], unique within the organisation
  std::string name;  // up to 200 characters, Thai welcome
  Model model = Model::kOther;
  bool is_reference = false;  // derived from the model
  std::optional<std::string> device_key;  // globally unique; absent until the device is known
  double lat = 0;  // WGS84, inside Thailand's bounding box
  double lon = 0;
  std::string siting_notes;  // up to 2000 characters
  std::optional<std::string> install_date;  // YYYY-MM-DD, not in the future
  bool maintenance = false;  // in maintenance no alerts fire for this sensor
  SensorStatus status = SensorStatus::kActive;
  // How often the device reports, seconds (10..86400): a complete hour holds 3600 / interval
  // samples, and hourly means need 75 % of them.
  int64_t sample_interval_seconds = 60;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// What ingest needs to authenticate a device: the sensor and its credential hash.
struct SensorCredential {
  Sensor sensor;
  std::optional<std::string> device_secret_hash;  // absent until a secret was issued
};

// Thailand's bounding box (WGS84 degrees); positions outside it are refused.
inline constexpr double kMinLat = 5.6, kMaxLat = 20.5, kMinLon = 97.3, kMaxLon = 105.7;

// Field validation; each failure is Invalid naming the field.
Status ValidateCode(std::string_view code);                       // "code"
Status ValidateName(std::string_view name);                       // "name"
Status ValidateDeviceKey(std::string_view device_key);            // "device_key": 1-64 of [A-Za-z0-9:._-]
Status ValidatePosition(double lat, double lon);                  // "lat" or "lon"
Status ValidateSitingNotes(std::string_view notes);               // "siting_notes"
Status ValidateSampleInterval(int64_t seconds);                    // "sample_interval_seconds"
// "install_date": YYYY-MM-DD naming a real day no later than today in Bangkok at now_unix.
Status ValidateInstallDate(std::string_view date, int64_t now_unix);
// Every field of a sensor about to be written.
Status ValidateSensor(const Sensor& sensor, int64_t now_unix);

// Persistence port. Methods are scoped (other organisations' sensors are NotFound, writes are
// checked against the scope) except FindByDeviceKey, which ingest calls before a tenant is known.
class SensorStore {
 public:
  virtual ~SensorStore() = default;

  // Conflict when the code is taken in the organisation or the device_key anywhere.
  virtual Result<int64_t> Insert(const Sensor& sensor) = 0;
  virtual Result<Sensor> Get(int64_t id) = 0;
  // Ordered by organisation, then code.
  virtual Result<std::vector<Sensor>> List(std::optional<SensorStatus> status) = 0;
  // Writes name, device_key, lat, lon, siting_notes, maintenance, status, sample interval and updated_at.
  virtual Status Update(const Sensor& sensor) = 0;
  virtual Status SetDeviceSecretHash(int64_t id, std::string_view hash, int64_t now) = 0;

  // Unscoped: ingest.
  virtual Result<SensorCredential> FindByDeviceKey(std::string_view device_key) = 0;
};

}  // namespace ecotown::sensors
