#include "store/sql_calibration_store.h"

#include <string>

namespace ecotown::store {
namespace {

constexpr const char* kModelColumns =
    "SELECT c.id, c.sensor_id, c.version, c.kind, c.slope, c.intercept, c.rh_coef, c.valid_from, c.valid_to, "
    "c.fit_reference_sensor_id, c.fit_from, c.fit_to, c.fit_n, c.fit_r2, c.fit_rmse, c.fit_bias, c.fit_raw_bias, "
    "c.notes, c.created_at, c.created_by FROM sensor_calibrations c JOIN sensors s ON s.id = c.sensor_id ";

calibration::CalibrationModel ModelFromRow(const Row& row) {
  calibration::CalibrationModel model;
  model.id = row.Int(0);
  model.sensor_id = row.Int(1);
  model.version = static_cast<int>(row.Int(2));
  auto kind = calibration::ParseModelKind(row.Text(3));
  model.kind = kind.ok() ? *kind : calibration::ModelKind::kLinear;
  model.slope = row.Real(4);
  model.intercept = row.Real(5);
  model.rh_coef = row.OptReal(6);
  model.valid_from = row.Int(7);
  model.valid_to = row.OptInt(8);
  if (!row.IsNull(9)) {
    model.fit = calibration::FitSummary{row.Int(9),   row.Int(10),  row.Int(11),  row.Int(12),
                                        row.Real(13), row.Real(14), row.Real(15), row.Real(16)};
  }
  model.notes = row.Text(17);
  model.created_at = row.Int(18);
  model.created_by = row.Text(19);
  return model;
}

}  // namespace

Status SqlCalibrationStore::RequireSensorWrite(int64_t sensor_id) {
  auto row = conn_.QueryOne("SELECT org_id FROM sensors WHERE id = $1 AND " + scope_.OrgFilterSql("org_id"),
                            {V(sensor_id)}, "sensor");
  if (!row.ok()) return row.status();
  return scope_.RequireWrite(row->Int(0), "sensor");
}

Result<int64_t> SqlCalibrationStore::Insert(const calibration::CalibrationModel& model) {
  RETURN_IF_ERROR(RequireSensorWrite(model.sensor_id));
  const auto& fit = model.fit;
  auto row = conn_.QueryOne(
      "INSERT INTO sensor_calibrations (sensor_id, version, kind, slope, intercept, rh_coef, valid_from, valid_to, "
      "fit_reference_sensor_id, fit_from, fit_to, fit_n, fit_r2, fit_rmse, fit_bias, fit_raw_bias, notes, "
      "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
      "$18, $19) RETURNING id",
      {V(model.sensor_id), V(model.version), V(calibration::ModelKindName(model.kind)), V(model.slope),
       V(model.intercept), V(model.rh_coef), V(model.valid_from), V(model.valid_to),
       fit ? V(fit->reference_sensor_id) : Value(Null{}), fit ? V(fit->period_from) : Value(Null{}),
       fit ? V(fit->period_to) : Value(Null{}), fit ? V(fit->n) : Value(Null{}), fit ? V(fit->r2) : Value(Null{}),
       fit ? V(fit->rmse) : Value(Null{}), fit ? V(fit->bias) : Value(Null{}), fit ? V(fit->raw_bias) : Value(Null{}),
       V(model.notes), V(model.created_at), V(model.created_by)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<std::vector<calibration::CalibrationModel>> SqlCalibrationStore::List(int64_t sensor_id) {
  auto result = conn_.Query(std::string(kModelColumns) + "WHERE c.sensor_id = $1 AND " +
                                scope_.OrgFilterSql("s.org_id") + " ORDER BY c.version DESC",
                            {V(sensor_id)});
  if (!result.ok()) return result.status();
  std::vector<calibration::CalibrationModel> models;
  models.reserve(result->rows.size());
  for (const auto& row : result->rows) models.push_back(ModelFromRow(row));
  return models;
}

Status SqlCalibrationStore::SetValidTo(int64_t sensor_id, int64_t id, std::optional<int64_t> valid_to) {
  RETURN_IF_ERROR(RequireSensorWrite(sensor_id));
  auto result = conn_.Exec("UPDATE sensor_calibrations SET valid_to = $1 WHERE id = $2 AND sensor_id = $3",
                           {V(valid_to), V(id), V(sensor_id)});
  if (!result.ok()) return result.status();
  return *result == 1 ? Status::Ok() : Status::NotFound("calibration not found");
}

Status SqlCalibrationStore::PutPhoto(const calibration::SensorPhoto& photo) {
  RETURN_IF_ERROR(RequireSensorWrite(photo.sensor_id));
  auto result = conn_.Exec(
      "INSERT INTO sensor_photos (sensor_id, content_type, bytes, sha256, size, uploaded_at, uploaded_by) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sensor_id) DO UPDATE SET content_type = excluded.content_type, "
      "bytes = excluded.bytes, sha256 = excluded.sha256, size = excluded.size, uploaded_at = excluded.uploaded_at, "
      "uploaded_by = excluded.uploaded_by",
      {V(photo.sensor_id), V(photo.content_type), B(photo.bytes), V(photo.sha256), V(photo.size), V(photo.uploaded_at),
       V(photo.uploaded_by)});
  if (!result.ok()) return result.status();
  return Status::Ok();
}

Result<calibration::SensorPhoto> SqlCalibrationStore::GetPhoto(int64_t sensor_id) {
  auto row = conn_.QueryOne(
      "SELECT p.sensor_id, p.content_type, p.bytes, p.sha256, p.size, p.uploaded_at, p.uploaded_by "
      "FROM sensor_photos p JOIN sensors s ON s.id = p.sensor_id WHERE p.sensor_id = $1 AND " +
          scope_.OrgFilterSql("s.org_id"),
      {V(sensor_id)}, "sensor photo");
  if (!row.ok()) return row.status();
  calibration::SensorPhoto photo;
  photo.sensor_id = row->Int(0);
  photo.content_type = row->Text(1);
  photo.bytes = row->Bytes(2);
  photo.sha256 = row->Text(3);
  photo.size = row->Int(4);
  photo.uploaded_at = row->Int(5);
  photo.uploaded_by = row->Text(6);
  return photo;
}

}  // namespace ecotown::store
