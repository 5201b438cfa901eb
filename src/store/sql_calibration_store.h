// SqlCalibrationStore: calibration models and sensor photos on either SQL dialect, bound to one
// Scope (a sensor outside it has no models and no photo; writes need write access to its
// organisation).
#pragma once

#include "modules/calibration/calibration.h"
#include "modules/tenancy/access.h"
#include "store/database.h"

namespace ecotown::store {

class SqlCalibrationStore final : public calibration::CalibrationStore {
 public:
  SqlCalibrationStore(Connection& conn, const tenancy::Scope& scope) : conn_(conn), scope_(scope) {}
  Result<int64_t> Insert(const calibration::CalibrationModel& model) override;
  Result<std::vector<calibration::CalibrationModel>> List(int64_t sensor_id) override;
  Status SetValidTo(int64_t sensor_id, int64_t id, std::optional<int64_t> valid_to) override;
  Status PutPhoto(const calibration::SensorPhoto& photo) override;
  Result<calibration::SensorPhoto> GetPhoto(int64_t sensor_id) override;

 private:
  // Write access to the sensor's organisation; NotFound when the sensor is outside the scope.
  Status RequireSensorWrite(int64_t sensor_id);

  Connection& conn_;
  const tenancy::Scope& scope_;
};

}  // namespace ecotown::store
