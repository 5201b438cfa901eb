// The crowd of bench/run_complaints_bench.sh: many residents' phones and Open311 apps polling a
// running `ecotown serve`, while one more client files complaints. Plain HTTP/1.1 on loopback;
// prints one JSON object on stdout.
//
//   crowd_client --port P --trackings FILE --points FILE [--clients 1000] [--interval-ms 1000]
//                [--seconds 60] [--warmup 10] [--filings-per-second 2] [--accept-encoding gzip]
//
// The crowd: CLIENTS keep-alive connections on one epoll thread (non-blocking sockets). Each
// client is one resident: it picks a random tracking number from FILE ("tracking<TAB>org" lines)
// and one Open311 filter of its LAO, then, every INTERVAL (uniform jitter of +-50 %), sends one
// GET, alternately its tracking page (/api/v1/public/complaints/{tracking}) and the LAO's
// /open311/v2/requests.json with its filter. Clients start spread over the first interval.
// Every client sends X-Forwarded-For with its own documentation address (2001:db8::/32), so that
// a server with `[server] trust_proxy = true` limits each one on its own, as behind nginx.
// The GETs send Accept-Encoding: gzip, as browsers and the HTTP stacks of phone apps do by
// default (--accept-encoding none: no header; the answers are then read uncompressed).
//
// The filer: its own thread and keep-alive connection, POSTing the public filing form
// (/api/v1/public/orgs/{org}/complaints) at FILINGS-PER-SECOND, each from a fresh documentation
// address, at a point of POINTS ("org<TAB>lat<TAB>lon" lines). Every answer must be 201.
//
// Latency is from the request's first byte written to the whole answer read. Answers read in the
// first WARMUP seconds are not counted; requests still unanswered 30 s after the end count as
// errors with the time they waited (a server that falls behind shows as such, not as no data). Per endpoint: count, p50/p95/p99/max in ms, answers by
// status. Any answer other than 200 (201 for filings), or a broken connection, is counted under
// "errors"; the run still prints its figures and exits 1 when there were errors.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "crowd_client: " << message << "\n";
  std::exit(2);
}

std::map<std::string, std::string> ParseArgs(int argc, char** argv) {
  std::map<std::string, std::string> out;
  for (int i = 1; i < argc; i += 2) {
    const std::string name = argv[i];
    if (name.rfind("--", 0) != 0 || i + 1 >= argc) Die("arguments are --name value pairs; bad: " + name);
    out[name.substr(2)] = argv[i + 1];
  }
  return out;
}

std::vector<std::vector<std::string>> ReadTsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) Die("cannot read " + path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream s(line);
    std::string cell;
    while (std::getline(s, cell, '\t')) cells.push_back(cell);
    rows.push_back(std::move(cells));
  }
  if (rows.empty()) Die(path + " is empty");
  return rows;
}

// The Bangkok calendar day `days_ago` days before now, as an ISO start of day, URL-encoded.
std::string BangkokDayStart(int days_ago) {
  const time_t t = std::time(nullptr) + 7 * 3600 - static_cast<time_t>(days_ago) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT00:00:00%%2B07:00", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

struct Stats {
  std::vector<double> ms;
  std::map<int, int64_t> statuses;
  int64_t errors = 0;

  json ToJson() const {
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    const auto pct = [&](double p) {
      if (sorted.empty()) return 0.0;
      const size_t i = std::min(sorted.size() - 1, static_cast<size_t>(std::ceil(p * sorted.size())) - 1);
      return std::round(sorted[i] * 100) / 100;
    };
    json by_status = json::object();
    for (const auto& [code, n] : statuses) by_status[std::to_string(code)] = n;
    return {{"count", sorted.size()}, {"p50_ms", pct(0.50)}, {"p95_ms", pct(0.95)}, {"p99_ms", pct(0.99)},
            {"max_ms", sorted.empty() ? 0.0 : std::round(sorted.back() * 100) / 100},
            {"statuses", by_status}, {"errors", errors}};
  }
};

int Connect(int port, bool nonblocking) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | (nonblocking ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) Die(std::string("socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 && errno != EINPROGRESS) {
    Die(std::string("connect: ") + std::strerror(errno));
  }
  return fd;
}

// Parses one whole HTTP/1.1 answer at the front of `in`: its status, and how many bytes it took;
// 0 bytes while incomplete. ecotown always sends Content-Length.
size_t ParseAnswer(const std::string& in, int* status) {
  const size_t head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos) return 0;
  if (in.size() < 12) return 0;
  *status = std::atoi(in.c_str() + 9);
  size_t length = 0;
  size_t pos = 0;
  while ((pos = in.find('\n', pos)) != std::string::npos && pos < head_end) {
    ++pos;
    if (strncasecmp(in.c_str() + pos, "content-length:", 15) == 0) length = std::strtoul(in.c_str() + pos + 15, nullptr, 10);
  }
  const size_t total = head_end + 4 + length;
  return in.size() >= total ? total : 0;
}

struct Client {
  int fd = -1;
  std::string address;      // X-Forwarded-For
  std::string tracking_path;
  std::string open311_path;
  bool next_is_tracking = true;
  bool busy = false;
  bool tracking_request = false;
  std::string out;          // unsent bytes of the request
  size_t out_pos = 0;
  std::string in;
  Clock::time_point sent_at;
  Clock::time_point next_at;
};

// The filer: one blocking keep-alive connection; reconnects after an error.
void RunFiler(int port, const std::vector<std::vector<std::string>>& points, double per_second,
              Clock::time_point start, Clock::time_point warm, Clock::time_point end, Stats* stats, std::mutex* mu) {
  if (per_second <= 0) return;
  std::mt19937_64 rnd(7);
  std::uniform_real_distribution<double> jitter(-0.004, 0.004);
  const auto period = std::chrono::microseconds(static_cast<int64_t>(1e6 / per_second));
  int fd = Connect(port, false);
  std::string buffer;
  int64_t n = 0;
  for (auto at = start; at < end; at += period, ++n) {
    std::this_thread::sleep_until(at);
    const auto& p = points[static_cast<size_t>(n) % points.size()];
    char body[1024];
    std::snprintf(body, sizeof body,
                  R"J({"category":"odour","description":"กลิ่นเหม็นจากโรงงานรบกวนชุมชนตลอดคืน (bench %lld)",)J"
                  R"J("lat":%.6f,"lon":%.6f,"address":"หมู่ 3","name":"ผู้ร้องทดสอบ","phone":"0812345678",)J"
                  R"J("consent_version":"2026-11-v1","idempotency_key":"crowd-%lld-%lld"})J",
                  static_cast<long long>(n), std::atof(p[1].c_str()) + jitter(rnd), std::atof(p[2].c_str()) + jitter(rnd),
                  static_cast<long long>(std::time(nullptr)), static_cast<long long>(n));
    char head[512];
    std::snprintf(head, sizeof head,
                  "POST /api/v1/public/orgs/%s/complaints HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  "X-Forwarded-For: 2001:db8:f::%llx\r\nContent-Length: %zu\r\n\r\n",
                  p[0].c_str(), static_cast<unsigned long long>(n), std::strlen(body));
    const std::string request = std::string(head) + body;
    const auto sent = Clock::now();
    bool ok = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size());
    std::string failure = ok ? "" : std::string("send: ") + std::strerror(errno);
    int status = 0;
    size_t used = 0;
    while (ok && (used = ParseAnswer(buffer, &status)) == 0) {
      char chunk[65536];
      const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got > 0) {
        buffer.append(chunk, static_cast<size_t>(got));
      } else {
        ok = false;
        failure = got == 0 ? "the server closed the connection" : std::string("recv: ") + std::strerror(errno);
      }
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
    std::lock_guard lock(*mu);
    if (!ok) {
      ++stats->errors;
      std::cerr << "crowd_client: filing " << n << " got no answer after " << ms << " ms: " << failure << "\n";
      ::close(fd);
      fd = Connect(port, false);
      buffer.clear();
      continue;
    }
    if (status == 201 && sent >= warm) stats->ms.push_back(ms);
    if (sent >= warm) ++stats->statuses[status];
    if (status != 201) {
      ++stats->errors;
      std::cerr << "crowd_client: filing answered " << status << ": " << buffer.substr(0, std::min(used, size_t{400})) << "\n";
    }
    buffer.erase(0, used);
  }
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  auto args = ParseArgs(argc, argv);
  const auto arg = [&](const std::string& name, const std::string& fallback) {
    auto it = args.find(name);
    if (it != args.end()) return it->second;
    if (fallback.empty()) Die("--" + name + " is required");
    return fallback;
  };
  const int port = std::atoi(arg("port", "").c_str());
  const auto trackings = ReadTsv(arg("trackings", ""));
  const auto points = ReadTsv(arg("points", ""));
  const int clients = std::atoi(arg("clients", "1000").c_str());
  const int interval_ms = std::atoi(arg("interval-ms", "1000").c_str());
  const int seconds = std::atoi(arg("seconds", "60").c_str());
  const int warmup = std::atoi(arg("warmup", "10").c_str());
  const double filings = std::atof(arg("filings-per-second", "2").c_str());
  const std::string accept_encoding = arg("accept-encoding", "gzip");
  if (port <= 0 || clients <= 0 || interval_ms <= 0 || seconds <= warmup) Die("bad --port/--clients/--seconds");

  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = std::min<rlim_t>(files.rlim_max, static_cast<rlim_t>(clients) + 256);
  setrlimit(RLIMIT_NOFILE, &files);

  // The Open311 filters an app might poll with: the default 90 days, open ones, one service's
  // open ones, the last week, two services.
  const std::string week = BangkokDayStart(7);
  const std::vector<std::string> filters = {"", "&status=open", "&service_code=odour&status=open",
                                            "&start_date=" + week, "&service_code=dust_smoke,open_burning"};
  std::mt19937_64 rnd(42);
  const auto start = Clock::now();
  const auto warm = start + std::chrono::seconds(warmup);
  const auto end = start + std::chrono::seconds(seconds);
  std::uniform_real_distribution<double> unit(0.0, 1.0);

  const int ep = epoll_create1(0);
  std::vector<Client> crowd(static_cast<size_t>(clients));
  std::map<int, size_t> by_fd;
  for (size_t i = 0; i < crowd.size(); ++i) {
    Client& c = crowd[i];
    const auto& t = trackings[rnd() % trackings.size()];
    c.tracking_path = "/api/v1/public/complaints/" + t[0];
    c.open311_path = "/open311/v2/requests.json?jurisdiction_id=" + (t.size() > 1 ? t[1] : "") + filters[rnd() % filters.size()];
    char address[64];
    std::snprintf(address, sizeof address, "2001:db8::%zx", i + 1);
    c.address = address;
    c.next_is_tracking = rnd() % 2 == 0;
    c.next_at = start + std::chrono::microseconds(static_cast<int64_t>(unit(rnd) * interval_ms * 1000));
    c.fd = Connect(port, true);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
  }

  Stats tracking_stats, open311_stats, filing_stats;
  std::mutex filing_mu;
  std::thread filer(RunFiler, port, std::cref(points), filings, start, warm, end, &filing_stats, &filing_mu);
  int64_t late = 0, reconnects = 0;

  const auto send_some = [&](Client& c) {
    while (c.out_pos < c.out.size()) {
      const ssize_t n = ::send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
      if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
      c.out_pos += static_cast<size_t>(n);
    }
    return true;
  };
  const auto reconnect = [&](size_t i) {
    Client& c = crowd[i];
    epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.fd = Connect(port, true);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
    c.busy = false;
    c.in.clear();
    ++reconnects;
  };

  std::vector<epoll_event> events(1024);
  while (true) {
    const auto now = Clock::now();
    bool any_busy = false;
    // Start the requests that are due (a linear scan: 1,000 clients cost microseconds).
    auto next_due = end;
    for (size_t i = 0; i < crowd.size(); ++i) {
      Client& c = crowd[i];
      if (c.busy) {
        any_busy = true;
        continue;
      }
      if (now >= end) continue;
      if (c.next_at > now) {
        next_due = std::min(next_due, c.next_at);
        continue;
      }
      if (now - c.next_at > std::chrono::milliseconds(100)) ++late;
      c.tracking_request = c.next_is_tracking;
      c.next_is_tracking = !c.next_is_tracking;
      const std::string& path = c.tracking_request ? c.tracking_path : c.open311_path;
      c.out = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: " + c.address + "\r\n" +
              (accept_encoding == "none" ? "" : "Accept-Encoding: " + accept_encoding + "\r\n") + "\r\n";
      c.out_pos = 0;
      c.busy = true;
      any_busy = true;
      c.sent_at = Clock::now();
      const double factor = 0.5 + unit(rnd);
      c.next_at = c.next_at + std::chrono::microseconds(static_cast<int64_t>(factor * interval_ms * 1000));
      if (c.next_at < c.sent_at) c.next_at = c.sent_at;
      if (!send_some(c)) {
        (c.tracking_request ? tracking_stats : open311_stats).errors += c.sent_at >= warm;
        reconnect(i);
        continue;
      }
      if (c.out_pos < c.out.size()) {
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.u64 = i;
        epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
      }
    }
    if (now >= end && !any_busy) break;
    if (now >= end + std::chrono::seconds(30)) break;  // answers that never come
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_due - Clock::now()).count();
    const int timeout = static_cast<int>(std::clamp<int64_t>(wait, 0, 50));
    const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), timeout);
    for (int k = 0; k < n; ++k) {
      const size_t i = events[static_cast<size_t>(k)].data.u64;
      Client& c = crowd[i];
      Stats& stats = c.tracking_request ? tracking_stats : open311_stats;
      if (events[static_cast<size_t>(k)].events & EPOLLOUT) {
        if (!send_some(c)) {
          stats.errors += Clock::now() >= warm;
          reconnect(i);
          continue;
        }
        if (c.out_pos == c.out.size()) {
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.u64 = i;
          epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
        }
      }
      if (!(events[static_cast<size_t>(k)].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
      bool closed = false;
      while (true) {
        char chunk[65536];
        const ssize_t got = ::recv(c.fd, chunk, sizeof chunk, 0);
        if (got > 0) {
          c.in.append(chunk, static_cast<size_t>(got));
          continue;
        }
        if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) closed = true;
        break;
      }
      int status = 0;
      const size_t used = c.busy ? ParseAnswer(c.in, &status) : 0;
      if (used > 0) {
        const auto answered = Clock::now();
        const double ms = std::chrono::duration<double, std::milli>(answered - c.sent_at).count();
        if (answered >= warm) {
          stats.ms.push_back(ms);
          ++stats.statuses[status];
          if (status != 200) ++stats.errors;
        }
        c.in.erase(0, used);
        c.busy = false;
      }
      if (closed) {
        if (c.busy) stats.errors += Clock::now() >= warm;
        reconnect(i);
      }
    }
  }
  filer.join();
  // Requests still unanswered 30 s after the end count as errors, with the time they waited.
  const auto stopped = Clock::now();
  int64_t unanswered = 0;
  for (auto& c : crowd) {
    if (c.busy) {
      Stats& stats = c.tracking_request ? tracking_stats : open311_stats;
      stats.ms.push_back(std::chrono::duration<double, std::milli>(stopped - c.sent_at).count());
      ++stats.errors;
      ++unanswered;
    }
    ::close(c.fd);
  }
  ::close(ep);

  const double measured = seconds - warmup;
  json out = {{"clients", clients},
              {"interval_ms", interval_ms},
              {"seconds_measured", measured},
              {"filings_per_second", filings},
              {"accept_encoding", accept_encoding},
              {"late_sends", late},
              {"reconnects", reconnects},
              {"unanswered", unanswered},
              {"requests_per_second",
               std::round((tracking_stats.ms.size() + open311_stats.ms.size()) / measured * 10) / 10},
              {"tracking", tracking_stats.ToJson()},
              {"open311_requests", open311_stats.ToJson()},
              {"filing", filing_stats.ToJson()}};
  std::cout << out.dump(1) << "\n";
  return tracking_stats.errors + open311_stats.errors + filing_stats.errors > 0 ? 1 : 0;
}
