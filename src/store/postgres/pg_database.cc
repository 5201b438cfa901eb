#include "store/postgres/pg_database.h"

#include <libpq-fe.h>

#include <array>
#include <bit>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace ecotown::store {
namespace {

// Type OIDs from pg_type.h (stable across PostgreSQL versions).
constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kFloat4Oid = 700, kFloat8Oid = 701,
              kNumericOid = 1700, kByteaOid = 17, kTextOid = 25, kNameOid = 19, kBpcharOid = 1042,
              kVarcharOid = 1043;

// Result columns of these types arrive in binary form: bytea as its bytes (hex text doubles its
// size and costs an encoding and a decoding), numbers without printing and parsing. A statement
// with a column of any other type gets every column as text: numeric, and real, whose text is the
// shortest decimal of the float (what the text path has always parsed into a double).
bool HasBinaryDecoding(Oid type) {
  switch (type) {
    case kBoolOid:
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kFloat8Oid:
    case kByteaOid:
    case kTextOid:
    case kNameOid:
    case kBpcharOid:
    case kVarcharOid:
      return true;
    default:
      return false;
  }
}

// A big-endian (network order) unsigned integer of sizeof(T) bytes.
template <typename T>
T BigEndian(const char* bytes) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>((v << 8) | static_cast<unsigned char>(bytes[i]));
  return v;
}

// bytea in text result format: "\\x" then two hex digits a byte (bytea_output = hex, the default
// since PostgreSQL 9.0).
// bytea in PostgreSQL's hex output form ("\\x0a1b..."), decoded by table.
void DecodeByteaHex(const char* text, size_t length, std::string& out) {
  out.clear();
  if (length < 2 || text[0] != '\\' || text[1] != 'x') return;
  static constexpr auto kNibble = [] {
    std::array<unsigned char, 256> table{};
    for (int c = '0'; c <= '9'; ++c) table[static_cast<size_t>(c)] = static_cast<unsigned char>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) table[static_cast<size_t>(c)] = static_cast<unsigned char>(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; ++c) table[static_cast<size_t>(c)] = static_cast<unsigned char>(c - 'A' + 10);
    return table;
  }();
  const size_t n = (length - 2) / 2;
  out.resize(n);
  const auto* in = reinterpret_cast<const unsigned char*>(text + 2);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>((kNibble[in[2 * i]] << 4) | kNibble[in[2 * i + 1]]);
}

Status StatusFromResult(PGconn* conn, const PGresult* res, std::string_view context) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = std::string(context) + ": " + (res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (PQstatus(conn) != CONNECTION_OK) return Status::Unavailable(message);
  const std::string_view code = state ? state : "";
  if (code.rfind("23", 0) == 0) return Status::Conflict(message);
  if (code.rfind("08", 0) == 0 || code == "40001" || code == "40P01" || code == "57P01") {
    return Status::Unavailable(message);
  }
  if (code == "54000") return Status::TooLarge(message);
  return Status::Internal(message);
}

// Run on every new session. Statements outside a transaction (Database::ReadStatements: the
// token or session of every request, and the reads of the series, reports and public pages that
// run without a snapshot) are keyed lookups and ranges whose plan does not depend on the values,
// so they are planned once per session: PostgreSQL would otherwise plan each prepared statement
// afresh for its first five runs on every connection (0.2-0.6 ms each for the readings reports
// and the token lookup at M, more than running them). Transactions keep PostgreSQL's own choice
// (kBegin), and list reads there may still ask for plans made for their values
// (Connection::PlanForActualValues).
constexpr const char* kSessionSetup =
    "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; SET bytea_output = 'hex'; "
    "SET plan_cache_mode = force_generic_plan";
// One round trip, as BEGIN alone.
constexpr const char* kBegin = "BEGIN; SET LOCAL plan_cache_mode = auto";

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

class PgConnection final : public Connection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() override { PQfinish(conn_); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }

  Result<QueryResult> Query(std::string_view sql, const Params& params) override {
    ASSIGN_OR_RETURN(PgResult res, Execute(sql, params));
    return Convert(res.get());
  }

  // The cached prepared statement of sql run with params; its result, or the error.
  Result<PgResult> Execute(std::string_view sql, const Params& params) {
    auto prepared = Prepare(sql, params.size());
    if (!prepared.ok()) return prepared.status();
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    // Blobs go in binary format (bytea's binary form is the bytes themselves); the rest as text.
    std::vector<int> lengths(params.size(), 0);
    std::vector<int> formats(params.size(), 0);
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (std::holds_alternative<Null>(v)) continue;
      if (const auto* b = std::get_if<Blob>(&v)) {
        values[i] = b->bytes.data();
        lengths[i] = static_cast<int>(b->bytes.size());
        formats[i] = 1;
        continue;
      }
      if (const auto* n = std::get_if<int64_t>(&v)) texts[i] = std::to_string(*n);
      else if (const auto* d = std::get_if<double>(&v)) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        texts[i] = buf;
      } else {
        texts[i] = std::get<std::string>(v);
        // libpq passes text parameters as C strings, so a NUL would silently cut the value short
        // (and PostgreSQL text cannot hold one anyway): refuse instead of storing less.
        if (texts[i].find('\0') != std::string::npos) {
          return Status::Invalid("text parameter $" + std::to_string(i + 1) + " contains a NUL character");
        }
      }
      values[i] = texts[i].c_str();
    }
    Prepared& statement = **prepared;
    PgResult res(PQexecPrepared(conn_, statement.name.c_str(), static_cast<int>(params.size()), values.data(),
                                lengths.data(), formats.data(), statement.binary_results.value_or(false) ? 1 : 0));
    const auto state = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (state != PGRES_TUPLES_OK && state != PGRES_COMMAND_OK) return StatusFromResult(conn_, res.get(), "query");
    if (!statement.binary_results) {
      // The first result's column types decide the later ones' format.
      const int ncols = PQnfields(res.get());
      bool binary = ncols > 0;
      for (int c = 0; c < ncols; ++c) binary = binary && HasBinaryDecoding(PQftype(res.get(), c));
      statement.binary_results = binary;
    }
    return res;
  }

  // The whole result arrives at once (libpq); rows are converted one at a time into one Row.
  Status ForEachRow(std::string_view sql, const Params& params, const RowVisitor& visit) override {
    ASSIGN_OR_RETURN(PgResult res, Execute(sql, params));
    const int ncols = PQnfields(res.get());
    const int nrows = PQntuples(res.get());
    Row row(std::vector<Value>(static_cast<size_t>(ncols)));
    auto& values = row.mutable_values();
    for (int r = 0; r < nrows; ++r) {
      for (int c = 0; c < ncols; ++c) ConvertCell(res.get(), r, c, values[static_cast<size_t>(c)]);
      RETURN_IF_ERROR(visit(row));
    }
    return Status::Ok();
  }

  Status ExecScript(std::string_view sql) override {
    PgResult res(PQexec(conn_, std::string(sql).c_str()));
    const auto state = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (state != PGRES_TUPLES_OK && state != PGRES_COMMAND_OK) return StatusFromResult(conn_, res.get(), "script");
    return Status::Ok();
  }

  Status Begin(bool /*write*/) override {
    Status begun = ExecScript(kBegin);
    if (begun.ok() || PQstatus(conn_) == CONNECTION_OK) return begun;
    // The server closed this idle pooled connection (restart, failover, idle timeout). Nothing of
    // the transaction has run yet, so reconnecting and beginning again is safe.
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) return begun;
    prepared_.clear();  // they died with the old session
    RETURN_IF_ERROR(ExecScript(kSessionSetup));
    return ExecScript(kBegin);
  }
  Status Commit() override {
    PgResult res(PQexec(conn_, "COMMIT"));
    if (!res || PQresultStatus(res.get()) != PGRES_COMMAND_OK) return StatusFromResult(conn_, res.get(), "commit");
    // After a failed statement PostgreSQL has aborted the whole transaction, and answers COMMIT
    // with "ROLLBACK" and no error. The writes are gone, so the caller must not hear success.
    if (std::string_view(PQcmdStatus(res.get())) == "ROLLBACK") {
      return Status::Internal("commit: rolled back, because an earlier statement in the transaction failed");
    }
    return Status::Ok();
  }
  Status Rollback() override { return ExecScript("ROLLBACK"); }

 private:
  struct Prepared {
    std::string name;
    // Results in binary form: every column of the statement's first result (which came as text)
    // has a binary decoding (HasBinaryDecoding). Unknown until that first result.
    std::optional<bool> binary_results;
  };

  // The session's prepared statement of sql (an element of prepared_, whose addresses are stable).
  Result<Prepared*> Prepare(std::string_view sql, size_t nparams) {
    auto it = prepared_.find(std::string(sql));
    if (it != prepared_.end()) return &it->second;
    // Scope filters inline organisation ids, so statement texts vary; keep the cache bounded.
    if (prepared_.size() >= kMaxPreparedStatements && PQtransactionStatus(conn_) != PQTRANS_INERROR) {
      PgResult dropped(PQexec(conn_, "DEALLOCATE ALL"));
      if (dropped && PQresultStatus(dropped.get()) == PGRES_COMMAND_OK) prepared_.clear();
    }
    Prepared prepared{"s" + std::to_string(++statement_counter_), std::nullopt};
    PgResult res(PQprepare(conn_, prepared.name.c_str(), std::string(sql).c_str(), static_cast<int>(nparams), nullptr));
    if (!res || PQresultStatus(res.get()) != PGRES_COMMAND_OK) return StatusFromResult(conn_, res.get(), "prepare");
    return &prepared_.emplace(std::string(sql), std::move(prepared)).first->second;
  }

  static QueryResult Convert(PGresult* res) {
    QueryResult out;
    const int ncols = PQnfields(res);
    const int nrows = PQntuples(res);
    for (int c = 0; c < ncols; ++c) out.columns.emplace_back(PQfname(res, c));
    out.rows.reserve(static_cast<size_t>(nrows));
    for (int r = 0; r < nrows; ++r) {
      std::vector<Value> values(static_cast<size_t>(ncols));
      for (int c = 0; c < ncols; ++c) ConvertCell(res, r, c, values[static_cast<size_t>(c)]);
      out.rows.emplace_back(std::move(values));
    }
    const char* affected = PQcmdTuples(res);
    out.affected_rows = (affected && *affected) ? std::strtoll(affected, nullptr, 10) : 0;
    return out;
  }

  // Cell (r, c) of a result into v (a string or blob keeps its buffer).
  static void ConvertCell(PGresult* res, int r, int c, Value& v) {
    if (PQgetisnull(res, r, c)) {
      v = Null{};
      return;
    }
    const char* text = PQgetvalue(res, r, c);
    const auto length = static_cast<size_t>(PQgetlength(res, r, c));
    if (PQfformat(res, c) == 1) return ConvertBinaryCell(PQftype(res, c), text, length, v);
    switch (PQftype(res, c)) {
      case kInt8Oid:
      case kInt4Oid:
      case kInt2Oid: {
        int64_t n = 0;
        std::from_chars(text, text + length, n);
        v = n;
        return;
      }
      case kBoolOid: v = static_cast<int64_t>(text[0] == 't' ? 1 : 0); return;
      case kFloat4Oid:
      case kFloat8Oid:
      case kNumericOid: {
        double d = 0;
        // from_chars reads the shortest round-trip form PostgreSQL prints, NaN and Infinity too.
        if (std::from_chars(text, text + length, d).ec != std::errc()) d = std::strtod(text, nullptr);
        v = d;
        return;
      }
      case kByteaOid: {
        if (!std::holds_alternative<Blob>(v)) v = Blob{};
        DecodeByteaHex(text, length, std::get<Blob>(v).bytes);
        return;
      }
      default:
        if (auto* s = std::get_if<std::string>(&v)) s->assign(text, length);
        else v = std::string(text, length);
    }
  }

  // A cell in binary form (PostgreSQL's send functions: integers and floats big-endian, bool one
  // byte, bytea and the text types their bytes); only the types of HasBinaryDecoding come here.
  static void ConvertBinaryCell(Oid type, const char* bytes, size_t length, Value& v) {
    switch (type) {
      case kInt8Oid: v = static_cast<int64_t>(BigEndian<uint64_t>(bytes)); return;
      case kInt4Oid: v = static_cast<int64_t>(static_cast<int32_t>(BigEndian<uint32_t>(bytes))); return;
      case kInt2Oid: v = static_cast<int64_t>(static_cast<int16_t>(BigEndian<uint16_t>(bytes))); return;
      case kBoolOid: v = static_cast<int64_t>(bytes[0] != 0 ? 1 : 0); return;
      case kFloat8Oid: v = std::bit_cast<double>(BigEndian<uint64_t>(bytes)); return;
      case kByteaOid:
        if (auto* b = std::get_if<Blob>(&v)) b->bytes.assign(bytes, length);
        else v = Blob{std::string(bytes, length)};
        return;
      default:
        if (auto* s = std::get_if<std::string>(&v)) s->assign(bytes, length);
        else v = std::string(bytes, length);
    }
  }

  static constexpr size_t kMaxPreparedStatements = 512;
  PGconn* conn_;
  std::unordered_map<std::string, Prepared> prepared_;
  uint64_t statement_counter_ = 0;  // names are never reused within a session
};

void IgnoreNotice(void*, const char*) {}

}  // namespace

Result<std::unique_ptr<Database>> PgDatabase::Open(const std::string& url, int pool_size) {
  auto db = std::unique_ptr<PgDatabase>(new PgDatabase(url, pool_size));
  auto conn = db->Acquire();
  if (!conn.ok()) return conn.status();
  return std::unique_ptr<Database>(std::move(db));
}

std::string PgDatabase::Describe() const {
  // Hide a password given as postgresql://user:secret@host/db or as ?password=secret.
  std::string out = url_;
  const auto scheme = out.find("://");
  const auto at = out.find('@');
  if (scheme != std::string::npos && at != std::string::npos) {
    const auto colon = out.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) out = out.substr(0, colon) + ":***" + out.substr(at);
  }
  for (size_t pos = out.find("password="); pos != std::string::npos; pos = out.find("password=", pos + 1)) {
    const size_t start = pos + 9;
    const size_t end = out.find('&', start);
    out.replace(start, (end == std::string::npos ? out.size() : end) - start, "***");
  }
  return out;
}

Result<std::unique_ptr<Connection>> PgDatabase::Connect() {
  // A default connect timeout, so that an unreachable host fails a request instead of hanging it;
  // a connect_timeout in the URL (expanded after it) takes precedence.
  const char* keywords[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {"10", url_.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, 1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string message = conn ? PQerrorMessage(conn) : "out of memory";
    PQfinish(conn);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Status::Unavailable("cannot connect to PostgreSQL: " + message);
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  auto wrapped = std::make_unique<PgConnection>(conn);
  RETURN_IF_ERROR(wrapped->ExecScript(kSessionSetup));
  return std::unique_ptr<Connection>(std::move(wrapped));
}

}  // namespace ecotown::store
