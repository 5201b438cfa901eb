// The calibration store and service on every backend: versioned models with non-overlapping
// validity periods, the least-squares fit over hourly aggregates from the readings store, site
// photos as bytes, tenant scoping and the audit trail. Runs on SQLite (a fresh file) and on
// PostgreSQL (a fresh database; skipped when ECOTOWN_TEST_PG_URL is unset).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "modules/accounts/account_service.h"
#include "modules/accounts/secrets.h"
#include "modules/calibration/calibration_service.h"
#include "modules/orgs/org_service.h"
#include "modules/readings/reading_service.h"
#include "modules/sensors/sensor_service.h"
#include "store/database.h"
#include "store/migrations/migrations.h"
#include "store/sql_stores.h"
#include "support/test_env.h"

namespace ecotown::store {
namespace {

using calibration::CalibrationModel;
using calibration::CalibrationService;
using calibration::ModelKind;
using calibration::NewCalibration;
using tenancy::Role;
using tenancy::Scope;

constexpr int64_t kNow = 1'750'000'000;  // 2025-06-15 15:06:40 UTC
constexpr int64_t kDay = 86400;
// 2025-06-01 00:00 Bangkok.
constexpr int64_t kJune1 = 1'748'710'800;

class CalibrationStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(accounts::InitSecrets().ok());
    if (GetParam() == "postgres") {
      if (!testing::PostgresAdminUrl()) GTEST_SKIP() << "PostgreSQL tests not configured (ECOTOWN_TEST_PG_URL)";
      auto pg = testing::FreshPostgresDatabase("calib");
      ASSERT_TRUE(pg.has_value()) << "could not create a PostgreSQL test database";
      url_ = *pg;
    } else {
      static std::atomic<int> counter{0};
      dir_ = std::filesystem::temp_directory_path() /
             ("ecotown-calib-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "store.db").string();
    }
    auto db = Database::Open(url_, 4);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    auto applied = Migrate(*db_, kNow);
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
    transactor_ = std::make_unique<SqlTransactor>(*db_);

    ASSERT_TRUE(SystemWrite([&](UnitOfWork& work) -> Status {
                  RETURN_IF_ERROR(orgs::AddOrg(work, {"national", orgs::OrgType::kNationalOffice, "สำนักงาน", "National",
                                                      std::nullopt, std::nullopt})
                                      .status());
                  RETURN_IF_ERROR(orgs::AddOrg(work, {"po-70", orgs::OrgType::kProvinceOffice, "จังหวัด", "Province",
                                                      std::nullopt, std::string("national")})
                                      .status());
                  for (const char* code : {"lao-a", "lao-b"}) {
                    RETURN_IF_ERROR(orgs::AddOrg(work, {code, orgs::OrgType::kTown, std::string("เทศบาล ") + code, code,
                                                        std::nullopt, std::string("po-70")})
                                        .status());
                  }
                  return Status::Ok();
                }).ok());
    officer_a_ = AddUser("lao-a", "officer-a", Role::kOfficer);
    executive_a_ = AddUser("lao-a", "mayor-a", Role::kExecutive);
    admin_b_ = AddUser("lao-b", "admin-b", Role::kLaoAdmin);
    root_ = AddUser("national", "root", Role::kSystemAdmin);

    // lao-a: a low-cost AirGradient, an SDS011, a BAM; lao-b: another BAM.
    ASSERT_TRUE(Write(officer_a_, [&](UnitOfWork& work) -> Status {
                  ASSIGN_OR_RETURN(airgradient_,
                                   sensors_.Create(work, NewSensor("ag-1", sensors::Model::kAirGradient)));
                  ASSIGN_OR_RETURN(sds_, sensors_.Create(work, NewSensor("sds-1", sensors::Model::kSds011)));
                  ASSIGN_OR_RETURN(bam_, sensors_.Create(work, NewSensor("bam-1", sensors::Model::kReferenceBam)));
                  return Status::Ok();
                }).ok());
    ASSERT_TRUE(Write(admin_b_, [&](UnitOfWork& work) -> Status {
                  ASSIGN_OR_RETURN(bam_b_, sensors_.Create(work, NewSensor("bam-b", sensors::Model::kReferenceBam)));
                  return Status::Ok();
                }).ok());
  }

  void TearDown() override {
    transactor_.reset();
    db_.reset();
    if (!dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
  }

  static RequestInfo Info(int64_t now = kNow) { return RequestInfo{"test-request", "192.0.2.10", now}; }

  Status SystemWrite(const WorkFn& fn) { return transactor_->Write(Scope::System("test"), Info(), fn); }

  accounts::User AddUser(const std::string& org, const std::string& username, Role role) {
    accounts::User created;
    Status status = SystemWrite([&](UnitOfWork& work) -> Status {
      accounts::NewUser request{org, username, role, "ผู้ใช้ " + username, std::nullopt, std::nullopt};
      ASSIGN_OR_RETURN(created, accounts::AccountService().CreateUser(work, request));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return created;
  }

  Scope ScopeOf(const accounts::User& user) {
    tenancy::Principal principal;
    principal.user_id = user.id;
    principal.org_id = user.org_id;
    principal.org_code = user.org_code;
    principal.role = user.role;
    principal.name = user.username;
    std::optional<Scope> scope;
    Status status = transactor_->Read(Scope::System("test"), Info(), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(scope, accounts::AccountService::BuildScope(work.orgs(), principal));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return scope ? *scope : Scope(principal, {}, false);
  }

  Status Write(const accounts::User& user, const WorkFn& fn) { return transactor_->Write(ScopeOf(user), Info(), fn); }
  Status Read(const accounts::User& user, const WorkFn& fn) { return transactor_->Read(ScopeOf(user), Info(), fn); }

  static sensors::NewSensor NewSensor(const std::string& code, sensors::Model model) {
    sensors::NewSensor request;
    request.code = code;
    request.name = "สถานี " + code;
    request.model = model;
    request.lat = 13.816;
    request.lon = 99.873;
    request.sample_interval_seconds = 3600;  // one reading an hour makes an hour complete
    return request;
  }

  Result<CalibrationModel> Create(const accounts::User& user, int64_t sensor_id, const NewCalibration& request) {
    std::optional<CalibrationModel> created;
    Status status = Write(user, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(created, service_.Create(work, sensor_id, request));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *created;
  }

  Result<std::vector<CalibrationModel>> History(const accounts::User& user, int64_t sensor_id) {
    std::optional<std::vector<CalibrationModel>> models;
    Status status = Read(user, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(models, service_.History(work, sensor_id));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *models;
  }

  // A proposal runs in a read transaction, a saved fit in a write one, as the route does.
  Result<calibration::FitOutcome> Fit(const accounts::User& user, const calibration::FitRequest& request) {
    std::optional<calibration::FitOutcome> outcome;
    const WorkFn fit = [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(outcome, service_.Fit(work, request));
      return Status::Ok();
    };
    Status status = request.save ? Write(user, fit) : Read(user, fit);
    if (!status.ok()) return status;
    return *outcome;
  }

  int64_t Count(const std::string& table, const std::string& where) {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return -1;
    auto result = (*conn)->Query("SELECT COUNT(*) FROM " + table + " WHERE " + where);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? result->rows.at(0).Int(0) : -1;
  }

  // One reading an hour for `hours` hours ending at June 1 + 1 h ...: the sensor's raw PM2.5 and
  // RH vary, and the BAM reads exactly 0.5·raw − 0.08·RH + 5.7.
  void IngestCoLocation(int hours) {
    std::vector<readings::RawReading> low_cost, reference;
    for (int i = 0; i < hours; ++i) {
      const double raw = 20.0 + 3.1 * i + 9.0 * std::sin(i * 0.7);
      const double rh = 60.0 + 25.0 * std::cos(i * 0.3);
      readings::RawReading r;
      r.ts = kJune1 + (i + 1) * 3600;
      r.pm2_5 = raw;
      r.humidity_pct = rh;
      low_cost.push_back(r);
      readings::RawReading b;
      b.ts = r.ts;
      b.pm2_5 = 0.5 * raw - 0.08 * rh + 5.7;
      reference.push_back(b);
    }
    Status status = SystemWrite([&](UnitOfWork& work) -> Status {
      const readings::ReadingService readings;
      ASSIGN_OR_RETURN(auto a, readings.IngestForSensor(work, airgradient_, low_cost, kNow));
      EXPECT_EQ(a.accepted, hours);
      EXPECT_EQ(a.flagged, 0);
      ASSIGN_OR_RETURN(auto b, readings.IngestForSensor(work, bam_, reference, kNow));
      EXPECT_EQ(b.accepted, hours);
      EXPECT_EQ(b.flagged, 0);
      return Status::Ok();
    });
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  static NewCalibration Linear(double slope, double intercept, int64_t valid_from,
                               std::optional<int64_t> valid_to = std::nullopt) {
    NewCalibration request;
    request.kind = ModelKind::kLinear;
    request.slope = slope;
    request.intercept = intercept;
    request.valid_from = valid_from;
    request.valid_to = valid_to;
    return request;
  }

  std::filesystem::path dir_;
  std::string url_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<SqlTransactor> transactor_;
  const sensors::SensorService sensors_{};
  const CalibrationService service_{};
  accounts::User officer_a_, executive_a_, admin_b_, root_;
  sensors::Sensor airgradient_, sds_, bam_, bam_b_;
};

INSTANTIATE_TEST_SUITE_P(Backends, CalibrationStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

TEST_P(CalibrationStoreTest, ModelsAreVersionedAndAnOpenPeriodIsClosedByTheNext) {
  NewCalibration epa;
  epa.kind = ModelKind::kEpaBarkjohn2021;
  epa.valid_from = kJune1;
  epa.notes = "ค่าเริ่มต้นของ EPA";
  auto v1 = Create(officer_a_, airgradient_.id, epa);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->version, 1);
  EXPECT_DOUBLE_EQ(v1->slope, 0.524);
  EXPECT_DOUBLE_EQ(*v1->rh_coef, -0.0862);
  EXPECT_FALSE(v1->valid_to.has_value());
  EXPECT_EQ(v1->created_by, "officer-a");

  NewCalibration linear = Linear(0.61, 2.5, kJune1 + 10 * kDay);
  linear.rh_coef = -0.05;
  auto v2 = Create(officer_a_, airgradient_.id, linear);
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ(v2->version, 2);

  // A start at or before the latest one's is refused, and nothing is written.
  for (int64_t from : {kJune1 + 10 * kDay, kJune1 + 5 * kDay, kJune1 - kDay}) {
    auto early = Create(officer_a_, airgradient_.id, Linear(0.6, 1, from));
    ASSERT_FALSE(early.ok());
    EXPECT_EQ(early.status().code(), StatusCode::kConflict);
    EXPECT_EQ(early.status().field(), "valid_from");
  }

  // A bounded model; the next may not start inside it, but may leave a gap after it.
  auto v3 = Create(officer_a_, airgradient_.id, Linear(0.7, 1, kJune1 + 20 * kDay, kJune1 + 30 * kDay));
  ASSERT_TRUE(v3.ok()) << v3.status().ToString();
  auto inside = Create(officer_a_, airgradient_.id, Linear(0.7, 1, kJune1 + 25 * kDay));
  ASSERT_FALSE(inside.ok());
  EXPECT_EQ(inside.status().code(), StatusCode::kConflict);
  auto v4 = Create(officer_a_, airgradient_.id, Linear(0.8, 0, kJune1 + 40 * kDay));
  ASSERT_TRUE(v4.ok()) << v4.status().ToString();

  auto history = History(executive_a_, airgradient_.id);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 4u);
  EXPECT_EQ((*history)[0].version, 4);
  EXPECT_EQ((*history)[3].version, 1);
  const CalibrationModel& first = (*history)[3];
  EXPECT_EQ(first.kind, ModelKind::kEpaBarkjohn2021);
  EXPECT_EQ(first.valid_to, kJune1 + 10 * kDay);  // closed where version 2 starts
  EXPECT_EQ(first.notes, "ค่าเริ่มต้นของ EPA");
  EXPECT_FALSE(first.fit.has_value());
  const CalibrationModel& second = (*history)[2];
  EXPECT_EQ(second.kind, ModelKind::kLinear);
  EXPECT_DOUBLE_EQ(second.slope, 0.61);
  EXPECT_DOUBLE_EQ(second.intercept, 2.5);
  EXPECT_DOUBLE_EQ(*second.rh_coef, -0.05);
  EXPECT_EQ(second.valid_to, kJune1 + 20 * kDay);  // closed where version 3 starts
  EXPECT_EQ((*history)[1].valid_to, kJune1 + 30 * kDay);
  EXPECT_FALSE((*history)[0].valid_to.has_value());
  EXPECT_FALSE((*history)[0].rh_coef.has_value());

  // Which model applies when.
  EXPECT_FALSE(calibration::ModelAt(*history, kJune1 - 1).has_value());
  EXPECT_EQ(calibration::ModelAt(*history, kJune1)->version, 1);
  EXPECT_EQ(calibration::ModelAt(*history, kJune1 + 10 * kDay - 1)->version, 1);
  EXPECT_EQ(calibration::ModelAt(*history, kJune1 + 10 * kDay)->version, 2);
  EXPECT_EQ(calibration::ModelAt(*history, kJune1 + 29 * kDay)->version, 3);
  EXPECT_FALSE(calibration::ModelAt(*history, kJune1 + 35 * kDay).has_value());  // the gap
  EXPECT_EQ(calibration::ModelAt(*history, kJune1 + 400 * kDay)->version, 4);

  EXPECT_EQ(Count("audit_log", "entity = 'calibration' AND action = 'create' AND actor_name = 'officer-a'"), 4);
  EXPECT_EQ(Count("audit_log", "entity = 'calibration' AND action = 'update'"), 2);  // the two closings
  EXPECT_EQ(Count("sensor_calibrations", "1=1"), 4);
}

TEST_P(CalibrationStoreTest, BadModelsAreRefusedNamingTheField) {
  struct Row {
    const char* name;
    int64_t sensor_id;
    NewCalibration request;
    const char* field;
  };
  NewCalibration epa_for_sds;
  epa_for_sds.kind = ModelKind::kEpaExtended2023;
  epa_for_sds.valid_from = kJune1;
  NewCalibration epa_with_slope = epa_for_sds;
  epa_with_slope.slope = 0.5;
  NewCalibration no_slope = Linear(1, 0, kJune1);
  no_slope.slope.reset();
  NewCalibration no_intercept = Linear(1, 0, kJune1);
  no_intercept.intercept.reset();
  NewCalibration wild_rh = Linear(1, 0, kJune1);
  wild_rh.rh_coef = 50;
  NewCalibration long_notes = Linear(1, 0, kJune1);
  long_notes.notes = std::string(2001, 'x');
  const Row rows[] = {
      {"EPA preset on an SDS011", sds_.id, epa_for_sds, "kind"},
      {"EPA preset with a slope", airgradient_.id, epa_with_slope, "slope"},
      {"calibrating a reference monitor", bam_.id, Linear(1, 0, kJune1), "sensor"},
      {"linear without slope", sds_.id, no_slope, "slope"},
      {"linear without intercept", sds_.id, no_intercept, "intercept"},
      {"zero slope", sds_.id, Linear(0, 0, kJune1), "slope"},
      {"NaN intercept", sds_.id, Linear(1, std::nan(""), kJune1), "intercept"},
      {"RH coefficient out of range", sds_.id, wild_rh, "rh_coef"},
      {"period ending before it starts", sds_.id, Linear(1, 0, kJune1, kJune1), "valid_to"},
      {"notes too long", sds_.id, long_notes, "notes"},
  };
  for (const auto& row : rows) {
    auto created = Create(officer_a_, row.sensor_id, row.request);
    ASSERT_FALSE(created.ok()) << row.name;
    EXPECT_EQ(created.status().code(), StatusCode::kInvalid) << row.name;
    EXPECT_EQ(created.status().field(), row.field) << row.name << ": " << created.status().ToString();
  }
  EXPECT_EQ(Count("sensor_calibrations", "1=1"), 0);
}

TEST_P(CalibrationStoreTest, AnotherOrganisationsSensorIsNotFoundAndExecutivesCannotWrite) {
  ASSERT_TRUE(Create(officer_a_, sds_.id, Linear(1.1, -2, kJune1)).ok());
  auto foreign_read = History(admin_b_, sds_.id);
  EXPECT_EQ(foreign_read.status().code(), StatusCode::kNotFound);
  auto foreign_write = Create(admin_b_, sds_.id, Linear(1, 0, kJune1 + kDay));
  EXPECT_EQ(foreign_write.status().code(), StatusCode::kNotFound);
  auto executive = Create(executive_a_, sds_.id, Linear(1, 0, kJune1 + kDay));
  EXPECT_EQ(executive.status().code(), StatusCode::kForbidden);
  Status photo = Write(admin_b_, [&](UnitOfWork& work) -> Status {
    return service_.PutPhoto(work, sds_.id, std::string("\xFF\xD8\xFF\xE0 jpeg", 9)).status();
  });
  EXPECT_EQ(photo.code(), StatusCode::kNotFound);
  // The store itself filters, whatever the service checks first.
  Status direct = Read(admin_b_, [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(auto models, work.calibrations().List(sds_.id));
    EXPECT_TRUE(models.empty());
    EXPECT_EQ(work.calibrations().GetPhoto(sds_.id).status().code(), StatusCode::kNotFound);
    return Status::Ok();
  });
  EXPECT_TRUE(direct.ok()) << direct.ToString();
  auto own = History(root_, sds_.id);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->size(), 1u);
}

TEST_P(CalibrationStoreTest, PhotosKeepEveryByteAndAreReplaced) {
  // A PNG signature followed by every byte value, NULs included.
  std::string png("\x89PNG\r\n\x1A\n", 8);
  for (int i = 0; i < 256; ++i) png.push_back(static_cast<char>(i));
  auto put = [&](const accounts::User& user, std::string bytes) -> Result<calibration::SensorPhoto> {
    std::optional<calibration::SensorPhoto> photo;
    Status status = Write(user, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(photo, service_.PutPhoto(work, sds_.id, std::move(bytes)));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *photo;
  };
  auto get = [&]() -> Result<calibration::SensorPhoto> {
    std::optional<calibration::SensorPhoto> photo;
    Status status = Read(executive_a_, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(photo, service_.GetPhoto(work, sds_.id));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *photo;
  };
  EXPECT_EQ(get().status().code(), StatusCode::kNotFound);

  auto stored = put(officer_a_, png);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->content_type, "image/png");
  EXPECT_EQ(stored->size, 264);
  auto read = get();
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->bytes, png);
  EXPECT_EQ(read->content_type, "image/png");
  EXPECT_EQ(read->sha256, accounts::HashSecret(png));
  EXPECT_EQ(read->uploaded_by, "officer-a");
  EXPECT_EQ(read->uploaded_at, kNow);

  const std::string jpeg("\xFF\xD8\xFF\xE1\x00\x10JFIF\x00\x01\xFF\xD9", 16);
  ASSERT_TRUE(put(officer_a_, jpeg).ok());
  read = get();
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->bytes, jpeg);
  EXPECT_EQ(read->content_type, "image/jpeg");
  EXPECT_EQ(Count("sensor_photos", "1=1"), 1);

  auto text = put(officer_a_, "GIF89a is not accepted here");
  EXPECT_EQ(text.status().code(), StatusCode::kInvalid);
  EXPECT_EQ(text.status().field(), "photo");
  auto huge = put(officer_a_, jpeg + std::string(calibration::kMaxPhotoBytes, 'x'));
  EXPECT_EQ(huge.status().code(), StatusCode::kTooLarge);
  EXPECT_EQ(put(executive_a_, jpeg).status().code(), StatusCode::kForbidden);
  read = get();
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->bytes, jpeg);  // unchanged by the refusals
  EXPECT_EQ(Count("audit_log", "entity = 'sensor_photo'"), 2);
}

TEST_P(CalibrationStoreTest, FitOverStoredHoursRecoversTheModelAndSavesOnlyWhenAsked) {
  IngestCoLocation(48);
  calibration::FitRequest request;
  request.sensor_id = airgradient_.id;
  request.reference_sensor_id = bam_.id;
  request.from = kJune1;
  request.to = kJune1 + 3 * kDay;
  request.with_humidity = true;

  auto proposal = Fit(executive_a_, request);  // a proposal needs only read access
  ASSERT_TRUE(proposal.ok()) << proposal.status().ToString();
  EXPECT_FALSE(proposal->saved);
  EXPECT_EQ(proposal->model.id, 0);
  EXPECT_NEAR(proposal->model.slope, 0.5, 1e-9);
  EXPECT_NEAR(*proposal->model.rh_coef, -0.08, 1e-9);
  EXPECT_NEAR(proposal->model.intercept, 5.7, 1e-7);
  ASSERT_TRUE(proposal->model.fit.has_value());
  EXPECT_EQ(proposal->model.fit->n, 48);
  EXPECT_NEAR(proposal->model.fit->r2, 1.0, 1e-9);
  EXPECT_NEAR(proposal->model.fit->rmse, 0.0, 1e-6);
  EXPECT_EQ(proposal->model.fit->reference_sensor_id, bam_.id);
  ASSERT_TRUE(proposal->epa_2021.has_value());
  EXPECT_EQ(proposal->epa_2021->n, 48);
  EXPECT_GT(proposal->epa_2021->rmse, 0.1);
  EXPECT_EQ(Count("sensor_calibrations", "1=1"), 0);

  // Without humidity: a plain linear fit over the same hours.
  request.with_humidity = false;
  auto plain = Fit(officer_a_, request);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_FALSE(plain->model.rh_coef.has_value());
  EXPECT_LT(plain->model.fit->r2, 1.0);
  EXPECT_FALSE(plain->epa_2021.has_value());

  // A period holding two hours is too short.
  calibration::FitRequest short_period = request;
  short_period.to = kJune1 + 2 * 3600;
  auto too_few = Fit(officer_a_, short_period);
  EXPECT_EQ(too_few.status().code(), StatusCode::kInvalid);
  EXPECT_EQ(too_few.status().field(), "pairs");

  // The reference must be a reference monitor of the sensor's own organisation.
  calibration::FitRequest wrong = request;
  wrong.reference_sensor_id = sds_.id;
  EXPECT_EQ(Fit(officer_a_, wrong).status().field(), "reference_sensor_id");
  wrong.reference_sensor_id = bam_b_.id;
  EXPECT_EQ(Fit(root_, wrong).status().field(), "reference_sensor_id");
  EXPECT_EQ(Fit(officer_a_, wrong).status().field(), "reference_sensor_id");  // not even visible
  wrong = request;
  wrong.to = wrong.from;
  EXPECT_EQ(Fit(officer_a_, wrong).status().field(), "to");
  wrong = request;
  wrong.sensor_id = bam_.id;
  EXPECT_EQ(Fit(officer_a_, wrong).status().field(), "sensor");

  // Saving needs write access, then stores the fit as the next version with its statistics.
  request.with_humidity = true;
  request.save = true;
  request.notes = "เทียบกับ BAM 2 วัน";
  EXPECT_EQ(Fit(executive_a_, request).status().code(), StatusCode::kForbidden);
  auto saved = Fit(officer_a_, request);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_TRUE(saved->saved);
  EXPECT_EQ(saved->model.version, 1);
  EXPECT_EQ(saved->model.valid_from, kJune1);
  auto history = History(officer_a_, airgradient_.id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  const CalibrationModel& model = history->front();
  EXPECT_EQ(model.kind, ModelKind::kLinear);
  EXPECT_NEAR(model.slope, 0.5, 1e-9);
  ASSERT_TRUE(model.fit.has_value());
  EXPECT_EQ(model.fit->n, 48);
  EXPECT_EQ(model.fit->period_from, kJune1);
  EXPECT_EQ(model.fit->period_to, kJune1 + 3 * kDay);
  EXPECT_NEAR(model.fit->r2, 1.0, 1e-9);
  EXPECT_EQ(model.notes, "เทียบกับ BAM 2 วัน");

  // The saved model corrects a raw value as the reference would have read it.
  EXPECT_NEAR(*calibration::Correct(model, 40.0, 70.0), 0.5 * 40 - 0.08 * 70 + 5.7, 1e-6);
}

}  // namespace
}  // namespace ecotown::store
