// The three channels against receivers running in the test on 127.0.0.1: the webhook POST, the
// LINE Messaging API push request, and an SMTP transaction with a proper RFC 5322 message.
// Every test checks the bytes that arrived.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "core/utf8.h"
#include "notify/email.h"
#include "notify/http_post.h"
#include "notify/line.h"
#include "notify/local_servers.h"
#include "notify/webhook.h"

namespace ecotown::notify {
namespace {

using nlohmann::json;
using testing::DecodeBase64;
using testing::HttpReceiver;
using testing::SmtpSink;

alerts::Alert SampleAlert() {
  alerts::Alert alert;
  alert.id = 41;
  alert.org_id = 3;
  alert.rule_id = 7;
  alert.rule_name = "ฝุ่นเกินมาตรฐาน";
  alert.rule_kind = alerts::RuleKind::kPm25Daily;
  alert.sensor_id = 11;
  alert.sensor_code = "bp-01";
  alert.sensor_name = "โรงเรียนบ้านโป่ง";
  alert.kind = alerts::AlertKind::kFire;
  alert.message_th = "แจ้งเตือน [ฝุ่นเกินมาตรฐาน] PM2.5 เฉลี่ย 24 ชั่วโมง 52.3 มคก./ลบ.ม.";
  alert.message_en = "Alert [ฝุ่นเกินมาตรฐาน] 24-hour mean PM2.5 is 52.3 µg/m³.";
  alert.value = 52.3;
  alert.scale = core::AqiScale::kThai;
  alert.level = 4;
  alert.since = 1'750'000'000;
  alert.at = 1'750'000'000;
  return alert;
}

// The text of RFC 2047 encoded words ("=?UTF-8?B?...?=" separated by folding whitespace).
std::string DecodeEncodedWords(const std::string& value) {
  std::string out;
  size_t pos = 0;
  while ((pos = value.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const size_t start = pos + 10;
    const size_t end = value.find("?=", start);
    out += DecodeBase64(value.substr(start, end - start));
    pos = end + 2;
  }
  return out;
}

// The value of a header in an RFC 5322 message, unfolded continuation lines included.
std::string HeaderOf(const std::string& message, const std::string& name) {
  const std::string head = message.substr(0, message.find("\r\n\r\n") + 2);
  const size_t at = head.find("\r\n" + name + ": ") != std::string::npos ? head.find("\r\n" + name + ": ") + 2
                    : head.starts_with(name + ": ")                      ? 0
                                                                         : std::string::npos;
  if (at == std::string::npos) return {};
  size_t end = head.find("\r\n", at);
  while (end + 2 < head.size() && (head[end + 2] == ' ' || head[end + 2] == '\t')) end = head.find("\r\n", end + 2);
  return head.substr(at + name.size() + 2, end - at - name.size() - 2);
}

// ---- Webhook -------------------------------------------------------------------------------

TEST(WebhookTest, PostsTheAlertAsJsonWithItsIdempotencyKey) {
  HttpReceiver receiver;
  const alerts::Alert alert = SampleAlert();
  const Status sent =
      SendWebhook(receiver.url("/hooks/ecotown?lao=banpong"), alert, "123e4567-e89b-42d3-a456-426614174000", 5);
  ASSERT_TRUE(sent.ok()) << sent.ToString();
  const auto requests = receiver.WaitFor(1);
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/hooks/ecotown?lao=banpong");
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
  EXPECT_EQ(r.headers.at("idempotency-key"), "123e4567-e89b-42d3-a456-426614174000");
  EXPECT_EQ(r.headers.count("expect"), 0u);
  const json body = json::parse(r.body);
  EXPECT_EQ(body["type"], "alert.fire");
  EXPECT_EQ(body["alert"]["id"], 41);
  EXPECT_EQ(body["alert"]["rule_name"], "ฝุ่นเกินมาตรฐาน");
  EXPECT_EQ(body["alert"]["rule_kind"], "pm25_24h");
  EXPECT_EQ(body["alert"]["sensor"]["code"], "bp-01");
  EXPECT_EQ(body["alert"]["value"], 52.3);
  EXPECT_EQ(body["alert"]["level"], 4);
  EXPECT_EQ(body["alert"]["scale"], "th");
  EXPECT_EQ(body["text"]["th"], alert.message_th);
  EXPECT_EQ(body["text"]["en"], alert.message_en);
}

TEST(WebhookTest, AnswersAreSortedIntoRetryAndGiveUp) {
  HttpReceiver receiver;
  receiver.QueueAnswer(204, "");
  receiver.QueueAnswer(503, "busy");
  receiver.QueueAnswer(429, "slow down");
  receiver.QueueAnswer(404, "no such hook");
  const alerts::Alert alert = SampleAlert();
  EXPECT_TRUE(SendWebhook(receiver.url(), alert, "k", 5).ok());
  EXPECT_EQ(SendWebhook(receiver.url(), alert, "k", 5).code(), StatusCode::kUnavailable);
  EXPECT_EQ(SendWebhook(receiver.url(), alert, "k", 5).code(), StatusCode::kUnavailable);
  const Status gone = SendWebhook(receiver.url(), alert, "k", 5);
  EXPECT_EQ(gone.code(), StatusCode::kInvalid);
  EXPECT_NE(gone.message().find("404"), std::string::npos) << gone.message();
  EXPECT_NE(gone.message().find("no such hook"), std::string::npos) << gone.message();
  EXPECT_EQ(receiver.Requests().size(), 4u);
}

TEST(WebhookTest, UnreachableOrSlowReceiversAreRetriedNotWaitedFor) {
  uint16_t closed_port;
  {
    HttpReceiver gone;
    closed_port = gone.port();
  }
  EXPECT_EQ(SendWebhook("http://127.0.0.1:" + std::to_string(closed_port) + "/", SampleAlert(), "k", 2).code(),
            StatusCode::kUnavailable);

  HttpReceiver slow;
  slow.SetDelay(std::chrono::seconds(4));
  const auto start = std::chrono::steady_clock::now();
  const Status timed_out = SendWebhook(slow.url(), SampleAlert(), "k", 1);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(timed_out.code(), StatusCode::kUnavailable) << timed_out.ToString();
  EXPECT_LT(took, std::chrono::milliseconds(3000)) << "the 1 s timeout holds";
}

TEST(WebhookTest, OnlyHttpAndHttpsAreSpoken) {
  EXPECT_EQ(SendWebhook("file:///etc/passwd", SampleAlert(), "k", 2).code(), StatusCode::kInvalid);
  EXPECT_EQ(SendWebhook("gopher://127.0.0.1/", SampleAlert(), "k", 2).code(), StatusCode::kInvalid);
}

// ---- LINE ----------------------------------------------------------------------------------

TEST(LinePushTest, RequestHasTheDocumentedPathHeadersAndBody) {
  HttpReceiver line;
  LineSettings settings;
  settings.api_base = line.url("/");  // a trailing slash is tolerated
  settings.channel_token = "token+with/chars=";
  settings.timeout_seconds = 5;
  const std::string text = "แจ้งเตือน ฝุ่น PM2.5\n\nAlert: PM2.5";
  const Status sent =
      SendLinePush(settings, "U4af4980629c1d8e1e7e8b3e2f6b0d1a9", text, "123e4567-e89b-42d3-a456-426614174000");
  ASSERT_TRUE(sent.ok()) << sent.ToString();
  const auto requests = line.WaitFor(1);
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/v2/bot/message/push");
  EXPECT_EQ(r.headers.at("authorization"), "Bearer token+with/chars=");
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
  EXPECT_EQ(r.headers.at("x-line-retry-key"), "123e4567-e89b-42d3-a456-426614174000");
  const json body = json::parse(r.body);
  const json expected = {{"to", "U4af4980629c1d8e1e7e8b3e2f6b0d1a9"},
                         {"messages", json::array({{{"type", "text"}, {"text", text}}})}};
  EXPECT_EQ(body, expected);
}

TEST(LinePushTest, AnAlreadyAcceptedRetryKeyCountsAsSentAndErrorsAreSorted) {
  HttpReceiver line;
  LineSettings settings;
  settings.api_base = line.url("");
  settings.channel_token = "t";
  line.QueueAnswer(409, R"({"message":"The retry key is already accepted"})");
  line.QueueAnswer(429, R"({"message":"Too Many Requests"})");
  line.QueueAnswer(500, "{}");
  line.QueueAnswer(400, R"({"message":"The property, 'to', in the request body is invalid"})");
  line.QueueAnswer(401, R"({"message":"Authentication failed"})");
  const std::string to = "C23fcbe8d92b0e428298ae1e32585fb36";
  EXPECT_TRUE(SendLinePush(settings, to, "x", "k").ok());
  EXPECT_EQ(SendLinePush(settings, to, "x", "k").code(), StatusCode::kUnavailable);
  EXPECT_EQ(SendLinePush(settings, to, "x", "k").code(), StatusCode::kUnavailable);
  const Status bad = SendLinePush(settings, to, "x", "k");
  EXPECT_EQ(bad.code(), StatusCode::kInvalid);
  EXPECT_NE(bad.message().find("'to'"), std::string::npos) << bad.message();
  EXPECT_EQ(SendLinePush(settings, to, "x", "k").code(), StatusCode::kInvalid);

  settings.channel_token.clear();
  const Status off = SendLinePush(settings, to, "x", "k");
  EXPECT_EQ(off.code(), StatusCode::kInvalid);
  EXPECT_NE(off.message().find("line_channel_token"), std::string::npos);
  EXPECT_EQ(line.Requests().size(), 5u) << "nothing is sent without a token";
}

TEST(LinePushTest, TextLongerThanFiveThousandCharactersIsCut) {
  std::string text;
  for (int i = 0; i < 6000; ++i) text += "ฝ";
  const json body = json::parse(LinePushBody("U4af4980629c1d8e1e7e8b3e2f6b0d1a9", text));
  const std::string sent = body["messages"][0]["text"];
  EXPECT_EQ(core::CodePointCount(sent), kLineMaxTextChars);
  EXPECT_TRUE(core::IsValidUtf8(sent));
  EXPECT_TRUE(sent.ends_with("…"));
  EXPECT_EQ(json::parse(LinePushBody("U1", "short"))["messages"][0]["text"], "short");
}

// ---- E-mail --------------------------------------------------------------------------------

TEST(EmailFormatTest, ThaiSubjectBecomesEncodedWordsThatNeverSplitACharacter) {
  EXPECT_EQ(EncodeHeaderText("PM2.5 alert"), "PM2.5 alert");
  const std::string subject = "แจ้งเตือน: ฝุ่นเกินมาตรฐาน – โรงเรียนบ้านโป่ง หมู่ 4 ตำบลบ้านโป่ง";
  const std::string encoded = EncodeHeaderText(subject);
  EXPECT_EQ(DecodeEncodedWords(encoded), subject);
  size_t words = 0;
  size_t pos = 0;
  while (pos < encoded.size()) {
    size_t end = encoded.find("\r\n ", pos);
    if (end == std::string::npos) end = encoded.size();
    const std::string word = encoded.substr(pos, end - pos);
    EXPECT_LE(word.size(), 75u) << word;
    EXPECT_TRUE(word.starts_with("=?UTF-8?B?") && word.ends_with("?=")) << word;
    EXPECT_TRUE(core::IsValidUtf8(DecodeEncodedWords(word))) << "word " << words << " splits a character";
    ++words;
    pos = end + 3;
  }
  EXPECT_GT(words, 2u);
  // Plain ASCII that could be mistaken for an encoded word, or carries a line break, is encoded.
  EXPECT_NE(EncodeHeaderText("=?x?="), "=?x?=");
  EXPECT_EQ(EncodeHeaderText("a\r\nBcc: x").find('\n'), std::string::npos);
}

TEST(EmailFormatTest, MessageHasTheHeadersOfRfc5322AndABase64Utf8Body) {
  EmailMessage message;
  message.from = "alerts@banpong.go.th";
  message.to = "env@banpong.go.th";
  message.subject = "แจ้งเตือน: ฝุ่น";
  message.body = "บรรทัดแรก\nLine two";
  message.date = 1'750'000'000;  // 2025-06-15 22:06:40 Bangkok, a Sunday
  message.message_id = "abc@ecotown.alerts";
  const std::string text = BuildEmail(message);
  EXPECT_EQ(HeaderOf(text, "Date"), "Sun, 15 Jun 2025 22:06:40 +0700");
  EXPECT_EQ(HeaderOf(text, "From"), "<alerts@banpong.go.th>");
  EXPECT_EQ(HeaderOf(text, "To"), "<env@banpong.go.th>");
  EXPECT_EQ(DecodeEncodedWords(HeaderOf(text, "Subject")), "แจ้งเตือน: ฝุ่น");
  EXPECT_EQ(HeaderOf(text, "Message-ID"), "<abc@ecotown.alerts>");
  EXPECT_EQ(HeaderOf(text, "MIME-Version"), "1.0");
  EXPECT_EQ(HeaderOf(text, "Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(HeaderOf(text, "Content-Transfer-Encoding"), "base64");
  const std::string body = text.substr(text.find("\r\n\r\n") + 4);
  EXPECT_EQ(DecodeBase64(body), "บรรทัดแรก\r\nLine two");
  for (size_t pos = 0; pos < body.size();) {
    const size_t end = body.find("\r\n", pos);
    ASSERT_NE(end, std::string::npos) << "every line ends with CRLF";
    EXPECT_LE(end - pos, 76u);
    pos = end + 2;
  }
  // No bare LF anywhere.
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      EXPECT_TRUE(i > 0 && text[i - 1] == '\r') << "bare LF at " << i;
    }
  }
}

TEST(EmailSendTest, SmtpTransactionCarriesTheEnvelopeAuthAndMessage) {
  SmtpSink sink;
  SmtpSettings settings;
  settings.url = sink.url();
  settings.from = "alerts@banpong.go.th";
  settings.user = "alerts";
  settings.password = "s3cret pass";
  settings.require_tls = false;
  settings.timeout_seconds = 5;
  EmailMessage message;
  message.from = settings.from;
  message.to = "env@banpong.go.th";
  message.subject = "แจ้งเตือน: ฝุ่นเกินมาตรฐาน – โรงเรียนบ้านโป่ง";
  message.body = "แจ้งเตือน [ฝุ่น] PM2.5 52.3 มคก./ลบ.ม.\n\nAlert: PM2.5 52.3 µg/m³\n.\nend";
  message.date = 1'750'000'000;
  message.message_id = "k1@ecotown.alerts";
  const Status sent = SendEmail(settings, message);
  ASSERT_TRUE(sent.ok()) << sent.ToString();
  const auto mails = sink.WaitFor(1);
  ASSERT_EQ(mails.size(), 1u);
  const auto& mail = mails[0];
  EXPECT_EQ(mail.mail_from, "<alerts@banpong.go.th>");
  ASSERT_EQ(mail.rcpt_to.size(), 1u);
  EXPECT_EQ(mail.rcpt_to[0], "<env@banpong.go.th>");
  EXPECT_EQ(mail.auth_user, "alerts");
  EXPECT_EQ(mail.auth_password, "s3cret pass");
  EXPECT_EQ(mail.data, BuildEmail(message)) << "DATA is the message byte for byte";
  EXPECT_EQ(DecodeEncodedWords(HeaderOf(mail.data, "Subject")), message.subject);
  const std::string body = mail.data.substr(mail.data.find("\r\n\r\n") + 4);
  EXPECT_EQ(DecodeBase64(body), "แจ้งเตือน [ฝุ่น] PM2.5 52.3 มคก./ลบ.ม.\r\n\r\nAlert: PM2.5 52.3 µg/m³\r\n.\r\nend");
  EXPECT_EQ(mail.mail_params, "SIZE=" + std::to_string(mail.data.size()));
  EXPECT_NE(mail.transcript.find("EHLO "), std::string::npos) << mail.transcript;
}

TEST(EmailSendTest, FailuresAreSortedIntoRetryAndGiveUp) {
  EmailMessage message;
  message.from = "alerts@banpong.go.th";
  message.to = "nobody@banpong.go.th";
  message.subject = "x";
  message.body = "x";
  message.message_id = "k@ecotown.alerts";
  SmtpSettings settings;
  settings.from = message.from;
  settings.require_tls = false;
  settings.timeout_seconds = 3;
  EXPECT_EQ(SendEmail(settings, message).field(), "smtp_url") << "not configured";
  settings.url = "http://127.0.0.1/";
  EXPECT_EQ(SendEmail(settings, message).field(), "smtp_url");

  SmtpSink sink;
  settings.url = sink.url();
  sink.RejectRecipientsWith(550);
  const Status rejected = SendEmail(settings, message);
  EXPECT_EQ(rejected.code(), StatusCode::kInvalid) << rejected.ToString();
  EXPECT_NE(rejected.message().find("550"), std::string::npos) << rejected.message();
  sink.RejectRecipientsWith(451);
  EXPECT_EQ(SendEmail(settings, message).code(), StatusCode::kUnavailable);
  sink.RejectRecipientsWith(0);

  // A server without STARTTLS is refused when TLS is required: nothing is sent in clear.
  settings.require_tls = true;
  settings.user = "alerts";
  settings.password = "secret";
  const Status no_tls = SendEmail(settings, message);
  EXPECT_EQ(no_tls.code(), StatusCode::kInvalid) << no_tls.ToString();
  EXPECT_TRUE(sink.WaitFor(1, std::chrono::milliseconds(200)).empty());

  uint16_t closed_port;
  {
    SmtpSink gone;
    closed_port = gone.port();
  }
  settings.require_tls = false;
  settings.url = "smtp://127.0.0.1:" + std::to_string(closed_port);
  EXPECT_EQ(SendEmail(settings, message).code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ecotown::notify
