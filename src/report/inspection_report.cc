#include "report/inspection_report.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "core/thai_calendar.h"

namespace ecotown::report {
namespace {

using inspections::AnswerType;
using inspections::Severity;

// Every fixed text of the report, Thai and English side by side.
struct Text {
  const char* th;
  const char* en;
};

const Text kTitle{"รายงานผลการตรวจสถานประกอบการ", "Factory inspection report"};
const Text kDraft{"ฉบับร่าง ยังไม่ได้ลงนามรับรองผลการตรวจ", "Draft: not yet signed off"};
const Text kCancelled{"การตรวจนี้ถูกยกเลิก", "This inspection was cancelled"};
const Text kCancelledBy{"โดย", "by"};
const Text kReason{"เหตุผล", "reason"};
const Text kReportNo{"เลขที่รายงาน", "Report no."};
const Text kVersion{"ฉบับที่", "version"};
const Text kFactory{"ชื่อสถานประกอบการ", "Factory"};
const Text kRegistration{"เลขทะเบียนโรงงาน", "Registration no."};
const Text kBusiness{"ประกอบกิจการ", "Business"};
const Text kAddress{"ที่ตั้ง", "Address"};
const Text kPlanned{"วันที่นัดตรวจ", "Planned date"};
const Text kStarted{"วันที่เริ่มตรวจ", "Inspected on"};
const Text kInspectors{"ผู้ตรวจ", "Inspectors"};
const Text kPrevious{"ตรวจติดตามจากรายงานเลขที่", "Re-inspection of report no."};
const Text kOverall{"คะแนนรวม", "Overall score"};
const Text kNoScore{"ไม่มีข้อที่นับคะแนน", "no scored items"};
const Text kScoresHeading{"1. คะแนนรายหมวด", "1. Scores by section"};
const Text kSection{"หมวด", "Section"};
const Text kCounted{"ข้อที่นับ", "Counted"};
const Text kNonCompliant{"ไม่ผ่าน", "Not met"};
const Text kNotApplicable{"ไม่เกี่ยวข้อง", "N/A"};
const Text kUnanswered{"ยังไม่ตอบ", "Unanswered"};
const Text kScore{"คะแนน", "Score"};
const Text kItemsHeading{"2. ผลการตรวจรายข้อ", "2. Results item by item"};
const Text kItemNo{"ข้อ", "No."};
const Text kItem{"รายการตรวจ", "Item"};
const Text kResult{"ผล", "Result"};
const Text kNote{"หมายเหตุ", "Note"};
const Text kPass{"ผ่าน", "Met"};
const Text kYes{"ใช่", "Yes"};
const Text kNo{"ไม่ใช่", "No"};
const Text kFindingsHeading{"3. ข้อบกพร่องที่พบ", "3. Findings"};
const Text kNone{"ไม่พบ", "None"};
const Text kSeverity{"ระดับ", "Severity"};
const Text kDescription{"รายละเอียด", "Description"};
const Text kLegalBasis{"ข้อกฎหมาย", "Legal basis"};
const Text kActionsHeading{"4. มาตรการแก้ไขที่กำหนด", "4. Corrective actions"};
const Text kAction{"มาตรการ", "Action"};
const Text kOwner{"ผู้รับผิดชอบ", "Owner"};
const Text kDue{"กำหนดแล้วเสร็จ", "Due"};
const Text kStatus{"สถานะ", "Status"};
const Text kOpen{"ยังไม่แล้วเสร็จ", "Open"};
const Text kClosed{"แล้วเสร็จ", "Closed"};
const Text kNotesHeading{"5. ข้อสังเกตของผู้ตรวจ", "5. Inspector's notes"};
const Text kPhotosHeading{"6. ภาพถ่ายประกอบ", "6. Photographs"};
const Text kPhoto{"ภาพที่", "Photo"};
const Text kTaken{"ถ่ายเมื่อ", "taken"};
const Text kSignOffHeading{"การรับรองผลการตรวจ", "Sign-off"};
const Text kCertificate{"ใบรับรองผู้ตรวจเลขที่", "Inspector certificate no."};
const Text kFactoryRep{"ผู้แทนสถานประกอบการ", "Factory representative"};
const Text kPrinted{"พิมพ์เมื่อ", "printed"};
const Text kPage{"หน้า", "Page"};
const Text kSigned{"ลงชื่อ", "Signed"};
const Text kDate{"วันที่", "Date"};

class Builder {
 public:
  Builder(const inspections::InspectionReport& report, const InspectionReportContext& context)
      : r_(report), c_(context), thai_(context.language == Language::kThai) {
    for (const auto& answer : report.answers) answers_[answer.item_key] = &answer;
  }

  Document Build() {
    Document doc;
    doc.organisation = c_.organisation;
    doc.title = T(kTitle);
    doc.subtitle = (thai_ ? r_.checklist.title_th : Or(r_.checklist.title_en, r_.checklist.title_th)) + " (" +
                   T(kVersion) + " " + std::to_string(r_.checklist.version) + ")";
    doc.reference = T(kReportNo) + " " + std::to_string(r_.inspection.id) + "/" + std::to_string(YearOf(r_));
    doc.footer = "ecotown · " + T(kPrinted) + " " + DateTime(c_.printed_at);
    if (!r_.sign_off) doc.footer += " · " + T(kDraft);
    doc.page_label = T(kPage);
    doc.author = c_.organisation;
    if (r_.inspection.status == inspections::InspectionStatus::kCancelled) {
      // Cancelled: what was recorded stays in the report, under who cancelled it, when and why.
      doc.footer += " · " + T(kCancelled);
      std::string cancelled = T(kCancelled);
      if (r_.inspection.cancelled_at) cancelled += " " + DateTime(*r_.inspection.cancelled_at);
      cancelled += " " + T(kCancelledBy) + " " + r_.inspection.cancelled_by + " " + T(kReason) + ": " +
                   r_.inspection.cancel_reason;
      doc.blocks.push_back(Paragraph{cancelled, false});
    } else if (!r_.sign_off) {
      doc.blocks.push_back(Paragraph{T(kDraft), false});
    }
    doc.blocks.push_back(HeaderFields());
    AddScores(doc);
    AddItems(doc);
    AddFindings(doc);
    AddActions(doc);
    if (!r_.inspection.notes.empty()) {
      doc.blocks.push_back(Heading{T(kNotesHeading), 1});
      doc.blocks.push_back(Paragraph{r_.inspection.notes});
    }
    AddPhotos(doc);
    AddSignatures(doc);
    return doc;
  }

 private:
  std::string T(const Text& text) const { return thai_ ? text.th : text.en; }
  static std::string Or(const std::string& a, const std::string& b) { return a.empty() ? b : a; }

  static int YearOf(const inspections::InspectionReport& r) {
    const int64_t at = r.inspection.started_at.value_or(r.inspection.created_at);
    return core::BangkokDateOf(at).year + 543;
  }

  std::string Date(const core::CivilDate& date) const {
    return thai_ ? core::FormatThaiDate(date) : core::FormatEnglishDate(date);
  }

  // "YYYY-MM-DD" as a date in words; the text itself when it is not such a date.
  std::string IsoDate(const std::string& iso) const {
    int y = 0, m = 0, d = 0;
    if (std::sscanf(iso.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return iso;
    return Date(core::CivilDate{y, m, d});
  }

  std::string DateTime(int64_t unix_seconds) const {
    const int64_t local = unix_seconds + 7 * 3600;
    const int64_t minutes = ((local % 86400) + 86400) % 86400 / 60;
    char clock[16];
    std::snprintf(clock, sizeof clock, "%02d:%02d", static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
    return Date(core::BangkokDateOf(unix_seconds)) + " " + clock + (thai_ ? " น." : "");
  }

  static std::string Number(double value) {
    char text[32];
    if (std::fabs(value - std::round(value)) < 1e-9) {
      std::snprintf(text, sizeof text, "%.0f", value);
    } else {
      std::snprintf(text, sizeof text, "%.2f", value);
      std::string s(text);
      while (!s.empty() && s.back() == '0') s.pop_back();
      return s;
    }
    return text;
  }

  std::string SeverityText(Severity severity) const {
    switch (severity) {
      case Severity::kLow: return thai_ ? "ต่ำ" : "low";
      case Severity::kMedium: return thai_ ? "ปานกลาง" : "medium";
      case Severity::kHigh: return thai_ ? "สูง" : "high";
      case Severity::kCritical: return thai_ ? "ร้ายแรง" : "critical";
    }
    return "";
  }

  Fields HeaderFields() const {
    Fields fields;
    const auto& f = c_.factory;
    fields.items.emplace_back(T(kFactory), Or(f.name, r_.inspection.factory_name));
    std::string registration = f.registration_no.value_or("");
    if (f.registration_no14) registration += (registration.empty() ? "" : " / ") + *f.registration_no14;
    fields.items.emplace_back(T(kRegistration), registration);
    if (!f.business.empty()) fields.items.emplace_back(T(kBusiness), f.business);
    fields.items.emplace_back(T(kAddress), f.address);
    fields.items.emplace_back(T(kPlanned), IsoDate(r_.inspection.planned_date));
    if (r_.inspection.started_at) fields.items.emplace_back(T(kStarted), Date(core::BangkokDateOf(*r_.inspection.started_at)));
    std::string inspectors;
    for (const auto& name : r_.inspection.inspector_names) inspectors += (inspectors.empty() ? "" : ", ") + name;
    fields.items.emplace_back(T(kInspectors), inspectors);
    if (r_.inspection.previous_id) fields.items.emplace_back(T(kPrevious), std::to_string(*r_.inspection.previous_id));
    fields.items.emplace_back(T(kOverall), r_.scores.overall ? Number(*r_.scores.overall) + " %" : T(kNoScore));
    return fields;
  }

  std::string SectionTitle(const inspections::ChecklistSection& section) const {
    return thai_ ? section.title_th : Or(section.title_en, section.title_th);
  }

  void AddScores(Document& doc) const {
    doc.blocks.push_back(Heading{T(kScoresHeading), 1});
    Table table{{{T(kSection), 3}, {T(kCounted), 1, true}, {T(kNonCompliant), 1, true}, {T(kNotApplicable), 1, true},
                 {T(kUnanswered), 1, true}, {T(kScore), 1, true}},
                {},
                {}};
    for (size_t i = 0; i < r_.checklist.sections.size(); ++i) {
      const auto& section = r_.checklist.sections[i];
      const inspections::SectionScore* score = nullptr;
      for (const auto& s : r_.scores.sections) {
        if (s.key == section.key) score = &s;
      }
      if (!score) continue;
      table.rows.push_back({std::to_string(i + 1) + ". " + SectionTitle(section), std::to_string(score->counted),
                            std::to_string(score->non_compliant), std::to_string(score->not_applicable),
                            std::to_string(score->unanswered), score->score ? Number(*score->score) : "-"});
      table.emphasised.push_back(score->non_compliant > 0);
    }
    table.rows.push_back({T(kOverall), "", "", "", std::to_string(r_.scores.unanswered),
                          r_.scores.overall ? Number(*r_.scores.overall) : "-"});
    table.emphasised.push_back(true);
    doc.blocks.push_back(std::move(table));
  }

  // The answer in words, and whether it counts against the factory.
  std::pair<std::string, bool> AnswerText(const inspections::ChecklistItem& item) const {
    auto it = answers_.find(item.key);
    if (it == answers_.end()) return {T(kUnanswered), false};
    const inspections::Answer& a = *it->second;
    const std::optional<double> compliance = inspections::Compliance(item, a);
    const bool failed = compliance && *compliance < 1.0;
    switch (item.answer_type) {
      case AnswerType::kYesNo: {
        const std::string choice = a.choice.value_or("");
        if (choice == "na") return {T(kNotApplicable), false};
        return {choice == "yes" ? T(kPass) : T(kNonCompliant), failed};
      }
      case AnswerType::kScore:
        return {a.number ? Number(*a.number) + "/" + Number(item.score_max) : T(kUnanswered), failed};
      case AnswerType::kMeasure: {
        if (!a.number) return {T(kUnanswered), false};
        std::string text = Number(*a.number) + (item.unit.empty() ? "" : " " + item.unit);
        if (item.lower || item.upper) {
          std::string limit;
          if (item.lower && item.upper) limit = Number(*item.lower) + "–" + Number(*item.upper);
          else if (item.upper) limit = "≤ " + Number(*item.upper);
          else limit = "≥ " + Number(*item.lower);
          text += " (" + std::string(thai_ ? "เกณฑ์ " : "limit ") + limit + ") " + (failed ? T(kNonCompliant) : T(kPass));
        }
        return {text, failed};
      }
      case AnswerType::kText: return {a.text.value_or(""), false};
    }
    return {"", false};
  }

  void AddItems(Document& doc) const {
    doc.blocks.push_back(Heading{T(kItemsHeading), 1});
    for (size_t s = 0; s < r_.checklist.sections.size(); ++s) {
      const auto& section = r_.checklist.sections[s];
      doc.blocks.push_back(Heading{std::to_string(s + 1) + ". " + SectionTitle(section), 2});
      Table table{{{T(kItemNo), 0.7}, {T(kItem), 4}, {T(kResult), 1.6}, {T(kNote), 2}}, {}, {}};
      for (size_t i = 0; i < section.items.size(); ++i) {
        const auto& item = section.items[i];
        auto [result, failed] = AnswerText(item);
        auto answer = answers_.find(item.key);
        table.rows.push_back({std::to_string(s + 1) + "." + std::to_string(i + 1),
                              thai_ ? item.text_th : Or(item.text_en, item.text_th), result,
                              answer == answers_.end() ? "" : answer->second->note});
        table.emphasised.push_back(failed);
      }
      doc.blocks.push_back(std::move(table));
    }
  }

  void AddFindings(Document& doc) const {
    doc.blocks.push_back(Heading{T(kFindingsHeading), 1});
    if (r_.findings.empty()) {
      doc.blocks.push_back(Paragraph{T(kNone), false});
      return;
    }
    Table table{{{T(kItemNo), 0.6}, {T(kSeverity), 1}, {T(kDescription), 4}, {T(kLegalBasis), 2.4}}, {}, {}};
    for (size_t i = 0; i < r_.findings.size(); ++i) {
      const auto& f = r_.findings[i];
      table.rows.push_back({std::to_string(i + 1), SeverityText(f.severity), f.description, f.legal_basis});
      table.emphasised.push_back(f.severity == Severity::kCritical || f.severity == Severity::kHigh);
    }
    doc.blocks.push_back(std::move(table));
  }

  void AddActions(Document& doc) const {
    doc.blocks.push_back(Heading{T(kActionsHeading), 1});
    if (r_.actions.empty()) {
      doc.blocks.push_back(Paragraph{T(kNone), false});
      return;
    }
    Table table{{{T(kItemNo), 0.6}, {T(kAction), 4}, {T(kOwner), 1.6}, {T(kDue), 1.8}, {T(kStatus), 1.4}}, {}, {}};
    for (size_t i = 0; i < r_.actions.size(); ++i) {
      const auto& a = r_.actions[i];
      std::string action = a.title;
      if (!a.description.empty()) action += "\n" + a.description;
      std::string status = a.status == inspections::ActionStatus::kClosed ? T(kClosed) : T(kOpen);
      if (a.status == inspections::ActionStatus::kClosed && !a.closure_note.empty()) status += "\n" + a.closure_note;
      table.rows.push_back({std::to_string(i + 1), action, a.owner, IsoDate(a.due_date), status});
      table.emphasised.push_back(false);
    }
    doc.blocks.push_back(std::move(table));
  }

  void AddPhotos(Document& doc) const {
    if (c_.photos.empty()) return;
    doc.blocks.push_back(Heading{T(kPhotosHeading), 1});
    for (size_t i = 0; i < c_.photos.size() && i < kMaxReportPhotos; ++i) {
      const auto& p = c_.photos[i].photo;
      std::string caption = T(kPhoto) + " " + std::to_string(i + 1);
      if (!p.caption.empty()) caption += " " + p.caption;
      if (!p.item_key.empty()) caption += " (" + T(kItemNo) + " " + p.item_key + ")";
      caption += " · " + T(kTaken) + " " + DateTime(p.taken_at);
      if (p.lat && p.lon) {
        char where[64];
        std::snprintf(where, sizeof where, " · %.5f, %.5f", *p.lat, *p.lon);
        caption += where;
      }
      doc.blocks.push_back(Image{p.bytes, caption, 200});
    }
  }

  void AddSignatures(Document& doc) const {
    doc.blocks.push_back(Heading{T(kSignOffHeading), 1});
    Signatures signatures;
    signatures.sign_label = T(kSigned);
    signatures.date_label = T(kDate);
    if (r_.sign_off) {
      std::string position = T(kInspectors);
      if (!r_.sign_off->certificate.empty()) position += "\n" + T(kCertificate) + " " + r_.sign_off->certificate;
      signatures.items.push_back({r_.sign_off->name, position, Date(core::BangkokDateOf(r_.sign_off->at))});
    } else {
      for (const auto& name : r_.inspection.inspector_names) signatures.items.push_back({name, T(kInspectors), ""});
    }
    signatures.items.push_back({std::string(thai_ ? "......................................" : "................"),
                                T(kFactoryRep), ""});
    doc.blocks.push_back(std::move(signatures));
  }

  const inspections::InspectionReport& r_;
  const InspectionReportContext& c_;
  const bool thai_;
  std::map<std::string, const inspections::Answer*> answers_;
};

}  // namespace

Document InspectionDocument(const inspections::InspectionReport& report, const InspectionReportContext& context) {
  return Builder(report, context).Build();
}

}  // namespace ecotown::report
