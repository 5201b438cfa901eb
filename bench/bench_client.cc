// The HTTP side of the shared-workload benchmark (bench/run_bench.sh): posts a benchmark CSV to a
// running `ecotown serve` as JSON batches, and asks it Q1-Q4 through the API. Talks plain HTTP on
// loopback with cpp-httplib; prints one JSON object on stdout.
//
//   bench_client post  --port P --token T --csv FILE [--connections 4] [--batch 10000]
//   bench_client query --port P --token T --org CODE --t0 UNIX --days N [--runs 5] [--sensor s0001]
//                      --answers FILE
//   bench_client latency --port P --token T --requests FILE [--connections 4] [--rounds 20]
//
// post: a reader thread turns CSV rows (sensor_id,ts,pm2_5,pm10,temperature,humidity) into
// bodies of POST /api/v1/readings, copying the number text as it is; a "NaN" cell cannot be
// written in JSON and is left out of its row (the reading keeps its other values). Every batch
// must be answered 200 with accepted + duplicates = its rows; anything else fails the run.
//
// latency: FILE has one request per line, "name<TAB>path" (GET); every connection (its own thread
// and keep-alive socket) walks the list ROUNDS times, starting at a different line, after one
// warm-up pass. Prints per name the count, p50, p95, p99 and max in milliseconds (request sent to
// whole body received) and the number of non-200 answers, which fail the run.
//
// query: each question once as warm-up, then RUNS times; a time covers sending the request,
// receiving the whole body and decoding it into a JSON document (simdjson's DOM parser; the answers
// are then read untimed with nlohmann). The answers of the last run are written to
// --answers in the shape of the peers' *.norm.json files (shared/bench/bench_peers.py), keyed by
// sensor code, so that bench/bench_report.py can compare them value by value.
#include <httplib.h>
#include <simdjson.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int64_t kBangkokOffset = 7 * 3600;

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "bench_client: " << message << "\n";
  std::exit(1);
}

// --name value pairs after the command word.
class Args {
 public:
  Args(int argc, char** argv, int first) {
    for (int i = first; i < argc; i += 2) {
      const std::string name = argv[i];
      if (name.rfind("--", 0) != 0 || i + 1 >= argc) Die("expected --name value, got '" + name + "'");
      values_[name.substr(2)] = argv[i + 1];
    }
  }
  std::string Text(const std::string& name, std::optional<std::string> fallback = std::nullopt) const {
    auto it = values_.find(name);
    if (it != values_.end()) return it->second;
    if (!fallback) Die("--" + name + " is required");
    return *fallback;
  }
  int64_t Number(const std::string& name, std::optional<int64_t> fallback = std::nullopt) const {
    const std::string text =
        Text(name, fallback ? std::optional<std::string>(std::to_string(*fallback)) : std::nullopt);
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0') Die("--" + name + " must be a whole number, got '" + text + "'");
    return v;
  }

 private:
  std::map<std::string, std::string> values_;
};

// A JSON number as the generator writes it: -?digits[.digits].
bool IsPlainNumber(std::string_view text) {
  size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  const size_t int_start = i;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == int_start) return false;
  if (i - int_start > 1 && text[int_start] == '0') return false;
  if (i < text.size() && text[i] == '.') {
    const size_t frac_start = ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == frac_start) return false;
  }
  return i == text.size();
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

std::unique_ptr<httplib::Client> Connect(int port) {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port);
  client->set_keep_alive(true);
  client->set_connection_timeout(5, 0);
  client->set_read_timeout(600, 0);
  client->set_write_timeout(600, 0);
  return client;
}

// ----------------------------------------------------------------------------------- post
struct Batch {
  std::string body;
  int64_t rows = 0;
};

// Bounded hand-over from the reader to the senders.
class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}
  void Push(Batch batch) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return queue_.size() < capacity_ || stopped_; });
    if (stopped_) return;
    queue_.push_back(std::move(batch));
    not_empty_.notify_one();
  }
  std::optional<Batch> Pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !queue_.empty() || closed_ || stopped_; });
    if (queue_.empty() || stopped_) return std::nullopt;
    Batch batch = std::move(queue_.front());
    queue_.pop_front();
    not_full_.notify_one();
    return batch;
  }
  void Close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
  }
  void Stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Batch> queue_;
  bool closed_ = false;
  bool stopped_ = false;
};

int Post(const Args& args) {
  const int port = static_cast<int>(args.Number("port"));
  const std::string auth = "Bearer " + args.Text("token");
  const std::string path = args.Text("csv");
  const int connections = static_cast<int>(args.Number("connections", 4));
  const int64_t batch_rows = args.Number("batch", 10'000);
  if (connections < 1 || connections > 64) Die("--connections must be 1..64");
  if (batch_rows < 1 || batch_rows > 10'000) Die("--batch must be 1..10000 (the endpoint's limit)");

  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot open " + path);
  std::string line;
  if (!std::getline(in, line) || line != "sensor_id,ts,pm2_5,pm10,temperature,humidity") {
    Die(path + ": expected the header sensor_id,ts,pm2_5,pm10,temperature,humidity");
  }

  BatchQueue queue(static_cast<size_t>(connections) * 2);
  std::atomic<int64_t> rows_posted{0}, batches_posted{0}, accepted{0}, duplicates{0}, flagged{0};
  std::mutex error_mutex;
  std::string error;  // the first failure; guarded by error_mutex
  std::atomic<bool> failed{false};
  auto fail = [&](const std::string& message) {
    std::lock_guard lock(error_mutex);
    if (error.empty()) error = message;
    failed = true;
    queue.Stop();
  };
  int64_t rows_read = 0, nan_cells = 0, nan_pm25 = 0;

  const auto started = Clock::now();
  const double cpu_started = CpuSeconds();
  std::vector<std::thread> senders;
  for (int c = 0; c < connections; ++c) {
    senders.emplace_back([&] {
      auto client = Connect(port);
      const httplib::Headers headers = {{"Authorization", auth}};
      while (auto batch = queue.Pop()) {
        auto res = client->Post("/api/v1/readings", headers, batch->body, "application/json");
        if (!res) return fail("POST /api/v1/readings: " + httplib::to_string(res.error()));
        if (res->status != 200)
          return fail("POST /api/v1/readings answered " + std::to_string(res->status) + ": " +
                      res->body.substr(0, 500));
        const json summary = json::parse(res->body, nullptr, false);
        if (summary.is_discarded()) return fail("POST /api/v1/readings: answer is not JSON");
        const int64_t acc = summary.value("accepted", int64_t{-1});
        const int64_t dup = summary.value("duplicates", int64_t{-1});
        if (acc < 0 || dup < 0 || acc + dup != batch->rows || summary.value("rejected", int64_t{0}) != 0) {
          return fail("batch of " + std::to_string(batch->rows) + " rows answered " + res->body.substr(0, 500));
        }
        accepted += acc;
        duplicates += dup;
        flagged += summary.value("flagged", int64_t{0});
        rows_posted += batch->rows;
        ++batches_posted;
      }
    });
  }

  static constexpr const char* kNames[] = {"pm2_5", "pm10", "temperature", "humidity"};
  Batch batch;
  auto flush = [&] {
    if (batch.rows == 0) return;
    batch.body += "]}";
    queue.Push(std::move(batch));
    batch = Batch{};
  };
  std::vector<std::string_view> cells;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    ++rows_read;
    cells.clear();
    size_t pos = 0;
    while (true) {
      const size_t comma = line.find(',', pos);
      cells.emplace_back(
          std::string_view(line).substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    if (cells.size() != 6 || !IsPlainNumber(cells[1])) Die(path + ": bad row " + std::to_string(rows_read + 1));
    if (batch.rows == 0) {
      batch.body.reserve(static_cast<size_t>(batch_rows) * 110);
      batch.body = "{\"readings\":[";
    } else {
      batch.body += ',';
    }
    batch.body += "{\"sensor\":\"";
    batch.body += cells[0];
    batch.body += "\",\"ts\":";
    batch.body += cells[1];
    for (size_t i = 0; i < 4; ++i) {
      const std::string_view cell = cells[2 + i];
      if (cell == "NaN" || cell.empty()) {
        ++nan_cells;
        if (i == 0) ++nan_pm25;
        continue;
      }
      if (!IsPlainNumber(cell)) Die(path + ": row " + std::to_string(rows_read + 1) + ": '" + std::string(cell) + "'");
      batch.body += ",\"";
      batch.body += kNames[i];
      batch.body += "\":";
      batch.body += cell;
    }
    batch.body += '}';
    if (++batch.rows == batch_rows) flush();
    if (failed) break;
  }
  flush();
  queue.Close();
  for (auto& t : senders) t.join();
  const double wall = Seconds(Clock::now() - started);
  if (failed) Die(error);
  if (rows_posted != rows_read)
    Die("posted " + std::to_string(rows_posted) + " of " + std::to_string(rows_read) + " rows");

  json out = {{"rows", rows_read},
              {"batches", batches_posted.load()},
              {"batch_rows", batch_rows},
              {"connections", connections},
              {"wall_s", wall},
              {"rows_per_s", static_cast<double>(rows_read) / wall},
              {"accepted", accepted.load()},
              {"duplicates", duplicates.load()},
              {"flagged", flagged.load()},
              {"nan_cells_omitted", nan_cells},
              {"nan_pm2_5_omitted", nan_pm25},
              {"client_cpu_s", CpuSeconds() - cpu_started}};
  std::cout << out.dump() << "\n";
  return 0;
}

// ---------------------------------------------------------------------------------- query
// Civil date of a day number (days since 1970-01-01), H. Hinnant's algorithm.
std::string DateOfDay(int64_t z, bool month_only) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2);
  char text[64];  // room for any int64 fields (-Wformat-truncation)
  if (month_only) {
    std::snprintf(text, sizeof text, "%04lld-%02lld", static_cast<long long>(y), static_cast<long long>(m));
  } else {
    std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld", static_cast<long long>(y), static_cast<long long>(m),
                  static_cast<long long>(d));
  }
  return text;
}

std::string BangkokDate(int64_t ts, bool month_only) {
  const int64_t local = ts + kBangkokOffset;
  return DateOfDay(local >= 0 ? local / 86400 : (local - 86399) / 86400, month_only);
}

int Query(const Args& args) {
  const int port = static_cast<int>(args.Number("port"));
  const httplib::Headers headers = {{"Authorization", "Bearer " + args.Text("token")}};
  const std::string org = args.Text("org");
  const int64_t t0 = args.Number("t0");
  const int64_t days = args.Number("days");
  const int runs = static_cast<int>(args.Number("runs", 5));
  const std::string q2_sensor = args.Text("sensor", "s0001");
  const std::string answers_path = args.Text("answers");
  if (runs < 1) Die("--runs must be at least 1");
  if (days < 1) Die("--days must be at least 1");
  const int64_t t1 = t0 + days * 86400;
  auto client = Connect(port);

  // The whole answer, as bytes (what a query's time covers: asking and receiving the whole result).
  auto fetch = [&](const std::string& target) -> std::string {
    auto res = client->Get(target, headers);
    if (!res) Die("GET " + target + ": " + httplib::to_string(res.error()));
    if (res->status != 200)
      Die("GET " + target + " answered " + std::to_string(res->status) + ": " + res->body.substr(0, 500));
    return std::move(res->body);
  };
  auto get = [&](const std::string& target) -> json { return json::parse(fetch(target)); };

  // Sensor codes by id (reports name sensors by id), untimed.
  std::map<int64_t, std::string> codes;
  std::optional<int64_t> q2_id;
  const json sensors = get("/api/v1/sensors");
  for (const auto& s : sensors.at("items")) {
    codes[s.at("id").get<int64_t>()] = s.at("code").get<std::string>();
    if (s.at("code") == q2_sensor) q2_id = s.at("id").get<int64_t>();
  }
  if (!q2_id) Die("no sensor " + q2_sensor);
  auto code_of = [&](int64_t id) {
    auto it = codes.find(id);
    if (it == codes.end()) Die("report names unknown sensor id " + std::to_string(id));
    return it->second;
  };

  const std::map<std::string, std::string> targets = {
      {"q1", "/api/v1/readings/latest?org=" + org + "&end=" + std::to_string(t1)},
      {"q2", "/api/v1/sensors/" + std::to_string(*q2_id) + "/hours?statistic=raw&from=" + std::to_string(t0) +
                 "&to=" + std::to_string(t1)},
      {"q3", "/api/v1/reports/daily?org=" + org + "&statistic=raw&from=" + BangkokDate(t0, false) +
                 "&to=" + BangkokDate(t1 - 1, false)},
      {"q4", "/api/v1/reports/monthly?org=" + org + "&statistic=raw&from=" + BangkokDate(t0, true) +
                 "&to=" + BangkokDate(t1 - 1, true)},
  };

  json timings = json::object();
  json answers = json::object();
  for (const auto& [name, target] : targets) {
    std::vector<double> times;
    simdjson::dom::parser parser;
    std::string body;
    // One warm-up (untimed, the same as a run: the parser's buffers grow to the answer's size
    // there, not in the first timed run), then the timed runs.
    for (int r = -1; r < runs; ++r) {
      const auto start = Clock::now();
      body = fetch(target);
      // Decoded into a document like any client would (the peers' InfluxDB client decodes too).
      simdjson::dom::element document;
      if (auto error = parser.parse(body).get(document)) Die("answer to " + target + " is not JSON: " +
                                                            simdjson::error_message(error));
      if (r >= 0) times.push_back(Seconds(Clock::now() - start));
    }
    // The answers to compare, read untimed with nlohmann (convenient, slow on megabytes).
    const json last = json::parse(body);
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    const double median =
        sorted.size() % 2 ? sorted[sorted.size() / 2] : (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;
    timings[name] = {{"median_s", median},
                     {"min_s", sorted.front()},
                     {"max_s", sorted.back()},
                     {"runs_s", times},
                     {"bytes", body.size()},
                     {"target", target}};

    json norm = json::object();
    if (name == "q1") {
      for (const auto& item : last.at("items")) {
        const json& latest = item.at("latest_valid");
        norm[item.at("code").get<std::string>()] = json::array(
            {latest.is_null() ? json(nullptr) : latest.at("ts"),
             latest.is_null() ? json(nullptr) : latest.value("pm2_5", json(nullptr)), item.at("pm25_24h_raw")});
      }
    } else if (name == "q2") {
      for (const auto& item : last.at("items"))
        norm[std::to_string(item.at("hour_start").get<int64_t>())] = item.at("pm25_raw");
    } else if (name == "q3") {
      json daily = json::object(), exceed = json::object();
      for (const auto& s : last.at("sensors")) {
        const std::string code = code_of(s.at("sensor_id").get<int64_t>());
        json days_out = json::object();
        for (const auto& d : s.at("days")) days_out[d.at("date").get<std::string>()] = d.at("pm25_raw");
        daily[code] = days_out;
        exceed[code] = s.at("days_above_37_5");
      }
      norm = {{"daily", daily}, {"exceed", exceed}};
    } else {
      for (const auto& s : last.at("sensors")) {
        json months = json::object();
        for (const auto& m : s.at("months")) months[m.at("month").get<std::string>()] = m.at("pm25_raw");
        norm[code_of(s.at("sensor_id").get<int64_t>())] = months;
      }
    }
    answers[name] = norm;
    std::cerr << "  " << name << " median " << median * 1e3 << " ms (min " << sorted.front() * 1e3 << ", max "
              << sorted.back() * 1e3 << "; " << body.size() << " bytes)\n";
  }
  std::ofstream out(answers_path);
  out << answers.dump() << "\n";
  if (!out) Die("cannot write " + answers_path);
  std::cout << json({{"queries", timings}, {"runs", runs}, {"t0", t0}, {"t1", t1}}).dump() << "\n";
  return 0;
}

// ----------------------------------------------------------------------------------- latency
double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

int Latency(const Args& args) {
  const int port = static_cast<int>(args.Number("port"));
  const std::string token = args.Text("token");
  const int connections = static_cast<int>(args.Number("connections", 4));
  const int rounds = static_cast<int>(args.Number("rounds", 20));
  std::ifstream in(args.Text("requests"));
  if (!in) Die("cannot read " + args.Text("requests"));
  std::vector<std::pair<std::string, std::string>> requests;
  for (std::string line; std::getline(in, line);) {
    const size_t tab = line.find('\t');
    if (line.empty() || line[0] == '#') continue;
    if (tab == std::string::npos) Die("request line without a tab: " + line);
    requests.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  if (requests.empty()) Die("no requests");
  const httplib::Headers headers = {{"Authorization", "Bearer " + token}};
  std::mutex mutex;
  std::map<std::string, std::vector<double>> millis;
  std::map<std::string, int> failures;
  std::string first_failure;
  std::vector<std::thread> threads;
  const auto started = Clock::now();
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      auto client = Connect(port);
      std::map<std::string, std::vector<double>> mine;
      std::map<std::string, int> failed;
      std::string failure;
      for (int round = -1; round < rounds; ++round) {  // round -1: warm-up, not counted
        for (size_t i = 0; i < requests.size(); ++i) {
          const auto& [name, path] = requests[(i + static_cast<size_t>(c) * 7) % requests.size()];
          const auto t = Clock::now();
          auto response = client->Get(path, headers);
          const double ms = Seconds(Clock::now() - t) * 1000;
          if (!response || response->status != 200) {
            ++failed[name];
            if (failure.empty()) {
              failure = path + " -> " + (response ? std::to_string(response->status) + " " + response->body.substr(0, 200)
                                                  : httplib::to_string(response.error()));
            }
            continue;
          }
          if (round >= 0) mine[name].push_back(ms);
        }
      }
      std::lock_guard lock(mutex);
      for (auto& [name, values] : mine) millis[name].insert(millis[name].end(), values.begin(), values.end());
      for (auto& [name, n] : failed) failures[name] += n;
      if (first_failure.empty()) first_failure = failure;
    });
  }
  for (auto& t : threads) t.join();
  json out = json::object();
  int failed_total = 0;
  for (const auto& [name, values] : millis) {
    out[name] = {{"n", values.size()},
                 {"p50_ms", Percentile(values, 50)},
                 {"p95_ms", Percentile(values, 95)},
                 {"p99_ms", Percentile(values, 99)},
                 {"max_ms", Percentile(values, 100)},
                 {"failures", failures[name]}};
  }
  for (const auto& [name, n] : failures) failed_total += n;
  std::cout << json({{"latency", out},
                     {"connections", connections},
                     {"rounds", rounds},
                     {"wall_s", Seconds(Clock::now() - started)}})
                   .dump()
            << "\n";
  if (failed_total > 0) Die(std::to_string(failed_total) + " requests failed, the first: " + first_failure);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_client post|query|latency --name value ... (see the head of bench/bench_client.cc)\n";
    return 2;
  }
  const std::string command = argv[1];
  const Args args(argc, argv, 2);
  if (command == "post") return Post(args);
  if (command == "query") return Query(args);
  if (command == "latency") return Latency(args);
  std::cerr << "bench_client: unknown command '" << command << "' (post, query or latency)\n";
  return 2;
}
