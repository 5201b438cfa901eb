// SqlSensorStore: the sensor registry on either SQL dialect, bound to one Scope.
#pragma once

#include "modules/sensors/sensor.h"
#include "modules/tenancy/access.h"
#include "store/database.h"

namespace ecotown::store {

class SqlSensorStore final : public sensors::SensorStore {
 public:
  SqlSensorStore(Connection& conn, const tenancy::Scope& scope) : conn_(conn), scope_(scope) {}
  Result<int64_t> Insert(const sensors::Sensor& sensor) override;
  Result<sensors::Sensor> Get(int64_t id) override;
  Result<std::vector<sensors::Sensor>> List(std::optional<sensors::SensorStatus> status) override;
  Status Update(const sensors::Sensor& sensor) override;
  Status SetDeviceSecretHash(int64_t id, std::string_view hash, int64_t now) override;
  Result<sensors::SensorCredential> FindByDeviceKey(std::string_view device_key) override;

 private:
  Connection& conn_;
  const tenancy::Scope& scope_;
};

}  // namespace ecotown::store
