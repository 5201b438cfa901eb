#include "ingest/poller.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <random>
#include <thread>

#include "core/thai_calendar.h"
#include "ingest/air4thai.h"
#include "ingest/airgradient.h"
#include "ingest/parse_util.h"
#include "ingest/purpleair.h"

namespace ecotown::ingest {
namespace {

using SteadyClock = std::chrono::steady_clock;

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

int64_t NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool IsDeviceKind(PollKind kind) { return kind == PollKind::kAirGradientLocal || kind == PollKind::kPurpleAirLocal; }

// Shortest interval accepted: PCD's service updates hourly and is a public good; a device on
// the local network can be asked as often as it measures.
int MinIntervalSeconds(PollKind kind) { return IsDeviceKind(kind) ? 1 : 300; }

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    const char c = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
    if (c != prefix[i]) return false;
  }
  return true;
}

// "84:f3:eb:7b:c8:ee", either case.
bool IsMacAddress(std::string_view text) {
  if (text.size() != 17) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i % 3 == 2) {
      if (c != ':') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

bool IsStationId(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (const char c : id) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string IsoDate(const core::CivilDate& date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", date.year, date.month, date.day);
  return text;
}

size_t MaxBodyBytes(PollKind kind, const PollerOptions& options) {
  if (options.max_body_bytes > 0) return options.max_body_bytes;
  switch (kind) {
    case PollKind::kAirGradientLocal:
      return kMaxAirGradientBodyBytes;
    case PollKind::kPurpleAirLocal:
      return kMaxPurpleAirBodyBytes;
    case PollKind::kAir4ThaiCurrent:
    case PollKind::kAir4ThaiHistory:
      return kMaxAir4ThaiBodyBytes;
  }
  return kMaxAirGradientBodyBytes;
}

// What the response body collects into; refuses to grow past `limit`.
struct Body {
  std::string data;
  size_t limit = 0;
  bool too_large = false;
};

size_t WriteBody(char* ptr, size_t size, size_t count, void* user) {
  auto* body = static_cast<Body*>(user);
  const size_t bytes = size * count;
  if (bytes > body->limit - body->data.size()) {
    body->too_large = true;
    return 0;  // anything but `bytes` makes libcurl fail the transfer with CURLE_WRITE_ERROR
  }
  body->data.append(ptr, bytes);
  return bytes;
}

// What a parser delivered, with the stations or rows it could not read.
struct Parsed {
  std::vector<readings::RawReading> readings;
  std::vector<Status> skipped;
};

Result<Parsed> ParseBody(const PollTarget& target, std::string_view body, int64_t received_at) {
  Parsed out;
  switch (target.kind) {
    case PollKind::kAirGradientLocal: {
      ASSIGN_OR_RETURN(out.readings, ParseAirGradient(body, target.device_key, received_at));
      return out;
    }
    case PollKind::kPurpleAirLocal: {
      ASSIGN_OR_RETURN(out.readings, ParsePurpleAir(body, received_at));
      const std::string want = Lower(target.device_key);
      for (const auto& reading : out.readings) {
        if (!want.empty() && reading.device_key != want) {
          return Status::Invalid("the sensor reports SensorId " + QuoteForMessage(reading.device_key) +
                                     ", not the configured device_key " + QuoteForMessage(want),
                                 "SensorId");
        }
      }
      return out;
    }
    case PollKind::kAir4ThaiCurrent:
    case PollKind::kAir4ThaiHistory: {
      ASSIGN_OR_RETURN(Air4ThaiReadings parsed, target.kind == PollKind::kAir4ThaiCurrent ? ParseAir4ThaiCurrent(body)
                                                                                          : ParseAir4ThaiHistory(body));
      out.skipped = std::move(parsed.skipped);
      for (auto& reading : parsed.readings) {
        if (target.stations.empty() ||
            std::find(target.stations.begin(), target.stations.end(), reading.device_key) != target.stations.end()) {
          out.readings.push_back(std::move(reading));
        }
      }
      return out;
    }
  }
  return Status::Internal("unknown poll kind");
}

}  // namespace

const char* PollKindName(PollKind kind) {
  switch (kind) {
    case PollKind::kAirGradientLocal:
      return "airgradient_local";
    case PollKind::kPurpleAirLocal:
      return "purpleair_local";
    case PollKind::kAir4ThaiCurrent:
      return "air4thai";
    case PollKind::kAir4ThaiHistory:
      return "air4thai_history";
  }
  return "unknown";
}

Result<PollKind> ParsePollKind(std::string_view name, const std::string& field) {
  for (const PollKind kind : {PollKind::kAirGradientLocal, PollKind::kPurpleAirLocal, PollKind::kAir4ThaiCurrent,
                              PollKind::kAir4ThaiHistory}) {
    if (name == PollKindName(kind)) return kind;
  }
  return Status::Invalid(field +
                             " must be \"airgradient_local\", \"purpleair_local\", \"air4thai\" or "
                             "\"air4thai_history\", not " +
                             QuoteForMessage(name),
                         field);
}

int DefaultPollIntervalSeconds(PollKind kind) { return IsDeviceKind(kind) ? 60 : 3600; }

Status ValidatePollTarget(const PollTarget& target, const std::string& field) {
  const std::string url_field = field + ".url";
  const bool http = StartsWithNoCase(target.url, "http://");
  const bool https = StartsWithNoCase(target.url, "https://");
  if (!http && !https) return Status::Invalid(url_field + " must be an http:// or https:// URL", url_field);
  if (target.url.size() == (http ? 7u : 8u) || target.url[http ? 7 : 8] == '/') {
    return Status::Invalid(url_field + " must name a host", url_field);
  }
  if (target.url.size() > 4096) return Status::Invalid(url_field + " is longer than 4096 bytes", url_field);
  for (const char c : target.url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Status::Invalid(url_field + " must not contain spaces or control characters", url_field);
    }
  }
  const int min_interval = MinIntervalSeconds(target.kind);
  if (target.interval_seconds < min_interval || target.interval_seconds > 86400) {
    const std::string key = field + ".interval_seconds";
    return Status::Invalid(
        key + " must be from " + std::to_string(min_interval) + " to 86400 for " + PollKindName(target.kind), key);
  }
  if (target.timeout_seconds < 1 || target.timeout_seconds > 300) {
    const std::string key = field + ".timeout_seconds";
    return Status::Invalid(key + " must be from 1 to 300", key);
  }
  const std::string key_field = field + ".device_key";
  switch (target.kind) {
    case PollKind::kAirGradientLocal:
      if (!target.device_key.empty() && !IsAirGradientSerial(target.device_key)) {
        return Status::Invalid(key_field + " must be an AirGradient serial: 12 lowercase hex digits (ecda3b1eaaaf)",
                               key_field);
      }
      break;
    case PollKind::kPurpleAirLocal:
      if (!target.device_key.empty() && !IsMacAddress(target.device_key)) {
        return Status::Invalid(key_field + " must be the sensor's MAC address (84:f3:eb:7b:c8:ee)", key_field);
      }
      break;
    case PollKind::kAir4ThaiCurrent:
    case PollKind::kAir4ThaiHistory:
      if (!target.device_key.empty()) {
        return Status::Invalid(
            key_field + " is not used by " + std::string(PollKindName(target.kind)) + ": list station ids in stations",
            key_field);
      }
      break;
  }
  if (!target.stations.empty() && IsDeviceKind(target.kind)) {
    const std::string key = field + ".stations";
    return Status::Invalid(key + " is only for the air4thai kinds", key);
  }
  for (size_t i = 0; i < target.stations.size(); ++i) {
    if (!IsStationId(target.stations[i])) {
      const std::string key = field + ".stations[" + std::to_string(i) + "]";
      return Status::Invalid(key + " must be an Air4Thai station id such as \"44t\"", key);
    }
  }
  return Status::Ok();
}

std::string ExpandPollUrl(std::string_view url, int64_t now_unix) {
  const std::string today = IsoDate(core::BangkokDateOf(now_unix));
  const std::string yesterday = IsoDate(core::BangkokDateOf(now_unix - 86400));
  std::string out;
  out.reserve(url.size());
  for (size_t i = 0; i < url.size();) {
    if (url.substr(i, 7) == "{today}") {
      out += today;
      i += 7;
    } else if (url.substr(i, 11) == "{yesterday}") {
      out += yesterday;
      i += 11;
    } else {
      out += url[i++];
    }
  }
  return out;
}

struct Poller::Impl {
  struct Target {
    PollTarget config;
    SteadyClock::time_point due;
    int64_t consecutive_failures = 0;  // poller thread only
    PollTargetStatus status;           // guarded by status_mu
  };

  Impl(std::vector<PollTarget> targets_in, readings::ReadingSink sink_in, PollerOptions options_in)
      : sink(std::move(sink_in)), options(options_in), random(std::random_device{}()) {
    for (auto& config : targets_in) {
      Target target;
      target.status.kind = PollKindName(config.kind);
      target.status.url = config.url;
      target.config = std::move(config);
      targets.push_back(std::move(target));
    }
  }

  ~Impl() {
    if (multi != nullptr) curl_multi_cleanup(multi);
  }

  std::chrono::milliseconds Jitter(int interval_seconds) {
    const double most = options.jitter_fraction * interval_seconds * 1000.0;
    if (most < 1) return std::chrono::milliseconds(0);
    std::uniform_real_distribution<double> spread(0, most);
    return std::chrono::milliseconds(static_cast<int64_t>(spread(random)));
  }

  // GETs url with the target's limits; the body, or why there is none. Aborted by Stop().
  Result<std::string> Fetch(const std::string& url, const PollTarget& target) {
    CURL* easy = curl_easy_init();
    if (easy == nullptr) return Status::Internal("cannot create a libcurl handle");
    Body body;
    body.limit = MaxBodyBytes(target.kind, options);
    char error[CURL_ERROR_SIZE] = {};
    const long total_ms = static_cast<long>(target.timeout_seconds) * 1000;
    struct curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "ecotown");
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, std::min<long>(options.connect_timeout_ms, total_ms));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, total_ms);
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(body.limit));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &WriteBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);

    CURLcode result = CURLE_OK;
    bool aborted = false;
    curl_multi_add_handle(multi, easy);
    for (;;) {
      int running = 0;
      CURLMcode mc = curl_multi_perform(multi, &running);
      if (mc == CURLM_OK && running == 0) {
        int left = 0;
        while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
          if (message->msg == CURLMSG_DONE && message->easy_handle == easy) result = message->data.result;
        }
        break;
      }
      if (mc == CURLM_OK && stop.load()) aborted = true;
      if (mc == CURLM_OK && !aborted) mc = curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
      if (mc != CURLM_OK || aborted) {
        if (mc != CURLM_OK) std::snprintf(error, sizeof error, "%s", curl_multi_strerror(mc));
        result = CURLE_ABORTED_BY_CALLBACK;
        break;
      }
    }
    long http_status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &http_status);
    curl_multi_remove_handle(multi, easy);
    curl_easy_cleanup(easy);
    curl_slist_free_all(headers);

    if (aborted) return Status::Unavailable("stopped");
    if (body.too_large || result == CURLE_FILESIZE_EXCEEDED) {
      return Status::TooLarge("the answer is larger than " + std::to_string(body.limit) + " bytes");
    }
    if (result != CURLE_OK) {
      return Status::Unavailable(error[0] != '\0' ? std::string(error) : std::string(curl_easy_strerror(result)));
    }
    if (http_status < 200 || http_status > 299) {
      return Status::Unavailable("HTTP " + std::to_string(http_status));
    }
    return std::move(body.data);
  }

  void Fail(Target& target, const std::string& url, const std::string& message) {
    ++target.consecutive_failures;
    std::string previous;
    {
      std::lock_guard lock(status_mu);
      ++target.status.failures;
      previous = target.status.last_error;
      target.status.last_error = message;
    }
    // A device that stays offline would fill the log: say it when it starts, or the reason changes.
    if (target.consecutive_failures == 1 || previous != message) {
      spdlog::warn("poller: {} {}: {}", PollKindName(target.config.kind), url, message);
    } else {
      spdlog::debug("poller: {} {}: {} ({} in a row)", PollKindName(target.config.kind), url, message,
                    target.consecutive_failures);
    }
  }

  void PollOnce(Target& target) {
    const int64_t now = NowUnix();
    const std::string url = ExpandPollUrl(target.config.url, now);
    {
      std::lock_guard lock(status_mu);
      ++target.status.polls;
    }
    auto body = Fetch(url, target.config);
    if (!body.ok()) {
      if (stop.load()) return;
      Fail(target, url, body.status().message());
      return;
    }
    const int64_t received_at = NowUnix();
    auto parsed = ParseBody(target.config, *body, received_at);
    if (!parsed.ok()) {
      Fail(target, url, "answer refused: " + parsed.status().message());
      return;
    }
    if (!parsed->skipped.empty()) {
      spdlog::warn("poller: {} {}: {} station(s) or row(s) skipped, first: {}", PollKindName(target.config.kind), url,
                   parsed->skipped.size(), parsed->skipped.front().message());
    }
    readings::IngestSummary summary;
    const size_t count = parsed->readings.size();
    if (count > 0) {
      Result<readings::IngestSummary> stored = Status::Internal("sink not called");
      try {
        stored = sink(std::move(parsed->readings), received_at);
      } catch (const std::exception& e) {
        stored = Status::Internal(std::string("sink threw: ") + e.what());
      } catch (...) {
        stored = Status::Internal("sink threw");
      }
      if (!stored.ok()) {
        {
          std::lock_guard lock(status_mu);
          target.status.skipped += static_cast<int64_t>(parsed->skipped.size());
        }
        Fail(target, url, std::to_string(count) + " reading(s) not stored: " + stored.status().ToString());
        return;
      }
      summary = std::move(*stored);
      if (summary.rejected > 0) {
        spdlog::warn("poller: {} {}: {} of {} reading(s) rejected: {}", PollKindName(target.config.kind), url,
                     summary.rejected, count, summary.errors.empty() ? "" : summary.errors.front().message);
      }
    }
    if (target.consecutive_failures > 0) {
      spdlog::info("poller: {} {}: answering again after {} failed poll(s)", PollKindName(target.config.kind), url,
                   target.consecutive_failures);
    }
    target.consecutive_failures = 0;
    std::lock_guard lock(status_mu);
    target.status.readings += static_cast<int64_t>(count);
    target.status.skipped += static_cast<int64_t>(parsed->skipped.size());
    target.status.accepted += summary.accepted;
    target.status.duplicates += summary.duplicates;
    target.status.rejected += summary.rejected;
    target.status.last_success_at = received_at;
    target.status.last_error.clear();
  }

  void Run() {
    const auto start = SteadyClock::now();
    for (auto& target : targets) target.due = start + Jitter(target.config.interval_seconds);
    while (!stop.load()) {
      auto next = std::min_element(targets.begin(), targets.end(),
                                   [](const Target& a, const Target& b) { return a.due < b.due; });
      {
        std::unique_lock lock(mu);
        if (cv.wait_until(lock, next->due, [this] { return stop.load(); })) break;
      }
      const auto started = SteadyClock::now();
      PollOnce(*next);
      // Due again one interval after this poll began; if the poll took longer, right away.
      next->due = std::max(started + std::chrono::seconds(next->config.interval_seconds), SteadyClock::now()) +
                  Jitter(next->config.interval_seconds);
    }
  }

  const readings::ReadingSink sink;
  const PollerOptions options;
  std::vector<Target> targets;  // the vector is fixed after construction
  std::mt19937_64 random;       // poller thread only (and Start, before it runs)
  CURLM* multi = nullptr;
  std::thread thread;

  std::mutex mu;  // with cv: wakes the wait for the next due target on Stop
  std::condition_variable cv;
  std::atomic<bool> stop{false};
  mutable std::mutex status_mu;  // guards Target::status
};

Poller::Poller(std::vector<PollTarget> targets, readings::ReadingSink sink, PollerOptions options)
    : impl_(std::make_unique<Impl>(std::move(targets), std::move(sink), options)) {}

Poller::~Poller() { Stop(); }

Status Poller::Start() {
  if (impl_->thread.joinable() || impl_->multi != nullptr) return Status::Internal("Poller started twice");
  if (impl_->targets.empty()) return Status::Invalid("pollers must list at least one target", "pollers");
  for (size_t i = 0; i < impl_->targets.size(); ++i) {
    RETURN_IF_ERROR(ValidatePollTarget(impl_->targets[i].config, "pollers[" + std::to_string(i) + "]"));
  }
  if (!impl_->sink) return Status::Internal("Poller has no sink");
  if (impl_->options.connect_timeout_ms < 1 || impl_->options.jitter_fraction < 0 ||
      impl_->options.jitter_fraction > 1) {
    return Status::Internal("PollerOptions out of range");
  }
  InitCurlOnce();
  impl_->multi = curl_multi_init();
  if (impl_->multi == nullptr) return Status::Internal("cannot create a libcurl multi handle");
  impl_->thread = std::thread([impl = impl_.get()] { impl->Run(); });
  return Status::Ok();
}

void Poller::Stop() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stop.store(true);
  }
  impl_->cv.notify_all();
  if (impl_->multi != nullptr) curl_multi_wakeup(impl_->multi);
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::vector<PollTargetStatus> Poller::status() const {
  std::lock_guard lock(impl_->status_mu);
  std::vector<PollTargetStatus> out;
  out.reserve(impl_->targets.size());
  for (const auto& target : impl_->targets) out.push_back(target.status);
  return out;
}

}  // namespace ecotown::ingest
