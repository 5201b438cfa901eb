#include "modules/complaints/line.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/utf8.h"
#include "modules/calibration/sensor_photo.h"

namespace ecotown::complaints {
namespace {

using nlohmann::json;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsOneOf(std::string_view text, std::initializer_list<std::string_view> words) {
  const std::string lowered = Lower(Trim(text));
  for (const auto word : words) {
    if (lowered == word) return true;
  }
  return false;
}

// Keywords residents type; postback data of the buttons say the same.
bool IsStart(std::string_view text) { return IsOneOf(text, {"ร้องเรียน", "แจ้งเรื่อง", "complaint", "start"}); }
bool IsCancel(std::string_view text) { return IsOneOf(text, {"ยกเลิก", "cancel"}); }
bool IsSkip(std::string_view text) { return IsOneOf(text, {"ข้าม", "skip"}); }

// Quick reply labels are at most 20 characters.
std::string ShortLabel(const CategoryInfo& info) {
  if (info.category == Category::kWasteDumping) return "ลักลอบทิ้งขยะ";
  return info.name_th;
}

// The category a button or typed text names: "category=<code>", the code, the Thai or English name.
std::optional<Category> CategoryOfInput(std::string_view input) {
  std::string_view text = Trim(input);
  if (text.starts_with("category=")) text.remove_prefix(9);
  const std::string lowered = Lower(text);
  for (const auto& info : AllCategories()) {
    if (lowered == info.code || text == info.name_th || text == ShortLabel(info) || lowered == Lower(info.name_en)) {
      return info.category;
    }
  }
  return std::nullopt;
}

LineMessage AskCategory(std::string intro) {
  LineMessage m;
  m.text = std::move(intro) + "เลือกประเภทของปัญหาจากปุ่มด้านล่าง (พิมพ์ \"ยกเลิก\" เพื่อยกเลิกได้ทุกเมื่อ)";
  for (const auto& info : AllCategories())
    m.quick_replies.push_back({ShortLabel(info), std::string("category=") + info.code});
  return m;
}

LineMessage AskPhoto(std::string intro = {}) {
  LineMessage m;
  m.text = std::move(intro) + "ส่งรูปถ่ายของปัญหา 1 รูป หรือพิมพ์ \"ข้าม\" หากไม่มีรูป";
  m.quick_replies.push_back({"ข้าม", "skip"});
  return m;
}

LineMessage AskLocation(std::string intro = {}) {
  LineMessage m;
  m.text = std::move(intro) + "ส่งตำแหน่งที่เกิดปัญหา: กดปุ่ม \"ส่งตำแหน่ง\" แล้วเลือกจุดบนแผนที่";
  m.ask_location = true;
  return m;
}

LineMessage AskDescription(std::string intro = {}) {
  LineMessage m;
  m.text = std::move(intro) + "เล่ารายละเอียดของปัญหาอย่างน้อย " + std::to_string(kMinDescriptionChars) +
           " ตัวอักษร เช่น เกิดเมื่อไร เห็นหรือได้กลิ่นอะไร มาจากที่ใด";
  return m;
}

LineMessage Text(std::string text) { return LineMessage{std::move(text), {}, false}; }

const char* kHelp = "พิมพ์ \"ร้องเรียน\" เพื่อแจ้งเรื่องร้องเรียนเรื่องมลพิษ (ฝุ่น ควัน กลิ่น เสียง น้ำเสีย การเผา ขยะ) ถึงหน่วยงาน";

bool IsInputFor(LineEvent::Kind kind) {
  return kind == LineEvent::Kind::kText || kind == LineEvent::Kind::kPostback || kind == LineEvent::Kind::kImage ||
         kind == LineEvent::Kind::kLocation;
}

}  // namespace

// ---- connection -------------------------------------------------------------------------------

Status ValidateLineConnection(const LineConnection& c) {
  if (c.channel_id.size() > 20 || !std::all_of(c.channel_id.begin(), c.channel_id.end(), ::isdigit)) {
    return Status::Invalid("the channel ID is the number shown in the LINE Developers console", "channel_id");
  }
  if (!c.channel_secret.empty() &&
      (c.channel_secret.size() != 32 || !std::all_of(c.channel_secret.begin(), c.channel_secret.end(), ::isxdigit))) {
    return Status::Invalid("the channel secret is 32 hexadecimal characters", "channel_secret");
  }
  if (!c.access_token.empty()) {
    const bool printable =
        std::all_of(c.access_token.begin(), c.access_token.end(), [](char ch) { return ch > ' ' && ch < 0x7f; });
    if (!printable || c.access_token.size() < 20 || c.access_token.size() > 1000) {
      return Status::Invalid("the channel access token is 20 to 1000 characters without spaces", "access_token");
    }
  }
  if (c.enabled) {
    if (c.channel_id.empty()) return Status::Invalid("enter the channel ID before turning LINE on", "channel_id");
    if (c.channel_secret.empty()) {
      return Status::Invalid("enter the channel secret before turning LINE on", "channel_secret");
    }
    if (c.access_token.empty()) {
      return Status::Invalid("enter the channel access token before turning LINE on", "access_token");
    }
  }
  return Status::Ok();
}

// ---- webhook ----------------------------------------------------------------------------------

std::string NewLineRetryKey() {
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

std::string LineSignature(std::string_view channel_secret, std::string_view body) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(channel_secret.data()),
                              channel_secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  crypto_auth_hmacsha256_final(&state, mac);
  char encoded[sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(encoded, sizeof encoded, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
  return encoded;
}

bool VerifyLineSignature(std::string_view channel_secret, std::string_view body, std::string_view signature) {
  if (channel_secret.empty() || signature.empty()) return false;
  const std::string expected = LineSignature(channel_secret, body);
  // Lengths are public (always 44); the bytes are compared in constant time.
  return signature.size() == expected.size() && sodium_memcmp(signature.data(), expected.data(), expected.size()) == 0;
}

Result<std::vector<LineEvent>> ParseLineWebhook(std::string_view body) {
  const json root = json::parse(body, nullptr, false);
  if (!root.is_object() || !root.contains("events") || !root["events"].is_array()) {
    return Status::Invalid("a LINE webhook body is an object with an events array", "body");
  }
  std::vector<LineEvent> out;
  const auto& events = root["events"];
  for (size_t i = 0; i < events.size(); ++i) {
    const json& e = events[i];
    const std::string field = "events[" + std::to_string(i) + "]";
    if (!e.is_object()) return Status::Invalid(field + " is not an object", field);
    LineEvent event;
    if (!e.contains("webhookEventId") || !e["webhookEventId"].is_string() ||
        e["webhookEventId"].get<std::string>().empty() || e["webhookEventId"].get<std::string>().size() > 64) {
      return Status::Invalid(field + " has no webhookEventId", field + ".webhookEventId");
    }
    event.event_id = e["webhookEventId"].get<std::string>();
    event.raw = e.dump();
    if (e.contains("deliveryContext") && e["deliveryContext"].is_object()) {
      event.redelivery = e["deliveryContext"].value("isRedelivery", false);
    }
    event.standby = e.value("mode", "active") == "standby";
    if (e.contains("timestamp") && e["timestamp"].is_number_integer()) event.timestamp_ms = e["timestamp"];
    if (e.contains("replyToken") && e["replyToken"].is_string()) event.reply_token = e["replyToken"];
    if (e.contains("source") && e["source"].is_object()) {
      const json& source = e["source"];
      event.from_user = source.value("type", "") == "user";
      if (source.contains("userId") && source["userId"].is_string()) event.user_id = source["userId"];
    }
    const std::string type = e.value("type", "");
    if (type == "follow") {
      event.kind = LineEvent::Kind::kFollow;
    } else if (type == "unfollow") {
      event.kind = LineEvent::Kind::kUnfollow;
    } else if (type == "postback" && e.contains("postback") && e["postback"].is_object()) {
      event.kind = LineEvent::Kind::kPostback;
      event.text = e["postback"].value("data", "");
    } else if (type == "message" && e.contains("message") && e["message"].is_object()) {
      const json& m = e["message"];
      const std::string message_type = m.value("type", "");
      if (message_type == "text" && m.contains("text") && m["text"].is_string()) {
        event.kind = LineEvent::Kind::kText;
        event.text = m["text"];
      } else if (message_type == "image" && m.contains("id") && m["id"].is_string()) {
        event.kind = LineEvent::Kind::kImage;
        event.message_id = m["id"];
      } else if (message_type == "location" && m.contains("latitude") && m["latitude"].is_number() &&
                 m.contains("longitude") && m["longitude"].is_number()) {
        event.kind = LineEvent::Kind::kLocation;
        event.lat = m["latitude"];
        event.lon = m["longitude"];
        if (m.contains("address") && m["address"].is_string()) event.address = m["address"];
      }
    }
    out.push_back(std::move(event));
  }
  return out;
}

// ---- conversation -----------------------------------------------------------------------------

const char* LineStepName(LineStep step) {
  switch (step) {
    case LineStep::kCategory:
      return "category";
    case LineStep::kPhoto:
      return "photo";
    case LineStep::kLocation:
      return "location";
    case LineStep::kDescription:
      return "description";
  }
  return "category";
}

Result<LineStep> ParseLineStep(std::string_view name) {
  for (const auto step : {LineStep::kCategory, LineStep::kPhoto, LineStep::kLocation, LineStep::kDescription}) {
    if (name == LineStepName(step)) return step;
  }
  return Status::Invalid("unknown conversation step " + std::string(name), "step");
}

LineStepOutcome StepLineConversation(const std::optional<LineConversation>& current, const LineEvent& event,
                                     const std::optional<std::string>& photo, const LineLocationCheck& check_location,
                                     int64_t org_id, int64_t now) {
  LineStepOutcome out;
  const bool text_like = event.kind == LineEvent::Kind::kText || event.kind == LineEvent::Kind::kPostback;
  const auto begin = [&](std::string intro) {
    LineConversation fresh;
    fresh.org_id = org_id;
    fresh.user_id = event.user_id;
    fresh.step = LineStep::kCategory;
    fresh.updated_at = now;
    out.next = fresh;
    out.replies.push_back(AskCategory(std::move(intro)));
  };

  if (event.kind == LineEvent::Kind::kUnfollow) return out;  // blocked: forget the draft
  if (event.kind == LineEvent::Kind::kFollow) {
    begin("ขอบคุณที่เพิ่มเราเป็นเพื่อน ท่านแจ้งเรื่องร้องเรียนเรื่องมลพิษถึงหน่วยงานได้ที่นี่\n");
    return out;
  }
  if (text_like && IsStart(event.text)) {
    begin("เริ่มแจ้งเรื่องร้องเรียน\n");
    return out;
  }
  if (!current) {
    if (IsInputFor(event.kind)) out.replies.push_back(Text(kHelp));
    return out;
  }
  if (now - current->updated_at > kLineConversationIdleSeconds) {
    if (IsInputFor(event.kind)) out.replies.push_back(Text(std::string("การแจ้งเรื่องครั้งก่อนหมดเวลาแล้ว\n") + kHelp));
    return out;
  }
  if (text_like && IsCancel(event.text)) {
    out.replies.push_back(Text("ยกเลิกการแจ้งเรื่องแล้ว พิมพ์ \"ร้องเรียน\" เพื่อเริ่มใหม่"));
    return out;
  }
  LineConversation next = *current;
  next.updated_at = now;
  out.next = next;
  switch (current->step) {
    case LineStep::kCategory: {
      const auto category = text_like ? CategoryOfInput(event.text) : std::nullopt;
      if (!category) {
        out.replies.push_back(AskCategory("ไม่พบประเภทนี้ "));
        return out;
      }
      out.next->category = *category;
      out.next->step = LineStep::kPhoto;
      out.replies.push_back(AskPhoto(std::string("ประเภท: ") + InfoOf(*category).name_th + "\n"));
      return out;
    }
    case LineStep::kPhoto: {
      if (text_like && IsSkip(event.text)) {
        out.next->step = LineStep::kLocation;
        out.replies.push_back(AskLocation());
        return out;
      }
      if (event.kind != LineEvent::Kind::kImage) {
        out.replies.push_back(AskPhoto());
        return out;
      }
      if (!photo || photo->size() > kMaxComplaintPhotoBytes || calibration::DetectImageType(*photo).empty()) {
        out.replies.push_back(AskPhoto("รับรูปนี้ไม่ได้ (รับเฉพาะรูป JPEG, PNG หรือ WebP ไม่เกิน 5 MB) "));
        return out;
      }
      out.next->photo = *photo;
      out.next->step = LineStep::kLocation;
      out.replies.push_back(AskLocation("ได้รับรูปแล้ว\n"));
      return out;
    }
    case LineStep::kLocation: {
      if (event.kind != LineEvent::Kind::kLocation) {
        out.replies.push_back(AskLocation());
        return out;
      }
      if (Status inside = check_location(event.lat, event.lon); !inside.ok()) {
        out.replies.push_back(AskLocation("ตำแหน่งนี้อยู่นอกพื้นที่ที่หน่วยงานนี้รับผิดชอบ กรุณาส่งตำแหน่งที่เกิดปัญหาอีกครั้ง\n"));
        return out;
      }
      out.next->lat = event.lat;
      out.next->lon = event.lon;
      out.next->address = std::string(Trim(event.address)).substr(0, 400);
      out.next->step = LineStep::kDescription;
      out.replies.push_back(AskDescription());
      return out;
    }
    case LineStep::kDescription: {
      if (event.kind != LineEvent::Kind::kText) {
        out.replies.push_back(AskDescription());
        return out;
      }
      if (!ValidateDescription(event.text).ok()) {
        out.replies.push_back(AskDescription("รายละเอียดสั้นหรือยาวเกินไป "));
        return out;
      }
      out.file = true;
      out.description = std::string(Trim(event.text));
      return out;
    }
  }
  return out;
}

}  // namespace ecotown::complaints
