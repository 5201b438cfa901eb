#include "modules/factories/factory_timeline.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "core/thai_calendar.h"
#include "modules/clinic/clinic_service.h"
#include "modules/complaints/complaint_service.h"
#include "modules/factories/factory_service.h"
#include "modules/inspections/inspection_service.h"

namespace ecotown::factories {
namespace {


std::string DayOf(int64_t unix_seconds) { return IsoDate(core::BangkokDateOf(unix_seconds)); }


}  // namespace

Result<FactoryTimeline> BuildFactoryTimeline(UnitOfWork& work, int64_t factory_id) {
  RETURN_IF_ERROR(work.scope().Require(tenancy::Permission::kRead));
  FactoryTimeline t;
  ASSIGN_OR_RETURN(t.factory, FactoryService().Get(work, factory_id));
  RETURN_IF_ERROR(work.scope().RequireRead(t.factory.org_id, "factory"));
  const core::CivilDate today = core::BangkokDateOf(work.info().now);
  const std::string today_iso = IsoDate(today);
  const int64_t today_days = core::DaysFromCivil(today);
  t.facts.today = today;

  ASSIGN_OR_RETURN(const auto licences, FactoryService().ListLicences(work, factory_id));
  for (const auto& l : licences) {
    if (l.issued_on) t.events.push_back({*l.issued_on, "licence_issued", std::string(LicenceKindThai(l.kind)) + " " + l.number, "", "", l.id});
    if (!l.expires_on) continue;
    const auto expires = ParseIsoDate(*l.expires_on);
    const bool expired = *l.expires_on < today_iso;
    if (expired) ++t.facts.expired_licences;
    else if (expires && core::DaysFromCivil(*expires) - today_days <= core::kLicenceWarningDays) ++t.facts.licences_expiring_soon;
    t.events.push_back({*l.expires_on, "licence_expires", std::string(LicenceKindThai(l.kind)) + " " + l.number,
                        expired ? "expired" : "valid", "", l.id});
  }

  inspections::InspectionFilter inspection_filter;
  inspection_filter.factory_id = factory_id;
  inspection_filter.limit = 500;
  ASSIGN_OR_RETURN(const auto inspection_list, inspections::InspectionService().List(work, inspection_filter));
  const inspections::Inspection* latest = nullptr;
  for (const auto& i : inspection_list) {
    const std::string title = i.template_title_th.empty() ? i.template_code : i.template_title_th;
    if (i.signed_off_at) {
      t.events.push_back({DayOf(*i.signed_off_at), "inspection_signed_off", title, "signed_off", "", i.id});
      if (!latest || *i.signed_off_at > *latest->signed_off_at) latest = &i;
    } else {
      t.events.push_back({i.planned_date, "inspection_planned", title, inspections::InspectionStatusName(i.status), "", i.id});
    }
  }

  inspections::ActionFilter action_filter;
  action_filter.factory_id = factory_id;
  action_filter.limit = 500;
  ASSIGN_OR_RETURN(const auto actions, inspections::InspectionService().ListActions(work, action_filter));
  std::set<int64_t> findings_with_open_action;
  for (const auto& a : actions) {
    const bool open = a.status == inspections::ActionStatus::kOpen;
    if (open) {
      ++t.facts.open_actions;
      if (a.due_date < today_iso) ++t.facts.overdue_actions;
      if (a.finding_id) findings_with_open_action.insert(*a.finding_id);
      t.events.push_back({a.due_date, "action_due", a.title, a.due_date < today_iso ? "overdue" : "open", "", a.id});
    } else {
      t.events.push_back({a.closed_at ? DayOf(*a.closed_at) : a.due_date, "action_closed", a.title, "closed", "", a.id});
    }
  }

  if (latest) {
    t.last_inspection_id = latest->id;
    t.facts.last_inspection = core::BangkokDateOf(*latest->signed_off_at);
    ASSIGN_OR_RETURN(const auto report, inspections::InspectionService().Report(work, latest->id));
    t.facts.last_score_percent = report.scores.overall;
    for (const auto& f : report.findings) {
      const bool serious = f.severity == inspections::Severity::kHigh || f.severity == inspections::Severity::kCritical;
      if (serious && findings_with_open_action.count(f.id)) ++t.facts.open_critical_findings;
      t.events.push_back({DayOf(f.created_at), "finding", f.description,
                          findings_with_open_action.count(f.id) ? "open" : "", inspections::SeverityName(f.severity), f.id});
    }
  }

  clinic::CaseQuery case_query;
  case_query.factory_id = factory_id;
  case_query.limit = 200;
  ASSIGN_OR_RETURN(const auto cases, clinic::ClinicService().Cases(work, case_query));
  for (const auto& c : cases) {
    const bool open = c.status != clinic::CaseStatus::kClosed && c.status != clinic::CaseStatus::kDeclined;
    if (open && c.status != clinic::CaseStatus::kRequested) ++t.facts.open_clinic_cases;
    t.events.push_back({DayOf(c.created_at), "clinic_case", c.request_text, clinic::CaseStatusName(c.status), "", c.id});
  }

  complaints::ComplaintQuery complaint_query;
  complaint_query.org_id = t.factory.org_id;
  complaint_query.factory_id = factory_id;
  complaint_query.now = work.info().now;
  complaint_query.limit = 200;
  ASSIGN_OR_RETURN(const auto complaint_page, complaints::ComplaintService().List(work, complaint_query));
  for (const auto& c : complaint_page.items) {
    t.events.push_back({DayOf(c.created_at), "complaint",
                        std::string(complaints::InfoOf(c.category).name_th) + " (" + c.tracking + ")",
                        complaints::StatusName(c.status), "", c.id});
  }

  t.compliance = core::AssessCompliance(t.facts);
  std::stable_sort(t.events.begin(), t.events.end(),
                   [](const TimelineEvent& a, const TimelineEvent& b) { return a.date > b.date; });
  return t;
}

}  // namespace ecotown::factories
