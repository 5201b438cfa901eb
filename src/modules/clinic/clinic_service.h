// ClinicService: the pollution clinic's use cases. A factory representative files a request for
// its own factory and reads its own cases; LAO staff file requests for any factory of their
// organisation, accept or decline them, assign advisers, record visits, measures, follow-ups
// and measured outcomes, and close cases. Stateless; thread-safe; every write audited.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/clinic/clinic.h"
#include "modules/unit_of_work.h"

namespace ecotown::clinic {

struct NewRequest {
  std::optional<int64_t> factory_id;  // default for a factory representative: its own factory
  Topic topic = Topic::kAir;
  std::string request_text;
  std::string contact_name;
  std::string contact_phone;
};

struct CaseDetail {
  Case item;
  std::vector<Adviser> advisers;
  std::vector<Visit> visits;
  std::vector<Measure> measures;
  std::vector<FollowUp> follow_ups;
  std::vector<Outcome> outcomes;
};

class ClinicService {
 public:
  // A factory representative: only for its own factory (another factory is NotFound, as if it did
  // not exist). Others: kWrite and write access to the factory's organisation. Invalid naming
  // "factory_id" (missing or unknown), "topic", "request_text", "contact_name", "contact_phone".
  Result<Case> FileRequest(UnitOfWork& work, const NewRequest& request) const;
  // Cases the caller can read (a factory representative: its own factory's), newest first.
  Result<std::vector<Case>> Cases(UnitOfWork& work, const CaseQuery& query) const;
  Result<CaseDetail> GetCase(UnitOfWork& work, int64_t id) const;

  // Moves the case. Conflict("status") for a move CanMove refuses; Invalid("reason") when
  // declining without a reason; Conflict("outcomes") when closing without a measured outcome.
  Result<Case> Move(UnitOfWork& work, int64_t id, CaseStatus to, const std::string& reason) const;
  // Replaces the advisers: users of the case's organisation who are not factory representatives
  // (Invalid "advisers" otherwise).
  Result<std::vector<Adviser>> SetAdvisers(UnitOfWork& work, int64_t id, const std::vector<int64_t>& user_ids) const;

  // The following need kWrite on the case's organisation and an open case (Conflict "status"
  // when it is closed or declined, or not yet accepted).
  Result<Visit> AddVisit(UnitOfWork& work, int64_t case_id, Visit visit) const;
  Result<Measure> AddMeasure(UnitOfWork& work, int64_t case_id, Measure measure) const;
  Result<Measure> SetMeasureDone(UnitOfWork& work, int64_t measure_id, std::optional<int64_t> done_on) const;
  Result<FollowUp> AddFollowUp(UnitOfWork& work, int64_t case_id, FollowUp follow_up) const;
  Result<Outcome> AddOutcome(UnitOfWork& work, int64_t case_id, Outcome outcome) const;

  // Everyone signed in, factory representatives included.
  Result<std::vector<Article>> SearchArticles(UnitOfWork& work, const ArticleQuery& query) const;
  Result<Article> GetArticle(UnitOfWork& work, int64_t id) const;
};

}  // namespace ecotown::clinic
