// SqlClinicStore: the pollution clinic on either SQL dialect, bound to one Scope. Cases and their
// visits, measures, follow-ups and outcomes are factory-owned rows (Scope::FactoryFilterSql);
// articles are shared reference text.
#pragma once

#include "modules/clinic/clinic.h"
#include "modules/tenancy/access.h"
#include "store/database.h"

namespace ecotown::store {

class SqlClinicStore final : public clinic::ClinicStore {
 public:
  SqlClinicStore(Connection& conn, const tenancy::Scope& scope) : conn_(conn), scope_(scope) {}

  Result<int64_t> InsertCase(const clinic::Case& c) override;
  Result<clinic::Case> GetCase(int64_t id) override;
  Result<std::vector<clinic::Case>> ListCases(const clinic::CaseQuery& query) override;
  Status UpdateCaseStatus(const clinic::Case& c) override;
  Status SetAdvisers(int64_t case_id, const std::vector<int64_t>& user_ids) override;
  Result<std::vector<clinic::Adviser>> ListAdvisers(int64_t case_id) override;
  Result<int64_t> InsertVisit(const clinic::Visit& visit) override;
  Result<std::vector<clinic::Visit>> ListVisits(int64_t case_id) override;
  Result<int64_t> InsertMeasure(const clinic::Measure& measure) override;
  Result<clinic::Measure> GetMeasure(int64_t id) override;
  Status SetMeasureDone(int64_t id, std::optional<int64_t> done_on) override;
  Result<std::vector<clinic::Measure>> ListMeasures(int64_t case_id) override;
  Result<int64_t> InsertFollowUp(const clinic::FollowUp& follow_up) override;
  Result<std::vector<clinic::FollowUp>> ListFollowUps(int64_t case_id) override;
  Result<int64_t> InsertOutcome(const clinic::Outcome& outcome) override;
  Result<std::vector<clinic::Outcome>> ListOutcomes(int64_t case_id) override;
  Result<int64_t> UpsertArticle(const clinic::Article& article) override;
  Result<clinic::Article> GetArticle(int64_t id) override;
  Result<std::vector<clinic::Article>> SearchArticles(const clinic::ArticleQuery& query) override;

 private:
  // Write access to the case's organisation; NotFound when the case is outside the scope.
  Status RequireCaseWrite(int64_t case_id);
  // The condition that a row's case_id names a case the scope can read.
  std::string ReadableCase(std::string_view case_column) const;

  Connection& conn_;
  const tenancy::Scope& scope_;
};

}  // namespace ecotown::store
