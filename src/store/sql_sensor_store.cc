#include "store/sql_sensor_store.h"

#include <string>

namespace ecotown::store {
namespace {

constexpr const char* kSensorColumns =
    "SELECT id, org_id, code, name, model, is_reference, device_key, lat, lon, siting_notes, install_date, "
    "maintenance, status, created_at, updated_at, device_secret_hash, sample_interval_s FROM sensors ";

sensors::Sensor SensorFromRow(const Row& row) {
  sensors::Sensor sensor;
  sensor.id = row.Int(0);
  sensor.org_id = row.Int(1);
  sensor.code = row.Text(2);
  sensor.name = row.Text(3);
  auto model = sensors::ParseModel(row.Text(4));
  sensor.model = model.ok() ? *model : sensors::Model::kOther;
  sensor.is_reference = row.Bool(5);
  sensor.device_key = row.OptText(6);
  sensor.lat = row.Real(7);
  sensor.lon = row.Real(8);
  sensor.siting_notes = row.Text(9);
  sensor.install_date = row.OptText(10);
  sensor.maintenance = row.Bool(11);
  auto status = sensors::ParseSensorStatus(row.Text(12));
  sensor.status = status.ok() ? *status : sensors::SensorStatus::kInactive;
  sensor.created_at = row.Int(13);
  sensor.updated_at = row.Int(14);
  sensor.sample_interval_seconds = row.Int(16);
  return sensor;
}

}  // namespace

Result<int64_t> SqlSensorStore::Insert(const sensors::Sensor& sensor) {
  RETURN_IF_ERROR(scope_.RequireWrite(sensor.org_id, "organisation"));
  auto row = conn_.QueryOne(
      "INSERT INTO sensors (org_id, code, name, model, is_reference, device_key, lat, lon, siting_notes, "
      "install_date, maintenance, status, created_at, updated_at, sample_interval_s) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
      {V(sensor.org_id), V(sensor.code), V(sensor.name), V(sensors::ModelName(sensor.model)), V(sensor.is_reference),
       V(sensor.device_key), V(sensor.lat), V(sensor.lon), V(sensor.siting_notes), V(sensor.install_date),
       V(sensor.maintenance), V(sensors::SensorStatusName(sensor.status)), V(sensor.created_at),
       V(sensor.updated_at), V(sensor.sample_interval_seconds)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<sensors::Sensor> SqlSensorStore::Get(int64_t id) {
  auto row = conn_.QueryOne(std::string(kSensorColumns) + "WHERE id = $1 AND " + scope_.OrgFilterSql("org_id"),
                            {V(id)}, "sensor");
  if (!row.ok()) return row.status();
  return SensorFromRow(*row);
}

Result<std::vector<sensors::Sensor>> SqlSensorStore::List(std::optional<sensors::SensorStatus> status) {
  std::string sql = std::string(kSensorColumns) + "WHERE " + scope_.OrgFilterSql("org_id");
  Params params;
  if (status) {
    sql += " AND status = $1";
    params.push_back(V(sensors::SensorStatusName(*status)));
  }
  sql += " ORDER BY org_id, code";
  auto result = conn_.Query(sql, params);
  if (!result.ok()) return result.status();
  std::vector<sensors::Sensor> sensors;
  sensors.reserve(result->rows.size());
  for (const auto& row : result->rows) sensors.push_back(SensorFromRow(row));
  return sensors;
}

Status SqlSensorStore::Update(const sensors::Sensor& sensor) {
  RETURN_IF_ERROR(scope_.RequireWrite(sensor.org_id, "sensor"));
  auto result = conn_.Exec(
      "UPDATE sensors SET name = $1, device_key = $2, lat = $3, lon = $4, siting_notes = $5, maintenance = $6, "
      "status = $7, updated_at = $8, sample_interval_s = $11 WHERE id = $9 AND org_id = $10",
      {V(sensor.name), V(sensor.device_key), V(sensor.lat), V(sensor.lon), V(sensor.siting_notes),
       V(sensor.maintenance), V(sensors::SensorStatusName(sensor.status)), V(sensor.updated_at), V(sensor.id),
       V(sensor.org_id), V(sensor.sample_interval_seconds)});
  if (!result.ok()) return result.status();
  return *result == 1 ? Status::Ok() : Status::NotFound("sensor not found");
}

Status SqlSensorStore::SetDeviceSecretHash(int64_t id, std::string_view hash, int64_t now) {
  ASSIGN_OR_RETURN(const sensors::Sensor sensor, Get(id));
  RETURN_IF_ERROR(scope_.RequireWrite(sensor.org_id, "sensor"));
  auto result = conn_.Exec("UPDATE sensors SET device_secret_hash = $1, updated_at = $2 WHERE id = $3 AND org_id = $4",
                           {V(hash), V(now), V(id), V(sensor.org_id)});
  if (!result.ok()) return result.status();
  return *result == 1 ? Status::Ok() : Status::NotFound("sensor not found");
}

Result<sensors::SensorCredential> SqlSensorStore::FindByDeviceKey(std::string_view device_key) {
  auto row = conn_.QueryOne(std::string(kSensorColumns) + "WHERE device_key = $1", {V(device_key)}, "sensor");
  if (!row.ok()) return row.status();
  return sensors::SensorCredential{SensorFromRow(*row), row->OptText(15)};
}

}  // namespace ecotown::store
