// UnitOfWork: the area stores of one transaction, bound to one Scope.
//
// Services receive a UnitOfWork and never see a connection. The store layer builds it inside a
// transaction (Transactor::Write/Read), so everything a request changes commits or rolls back
// together. A new area adds its store accessor here: one line.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/result.h"
#include "modules/accounts/account.h"
#include "modules/alerts/alert.h"
#include "modules/audit/audit.h"
#include "modules/calibration/calibration.h"
#include "modules/events/event.h"
#include "modules/orgs/org.h"
#include "modules/readings/reading_store.h"
#include "modules/sensors/sensor.h"
#include "modules/tenancy/access.h"

namespace ecotown {

// Ports of the factory-side areas, declared here so that a change to one area's header does not
// rebuild every user of UnitOfWork; a service that uses one includes that area's header.
namespace factories { class FactoryStore; }
namespace inspections { class InspectionStore; }
namespace training { class TrainingStore; }
namespace clinic { class ClinicStore; }
namespace complaints { class ComplaintStore; class LineStore; }
namespace network { class NetworkStore; }

// What the audit log needs to know about the request that causes a write.
struct RequestInfo {
  std::string request_id;
  std::string ip;
  int64_t now = 0;  // Unix seconds, from the clock the caller was given
};

class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;
  virtual const tenancy::Scope& scope() const = 0;
  virtual const RequestInfo& info() const = 0;

  virtual orgs::OrgStore& orgs() = 0;
  virtual accounts::AccountStore& accounts() = 0;
  virtual audit::AuditStore& audit() = 0;
  virtual events::EventStore& events() = 0;
  virtual sensors::SensorStore& sensors() = 0;
  virtual alerts::AlertStore& alerts() = 0;
  virtual readings::ReadingStore& readings() = 0;
  virtual calibration::CalibrationStore& calibrations() = 0;
  virtual factories::FactoryStore& factories() = 0;
  virtual inspections::InspectionStore& inspections() = 0;
  virtual training::TrainingStore& training() = 0;
  virtual clinic::ClinicStore& clinic() = 0;
  virtual complaints::ComplaintStore& complaints() = 0;
  virtual network::NetworkStore& network() = 0;
  virtual complaints::LineStore& line() = 0;
};

using WorkFn = std::function<Status(UnitOfWork&)>;
using ScopeFn = std::function<Result<tenancy::Scope>(UnitOfWork&)>;

class Transactor {
 public:
  virtual ~Transactor() = default;
  // One read-write transaction: commits when fn returns ok, rolls back otherwise.
  virtual Status Write(const tenancy::Scope& scope, const RequestInfo& info, const WorkFn& fn) = 0;
  // One read-only snapshot.
  virtual Status Read(const tenancy::Scope& scope, const RequestInfo& info, const WorkFn& fn) = 0;
  // One read-only snapshot in two steps, for public pages whose record names the organisation
  // that scopes the rest (a complaint found by its tracking number, an LAO by its code): `find`
  // runs under `scope` and returns the scope under which `fn` then runs, in the same snapshot.
  // An error of `find` ends it. One transaction instead of two: on PostgreSQL every transaction
  // costs a BEGIN and a COMMIT round trip.
  virtual Status ReadThen(const tenancy::Scope& scope, const RequestInfo& info, const ScopeFn& find,
                          const WorkFn& fn) = 0;
  // As ReadThen, without a snapshot: each statement reads the latest committed data on its own,
  // which spares PostgreSQL the BEGIN and COMMIT round trips (two of a polled page's four or
  // five). For the polled public answers whose statements need not agree to the transaction.
  virtual Status ReadThenEach(const tenancy::Scope& scope, const RequestInfo& info, const ScopeFn& find,
                              const WorkFn& fn) = 0;
};

}  // namespace ecotown
