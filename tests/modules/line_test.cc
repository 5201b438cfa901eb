// The LINE complaint channel's pure parts: the X-Line-Signature check, the webhook parser over
// events shaped as LINE's Messaging API reference documents them, and the conversation's state
// machine (category -> photo -> location -> description -> filing; cancel, restart, idle, errors).
#include "modules/complaints/line.h"

#include <gtest/gtest.h>

#include <string>

#include "modules/accounts/secrets.h"

namespace ecotown::complaints {
namespace {

const char* const kUser = "U4af4980629a1b2c3d4e5f6a7b8c9d0e1";
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(100, 'x');
constexpr int64_t kNow = 1764200000;

class LineSignatureTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(accounts::InitSecrets().ok()); }
};

TEST_F(LineSignatureTest, MatchesThePublishedHmacSha256Vector) {
  // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog") =
  // f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8 (the widely published
  // vector), base64-encoded as LINE sends it.
  EXPECT_EQ(LineSignature("key", "The quick brown fox jumps over the lazy dog"),
            "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=");
}

TEST_F(LineSignatureTest, VerifiesLinesVerifyCallAndRefusesAnythingElse) {
  // printf '%s' '{"destination":"U0123456789abcdef0123456789abcdef","events":[]}' |
  //   openssl dgst -sha256 -hmac 8c570fa6dd201bb328f1c1eac23a96d8 -binary | base64
  const std::string body = R"({"destination":"U0123456789abcdef0123456789abcdef","events":[]})";
  const std::string secret = "8c570fa6dd201bb328f1c1eac23a96d8";
  const std::string signature = "j2zwSWvscnRkmVay2eMQI+B6oSOp3bA8F1CD3kPwJNo=";
  EXPECT_TRUE(VerifyLineSignature(secret, body, signature));
  EXPECT_FALSE(VerifyLineSignature(secret, body + " ", signature));                        // body changed
  EXPECT_FALSE(VerifyLineSignature("9c570fa6dd201bb328f1c1eac23a96d8", body, signature));  // other channel
  EXPECT_FALSE(VerifyLineSignature(secret, body, ""));
  EXPECT_FALSE(VerifyLineSignature(secret, body, signature.substr(0, 43)));
  EXPECT_FALSE(VerifyLineSignature("", body, LineSignature("", body)));  // no secret: never valid
}

// A message event exactly as the Messaging API reference shows it.
const char* const kTextEvent = R"({
  "destination": "xxxxxxxxxx",
  "events": [
    {
      "replyToken": "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA",
      "type": "message",
      "mode": "active",
      "timestamp": 1462629479859,
      "source": {"type": "user", "userId": "U4af4980629a1b2c3d4e5f6a7b8c9d0e1"},
      "webhookEventId": "01FZ74A0TDDPYRVKNK77XKC3ZR",
      "deliveryContext": {"isRedelivery": false},
      "message": {"id": "444573844083572737", "type": "text", "quoteToken": "q3Plxr4AgKd...", "text": "ร้องเรียน"}
    },
    {
      "replyToken": "b60d432864f44d079f6d8efe86cf404b",
      "type": "message",
      "mode": "standby",
      "timestamp": 1462629479960,
      "source": {"type": "group", "groupId": "Ca56f94637c", "userId": "U4af4980629a1b2c3d4e5f6a7b8c9d0e1"},
      "webhookEventId": "01FZ74ASS536FW97EX38NKCZQK",
      "deliveryContext": {"isRedelivery": true},
      "message": {"id": "325708", "type": "location", "title": "my location",
                  "address": "ตำบลบ้านโป่ง อำเภอบ้านโป่ง", "latitude": 13.8161, "longitude": 99.8735}
    },
    {
      "type": "unfollow",
      "mode": "active",
      "timestamp": 1462629479960,
      "source": {"type": "user", "userId": "U4af4980629a1b2c3d4e5f6a7b8c9d0e1"},
      "webhookEventId": "01FZ74B5Y0F4TNKA5SCAVKPEDM",
      "deliveryContext": {"isRedelivery": false}
    }
  ]
})";

TEST(LineWebhookParseTest, ReadsTheDocumentedEventShapes) {
  auto events = ParseLineWebhook(kTextEvent);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 3u);
  const LineEvent& text = (*events)[0];
  EXPECT_EQ(text.kind, LineEvent::Kind::kText);
  EXPECT_EQ(text.text, "ร้องเรียน");
  EXPECT_EQ(text.reply_token, "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA");
  EXPECT_EQ(text.user_id, kUser);
  EXPECT_TRUE(text.from_user);
  EXPECT_FALSE(text.redelivery);
  EXPECT_FALSE(text.standby);
  EXPECT_EQ(text.event_id, "01FZ74A0TDDPYRVKNK77XKC3ZR");
  EXPECT_EQ(text.timestamp_ms, 1462629479859);
  const LineEvent& location = (*events)[1];
  EXPECT_EQ(location.kind, LineEvent::Kind::kLocation);
  EXPECT_DOUBLE_EQ(location.lat, 13.8161);
  EXPECT_DOUBLE_EQ(location.lon, 99.8735);
  EXPECT_TRUE(location.standby);
  EXPECT_TRUE(location.redelivery);
  EXPECT_FALSE(location.from_user);
  EXPECT_EQ((*events)[2].kind, LineEvent::Kind::kUnfollow);
  EXPECT_TRUE((*events)[2].reply_token.empty());
}

TEST(LineWebhookParseTest, RefusesBodiesThatAreNotWebhooks) {
  EXPECT_TRUE(ParseLineWebhook(R"({"destination":"x","events":[]})").ok());
  EXPECT_EQ(ParseLineWebhook("not json").status().field(), "body");
  EXPECT_EQ(ParseLineWebhook(R"({"events":{}})").status().field(), "body");
  EXPECT_EQ(ParseLineWebhook(R"({"events":[{"type":"follow"}]})").status().field(), "events[0].webhookEventId");
}

// ---- the conversation ---------------------------------------------------------------------------

LineEvent Text(std::string text) {
  LineEvent e;
  e.kind = LineEvent::Kind::kText;
  e.text = std::move(text);
  e.user_id = kUser;
  e.from_user = true;
  return e;
}
LineEvent Postback(std::string data) {
  LineEvent e = Text(std::move(data));
  e.kind = LineEvent::Kind::kPostback;
  return e;
}
LineEvent Image() {
  LineEvent e = Text("");
  e.kind = LineEvent::Kind::kImage;
  e.message_id = "325708";
  return e;
}
LineEvent Location(double lat, double lon) {
  LineEvent e = Text("");
  e.kind = LineEvent::Kind::kLocation;
  e.lat = lat;
  e.lon = lon;
  e.address = "ซอยวัดดอนตูม";
  return e;
}

// Inside when the latitude is below 20 (a stand-in for the LAO's province).
Status InsideCheck(double lat, double) { return lat < 20 ? Status::Ok() : Status::Invalid("outside", "lat"); }

struct Chat {
  std::optional<LineConversation> state;
  LineStepOutcome last;
  int64_t now = kNow;
  LineStepOutcome Send(const LineEvent& e, const std::optional<std::string>& photo = std::nullopt) {
    last = StepLineConversation(state, e, photo, InsideCheck, 7, now);
    state = last.next;
    return last;
  }
  std::string Reply() const { return last.replies.empty() ? "" : last.replies.front().text; }
};

TEST(LineConversationTest, CollectsCategoryPhotoLocationAndDescriptionThenFiles) {
  Chat chat;
  auto out = chat.Send(Text("ร้องเรียน"));
  ASSERT_TRUE(chat.state.has_value());
  EXPECT_EQ(chat.state->step, LineStep::kCategory);
  ASSERT_EQ(out.replies.size(), 1u);
  ASSERT_EQ(out.replies[0].quick_replies.size(), AllCategories().size());
  EXPECT_EQ(out.replies[0].quick_replies[0].data, "category=dust_smoke");
  EXPECT_EQ(out.replies[0].quick_replies[0].label, "ฝุ่นหรือควัน");
  for (const auto& button : out.replies[0].quick_replies) EXPECT_LE(button.label.size(), 20u * 3);

  chat.Send(Postback("category=odour"));
  EXPECT_EQ(chat.state->step, LineStep::kPhoto);
  EXPECT_EQ(chat.state->category, Category::kOdour);
  chat.Send(Image(), kJpeg);
  EXPECT_EQ(chat.state->step, LineStep::kLocation);
  EXPECT_EQ(chat.state->photo, kJpeg);
  EXPECT_TRUE(chat.last.replies[0].ask_location);
  chat.Send(Location(13.8161, 99.8735));
  EXPECT_EQ(chat.state->step, LineStep::kDescription);
  EXPECT_EQ(chat.state->lat, 13.8161);
  EXPECT_EQ(chat.state->address, "ซอยวัดดอนตูม");
  out = chat.Send(Text("  กลิ่นเหม็นจากบ่อน้ำเสียทุกคืน  "));
  EXPECT_TRUE(out.file);
  EXPECT_EQ(out.description, "กลิ่นเหม็นจากบ่อน้ำเสียทุกคืน");
  ASSERT_TRUE(out.next.has_value());  // the draft, for the caller to file
  EXPECT_EQ(out.next->category, Category::kOdour);
}

TEST(LineConversationTest, BadInputAnswersInThaiAndKeepsTheStep) {
  struct Row {
    LineStep step;
    LineEvent input;
    std::optional<std::string> photo;
    const char* expected_text;
  };
  const Row rows[] = {
      {LineStep::kCategory, Text("ไฟไหม้"), std::nullopt, "ไม่พบประเภทนี้"},
      {LineStep::kPhoto, Image(), std::string("GIF89a-not-accepted"), "รับรูปนี้ไม่ได้"},
      {LineStep::kPhoto, Image(), std::nullopt, "รับรูปนี้ไม่ได้"},  // the download failed
      {LineStep::kPhoto, Text("สวัสดี"), std::nullopt, "ส่งรูปถ่าย"},
      {LineStep::kLocation, Location(35.0, 139.7), std::nullopt, "นอกพื้นที่"},
      {LineStep::kLocation, Text("หน้าวัด"), std::nullopt, "ส่งตำแหน่ง"},
      {LineStep::kDescription, Text("เหม็น"), std::nullopt, "สั้นหรือยาวเกินไป"},
  };
  for (const Row& row : rows) {
    LineConversation c;
    c.org_id = 7;
    c.user_id = kUser;
    c.step = row.step;
    c.category = Category::kNoise;
    c.updated_at = kNow - 60;
    auto out = StepLineConversation(c, row.input, row.photo, InsideCheck, 7, kNow);
    ASSERT_TRUE(out.next.has_value()) << LineStepName(row.step);
    EXPECT_EQ(out.next->step, row.step) << row.expected_text;
    EXPECT_FALSE(out.file);
    ASSERT_EQ(out.replies.size(), 1u);
    EXPECT_NE(out.replies[0].text.find(row.expected_text), std::string::npos) << out.replies[0].text;
  }
}

TEST(LineConversationTest, SkipCancelRestartFollowAndIdleTimeout) {
  Chat chat;
  chat.Send(Text("complaint"));
  chat.Send(Text("noise"));  // the code typed by hand
  EXPECT_EQ(chat.state->category, Category::kNoise);
  chat.Send(Text("ข้าม"));
  EXPECT_EQ(chat.state->step, LineStep::kLocation);
  EXPECT_FALSE(chat.state->photo.has_value());
  chat.Send(Text("ยกเลิก"));
  EXPECT_FALSE(chat.state.has_value());
  EXPECT_NE(chat.Reply().find("ยกเลิก"), std::string::npos);

  // Without a conversation, text only gets the help line.
  chat.Send(Text("สวัสดีครับ"));
  EXPECT_FALSE(chat.state.has_value());
  EXPECT_NE(chat.Reply().find("ร้องเรียน"), std::string::npos);

  LineEvent follow;
  follow.kind = LineEvent::Kind::kFollow;
  follow.user_id = kUser;
  follow.from_user = true;
  chat.Send(follow);
  ASSERT_TRUE(chat.state.has_value());
  EXPECT_EQ(chat.state->step, LineStep::kCategory);
  chat.Send(Postback("category=wastewater"));

  // Idle past the limit: the draft is over and the resident is told.
  chat.now += kLineConversationIdleSeconds + 1;
  chat.Send(Text("ข้าม"));
  EXPECT_FALSE(chat.state.has_value());
  EXPECT_NE(chat.Reply().find("หมดเวลา"), std::string::npos);

  // A start keyword in the middle starts over.
  chat.Send(Text("ร้องเรียน"));
  chat.Send(Postback("category=noise"));
  chat.Send(Text("ร้องเรียน"));
  EXPECT_EQ(chat.state->step, LineStep::kCategory);
  EXPECT_FALSE(chat.state->category.has_value());

  LineEvent unfollow;
  unfollow.kind = LineEvent::Kind::kUnfollow;
  unfollow.user_id = kUser;
  EXPECT_FALSE(chat.Send(unfollow).next.has_value());
  EXPECT_TRUE(chat.last.replies.empty());
}

TEST(LineConnectionTest, AnEnabledConnectionNeedsIdSecretAndToken) {
  LineConnection c;
  c.enabled = true;
  c.channel_id = "1657000001";
  c.channel_secret = "8c570fa6dd201bb328f1c1eac23a96d8";
  EXPECT_EQ(ValidateLineConnection(c).field(), "access_token");
  c.access_token = "abc def ghijklmnopqrstuvwxyz";
  EXPECT_EQ(ValidateLineConnection(c).field(), "access_token");
  c.access_token = "abcdefghijklmnopqrstuvwxyz0123";
  EXPECT_TRUE(ValidateLineConnection(c).ok());
  c.channel_id = "16570x";
  EXPECT_EQ(ValidateLineConnection(c).field(), "channel_id");
  c.channel_id = "1657000001";
  c.channel_secret = "short";
  EXPECT_EQ(ValidateLineConnection(c).field(), "channel_secret");
  EXPECT_TRUE(ValidateLineUserId(kUser).ok());
  EXPECT_FALSE(ValidateLineUserId("U123").ok());
}

}  // namespace
}  // namespace ecotown::complaints
