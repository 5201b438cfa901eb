// The pollution clinic: advice cases of a factory (the request, advisers, visits with the advice
// given, measures agreed, follow-up dates, and outcomes measured before and after), the knowledge
// base of advice articles, their validation, and the ClinicStore port.
//
// A case moves requested -> accepted -> in_progress -> follow_up -> closed; requested or accepted
// may be declined with a reason; follow_up may return to in_progress. A case is closed only with
// at least one measured outcome, so that the result is measured, not claimed. Dates are Unix
// seconds at the start of a Bangkok day.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ecotown::clinic {

enum class Topic { kAir, kDust, kOdour, kWater, kWaste, kNoise, kEnergy, kCircular };
// "air", "dust", "odour", "water", "waste", "noise", "energy", "circular".
const char* TopicName(Topic topic);
Result<Topic> ParseTopic(std::string_view name);  // Invalid(field "topic")

enum class CaseStatus { kRequested, kAccepted, kInProgress, kFollowUp, kClosed, kDeclined };
// "requested", "accepted", "in_progress", "follow_up", "closed", "declined".
const char* CaseStatusName(CaseStatus status);
Result<CaseStatus> ParseCaseStatus(std::string_view name);  // Invalid(field "status")
// True when a case may move from `from` to `to`.
bool CanMove(CaseStatus from, CaseStatus to);

struct Adviser {
  int64_t user_id = 0;
  std::string name;  // display name, for reading
};

struct Case {
  int64_t id = 0;
  int64_t org_id = 0;
  int64_t factory_id = 0;
  std::string factory_name;  // joined for reading
  Topic topic = Topic::kAir;
  std::string request_text;  // what the factory asks for, up to 4000 characters
  std::string contact_name;
  std::string contact_phone;
  CaseStatus status = CaseStatus::kRequested;
  std::string decline_reason;
  std::string requested_by;  // the principal's name
  bool filed_by_factory = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> closed_at;
};

struct Visit {
  int64_t id = 0;
  int64_t case_id = 0;
  int64_t visited_on = 0;
  std::string notes;   // what was seen
  std::string advice;  // the advice given
  std::string created_by;
  int64_t created_at = 0;
};

struct Measure {
  int64_t id = 0;
  int64_t case_id = 0;
  std::string description;
  std::string owner;  // who at the factory does it
  int64_t due_on = 0;
  std::optional<int64_t> done_on;
};

struct FollowUp {
  int64_t id = 0;
  int64_t case_id = 0;
  int64_t due_on = 0;
  std::string note;
};

// A measured result: the indicator before and after the measures, each with its measuring day.
struct Outcome {
  int64_t id = 0;
  int64_t case_id = 0;
  std::string indicator;  // e.g. "ฝุ่นละอองรวม (TSP) ที่รั้วโรงงาน"
  std::string unit;       // e.g. "มก./ลบ.ม."
  double before_value = 0;
  int64_t before_on = 0;
  double after_value = 0;
  int64_t after_on = 0;  // on or after before_on
  std::string notes;
};

struct CaseQuery {
  std::optional<CaseStatus> status;
  std::optional<Topic> topic;
  std::optional<int64_t> factory_id;
  std::optional<int64_t> before_id;  // keyset paging: ids below this
  int limit = 50;                    // 1..200
};

struct Article {
  int64_t id = 0;
  std::string slug;  // unique, latin, e.g. "dust-crusher"
  std::string title;
  Topic topic = Topic::kAir;
  std::string summary;
  std::string body;  // paragraphs separated by blank lines
  std::string tags;  // comma separated
  int64_t updated_at = 0;
};

struct ArticleQuery {
  std::string text;  // substring of title, summary, body or tags; empty: all
  std::optional<Topic> topic;
  int limit = 50;
};

// Field validation; each failure is Invalid naming the field.
Status ValidateCase(const Case& c);  // request_text (1..4000), contact_name, contact_phone
Status ValidateVisit(const Visit& visit);  // notes or advice required (advice up to 4000)
Status ValidateMeasure(const Measure& measure);  // description, owner
Status ValidateFollowUp(const FollowUp& follow_up);
Status ValidateOutcome(const Outcome& outcome);  // indicator, unit, finite values, after_on >= before_on
Status ValidateArticle(const Article& article);

// Persistence port, bound to the Scope of its UnitOfWork. Cases and everything under them are
// factory-owned: reads filter with Scope::FactoryFilterSql, so a factory representative reaches
// only its own factory's cases (another case is NotFound). Writes check write access to the
// case's organisation, except InsertCase, whose permission the service decides. Articles are
// shared reference text, readable by everyone signed in.
class ClinicStore {
 public:
  virtual ~ClinicStore() = default;

  virtual Result<int64_t> InsertCase(const Case& c) = 0;
  virtual Result<Case> GetCase(int64_t id) = 0;
  // Newest first.
  virtual Result<std::vector<Case>> ListCases(const CaseQuery& query) = 0;
  // Stores status, decline_reason, updated_at and closed_at.
  virtual Status UpdateCaseStatus(const Case& c) = 0;

  virtual Status SetAdvisers(int64_t case_id, const std::vector<int64_t>& user_ids) = 0;
  virtual Result<std::vector<Adviser>> ListAdvisers(int64_t case_id) = 0;
  virtual Result<int64_t> InsertVisit(const Visit& visit) = 0;
  virtual Result<std::vector<Visit>> ListVisits(int64_t case_id) = 0;
  virtual Result<int64_t> InsertMeasure(const Measure& measure) = 0;
  virtual Result<Measure> GetMeasure(int64_t id) = 0;
  virtual Status SetMeasureDone(int64_t id, std::optional<int64_t> done_on) = 0;
  virtual Result<std::vector<Measure>> ListMeasures(int64_t case_id) = 0;
  virtual Result<int64_t> InsertFollowUp(const FollowUp& follow_up) = 0;
  virtual Result<std::vector<FollowUp>> ListFollowUps(int64_t case_id) = 0;
  virtual Result<int64_t> InsertOutcome(const Outcome& outcome) = 0;
  virtual Result<std::vector<Outcome>> ListOutcomes(int64_t case_id) = 0;

  // Inserts or, for an existing slug, replaces the article. Not scoped (system data).
  virtual Result<int64_t> UpsertArticle(const Article& article) = 0;
  virtual Result<Article> GetArticle(int64_t id) = 0;
  // Title matches first, then tag and summary matches, then body matches; by title within each.
  virtual Result<std::vector<Article>> SearchArticles(const ArticleQuery& query) = 0;
};

}  // namespace ecotown::clinic
