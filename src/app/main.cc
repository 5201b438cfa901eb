// ecotown: the command line. Every command takes --config and --db; `serve` and `demo` take --listen.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "app/import_factories.h"
#include "app/import_readings.h"
#include "app/runtime.h"
#include "modules/orgs/org_service.h"
#include "modules/sensors/sensor_service.h"
#ifndef ECOTOWN_VERSION
#define ECOTOWN_VERSION "dev"
#endif
#include "store/migrations/migrations.h"
#include "store/sqlite/sqlite_database.h"

namespace {

using ecotown::Result;
using ecotown::Status;
using ecotown::UnitOfWork;
using ecotown::app::Config;
using ecotown::app::Runtime;

int Fail(const Status& status) {
  std::cerr << "ecotown: " << status.message();
  if (!status.field().empty()) std::cerr << " (" << status.field() << ")";
  std::cerr << "\n";
  switch (status.code()) {
    case ecotown::StatusCode::kInvalid: return 2;
    case ecotown::StatusCode::kNotFound: return 3;
    case ecotown::StatusCode::kConflict: return 4;
    default: return 1;
  }
}

// Reads a password from standard input, without echo when it is a terminal.
Result<std::string> ReadPassword(const char* prompt) {
  const bool tty = isatty(STDIN_FILENO);
  termios saved{};
  if (tty) {
    std::cerr << prompt << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  const bool got = static_cast<bool>(std::getline(std::cin, password));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!got) return Status::Invalid("no password on standard input", "password");
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ecotown: pollution monitoring, factory inspection and environmental work for Thai local governments",
               "ecotown"};
  app.require_subcommand(1);
  app.fallthrough();
  std::string config_path;
  std::string db_flag;
  app.add_option("--config", config_path, "TOML configuration file")->envname("ECOTOWN_CONFIG");
  app.add_option("--db", db_flag, "database: sqlite:PATH (default ./ecotown.db) or postgresql://...");

  std::string listen;
  auto* serve = app.add_subcommand("serve", "Serve the web UI and API");
  serve->add_option("--listen", listen, "address:port to listen on (default 127.0.0.1:8080)");

  auto* demo = app.add_subcommand("demo", "Create the demo of the four pilot municipalities and serve it");
  demo->add_option("--listen", listen, "address:port to listen on (default 127.0.0.1:8080)");
  bool demo_reset = false;
  demo->add_flag("--reset", demo_reset, "delete the demo SQLite database first");

  auto* migrate = app.add_subcommand("migrate", "Apply database migrations and load the shipped geography");

  auto* org = app.add_subcommand("org", "Organisations (LAOs and offices)");
  org->require_subcommand(1);
  auto* org_add = org->add_subcommand("add", "Add an organisation");
  ecotown::orgs::NewOrg new_org;
  std::string org_type, org_subdistrict, org_parent;
  org_add->add_option("--code", new_org.code, "DLA code or office code")->required();
  org_add->add_option("--type", org_type, "pao|city|town|subdistrict-municipality|sao|province-office|national-office")
      ->required();
  org_add->add_option("--name-th", new_org.name_th, "name in Thai")->required();
  org_add->add_option("--name-en", new_org.name_en, "name in English")->required();
  org_add->add_option("--subdistrict", org_subdistrict, "DOPA 6-digit subdistrict code of the office");
  org_add->add_option("--parent", org_parent, "code of the overseeing provincial or national office");
  auto* org_list = org->add_subcommand("list", "List organisations");

  auto* user = app.add_subcommand("user", "User accounts");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Add a user (set the password with `user passwd`)");
  std::string user_org, user_role, username, display_name;
  bool password_stdin = false;
  user_add->add_option("--org", user_org, "organisation code")->required();
  user_add->add_option("--role", user_role, "system-admin|lao-admin|officer|inspector|executive|factory|oversight")
      ->required();
  user_add->add_option("--username", username, "login name")->required();
  user_add->add_option("--display-name", display_name, "name shown in the UI");
  user_add->add_flag("--password-stdin", password_stdin, "also read the password from standard input");
  auto* user_passwd = user->add_subcommand("passwd", "Set a password, read from standard input");
  user_passwd->add_option("--username", username, "login name")->required();

  auto* token = app.add_subcommand("token", "API tokens for devices and integrations");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand("create", "Create an API token and print it once");
  std::string token_org, token_name, token_role = "officer";
  token_create->add_option("--org", token_org, "organisation code")->required();
  token_create->add_option("--name", token_name, "what the token is for, e.g. the gateway's name")->required();
  token_create->add_option("--role", token_role, "role the token acts with (default officer)");

  std::string backup_path;
  auto* backup = app.add_subcommand("backup", "Write a consistent copy of the database (SQLite online backup)");
  backup->add_option("--output,-o", backup_path, "file to write")->required();
  auto* restore = app.add_subcommand("restore", "Replace the database content with a backup (stop the server first)");
  restore->add_option("--input,-i", backup_path, "backup file to read")->required();
  auto* sensor = app.add_subcommand("sensor", "The sensor registry");
  sensor->require_subcommand(1);
  auto* sensor_add = sensor->add_subcommand("add", "Register a sensor");
  ecotown::sensors::NewSensor new_sensor;
  std::string sensor_org, sensor_model, sensor_key;
  int64_t sensor_interval = 0;
  sensor_add->add_option("--org", sensor_org, "organisation code")->required();
  sensor_add->add_option("--code", new_sensor.code, "sensor code, unique in the organisation")->required();
  sensor_add->add_option("--name", new_sensor.name, "name shown on the map (default: the code)");
  sensor_add->add_option("--model", sensor_model,
                         "sds011|plantower-pms|sps30|airgradient|purpleair|reference-bam|reference-teom|other")
      ->required();
  sensor_add->add_option("--lat", new_sensor.lat, "latitude (WGS84)")->required();
  sensor_add->add_option("--lon", new_sensor.lon, "longitude (WGS84)")->required();
  sensor_add->add_option("--device-key", sensor_key, "how the device names itself on the wire");
  sensor_add->add_option("--interval", sensor_interval, "reporting interval, seconds (default by model)");

  auto* import = app.add_subcommand("import", "Import data from files");
  import->require_subcommand(1);
  auto* import_readings = import->add_subcommand("readings", "Import readings (CSV, Sensor.Community archive, Air4Thai history)");
  ecotown::app::ImportOptions import_options;
  std::string import_org;
  bool no_progress = false;
  import_readings->add_option("FILE", import_options.path, "file to read, - for standard input")->required();
  import_readings->add_option("--format", import_options.format, "csv (default) | sensor-community | air4thai");
  import_readings->add_option("--org", import_org, "match sensor codes within this organisation only");
  import_readings->add_flag("--no-progress", no_progress, "no progress line, even on a terminal");
  auto* import_factories = import->add_subcommand("factories", "Import factories from a CSV shaped like DIW's open data");
  ecotown::app::FactoryImportOptions factory_import;
  import_factories->add_option("FILE", factory_import.path, "file to read, - for standard input")->required();
  import_factories->add_option("--org", factory_import.org_code, "the organisation (LAO) whose registry receives them")
      ->required();
  import_factories->add_option("--mapping", factory_import.mapping, "diw-prachinburi (default) | diw-openapi");

  auto* version = app.add_subcommand("version", "Print the version");

  CLI11_PARSE(app, argc, argv);

  if (version->parsed()) {
    std::cout << "ecotown " << ECOTOWN_VERSION << "\n";
    return 0;
  }

  auto loaded = ecotown::app::LoadConfig(config_path);
  if (!loaded.ok()) return Fail(loaded.status());
  Config config = *loaded;
  if (!db_flag.empty()) config.db_url = db_flag;
  if (!listen.empty()) config.listen = listen;
  spdlog::set_default_logger(spdlog::stderr_color_mt("ecotown"));
  spdlog::set_level(spdlog::level::from_str(config.log_level));

  if (demo->parsed() && demo_reset && config.db_url.rfind("sqlite:", 0) == 0) {
    const std::string path = config.db_url.substr(7);
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }

  if ((backup->parsed() || restore->parsed()) && config.db_url.rfind("sqlite:", 0) != 0) {
    std::cerr << "ecotown: on PostgreSQL use its own tools, which ecotown's schema is plain SQL for:\n"
                 "  backup:  pg_dump --format=custom --file=ecotown.dump \"$DATABASE_URL\"\n"
                 "  restore: pg_restore --clean --if-exists --dbname=\"$DATABASE_URL\" ecotown.dump\n"
                 "See docs/operations.md.\n";
    return 2;
  }
  if (backup->parsed()) {
    // Copy the database as it is, without migrating it first: a backup taken before an upgrade
    // must hold the old schema.
    const std::string path = config.db_url.substr(7);
    // Opening would create an empty database, whose "backup" would hide a mistyped --db.
    if (!std::filesystem::exists(path)) return Fail(Status::NotFound("there is no database at " + path));
    auto db = ecotown::store::SqliteDatabase::Open(path, 1);
    if (!db.ok()) return Fail(db.status());
    Status status = static_cast<ecotown::store::SqliteDatabase&>(**db).BackupTo(backup_path);
    if (!status.ok()) return Fail(status);
    std::cout << "backed up " << (*db)->Describe() << " to " << backup_path << "\n";
    return 0;
  }
  if (restore->parsed()) {
    // Restore into the file directly, without migrating first: the backup carries its own schema.
    // Check the backup first, so that a mistyped --input leaves no empty database behind.
    if (!std::filesystem::is_regular_file(backup_path)) {
      return Fail(Status::NotFound("there is no backup file " + backup_path));
    }
    auto db = ecotown::store::SqliteDatabase::Open(config.db_url.substr(7), 1);
    if (!db.ok()) return Fail(db.status());
    Status restored = static_cast<ecotown::store::SqliteDatabase&>(**db).RestoreFrom(backup_path);
    if (!restored.ok()) return Fail(restored);
    std::cout << "restored " << config.db_url << " from " << backup_path << "\n";
    return 0;
  }

  if (import_readings->parsed()) {
    // A transaction of the import dirties ~12 MiB of pages at the benchmark's M: with the 8 MiB
    // default they went to the WAL before the commit and were read back (a quarter of a million
    // reads at M); with 32 MiB they stay in memory until it.
    ecotown::store::SqliteDatabase::SetMemoryMapBytes(0);
    ecotown::store::SqliteDatabase::SetPageCacheBytes(32ll << 20);
  }
  auto runtime = Runtime::Open(config);
  if (!runtime.ok()) return Fail(runtime.status());
  Runtime& rt = **runtime;
  const auto system = ecotown::tenancy::Scope::System("cli");

  if (import_readings->parsed()) {
    if (!import_org.empty()) import_options.org_code = import_org;
    import_options.progress = !no_progress && isatty(STDERR_FILENO);
    auto report = ecotown::app::ImportReadings(rt, import_options, std::cerr);
    if (!report.ok()) return Fail(report.status());
    ecotown::app::PrintImportReport(*report, std::cout);
    return report->accepted > 0 || report->rejected == 0 ? 0 : 1;
  }
  if (import_factories->parsed()) {
    auto report = ecotown::app::ImportFactories(rt, factory_import);
    if (!report.ok()) return Fail(report.status());
    ecotown::app::PrintFactoryImportReport(*report, std::cout);
    return report->accepted + report->updated > 0 || report->rejected == 0 ? 0 : 1;
  }
  if (serve->parsed()) {
    Status served = rt.Serve(config.listen);
    return served.ok() ? 0 : Fail(served);
  }
  if (demo->parsed()) {
    Status seeded = ecotown::app::SeedDemo(rt, std::cout);
    if (!seeded.ok()) return Fail(seeded);
    Status served = rt.Serve(config.listen, [](uint16_t port) {
      std::cout << "Open http://localhost:" << port << "/ in a browser. Press Ctrl+C to stop.\n" << std::flush;
    });
    return served.ok() ? 0 : Fail(served);
  }
  if (migrate->parsed()) {
    auto schema = ecotown::store::SchemaVersion(rt.db());
    if (!schema.ok()) return Fail(schema.status());
    std::cout << "database " << rt.db().Describe() << " is at schema version " << *schema << "\n";
    return 0;
  }
  if (org_add->parsed()) {
    auto type = ecotown::orgs::ParseOrgType(org_type);
    if (!type.ok()) return Fail(type.status());
    new_org.type = *type;
    if (!org_subdistrict.empty()) new_org.subdistrict_code = org_subdistrict;
    if (!org_parent.empty()) new_org.parent_code = org_parent;
    Status status = rt.transactor().Write(system, rt.CliInfo(), [&](UnitOfWork& work) -> Status {
      auto added = ecotown::orgs::AddOrg(work, new_org);
      if (!added.ok()) return added.status();
      std::cout << "added organisation " << added->code << " (id " << added->id << ")\n";
      return Status::Ok();
    });
    return status.ok() ? 0 : Fail(status);
  }
  if (org_list->parsed()) {
    Status status = rt.transactor().Read(system, rt.CliInfo(), [&](UnitOfWork& work) -> Status {
      auto list = work.orgs().List();
      if (!list.ok()) return list.status();
      for (const auto& o : *list) {
        std::cout << o.code << "\t" << ecotown::orgs::OrgTypeName(o.type) << "\t" << o.name_th << "\t" << o.name_en
                  << "\n";
      }
      return Status::Ok();
    });
    return status.ok() ? 0 : Fail(status);
  }
  if (user_add->parsed()) {
    auto role = ecotown::tenancy::ParseRole(user_role);
    if (!role.ok()) return Fail(role.status());
    ecotown::accounts::NewUser request{user_org, username, *role, display_name, std::nullopt, std::nullopt};
    if (password_stdin) {
      auto password = ReadPassword("Password: ");
      if (!password.ok()) return Fail(password.status());
      request.password = *password;
    }
    Status status = rt.transactor().Write(system, rt.CliInfo(), [&](UnitOfWork& work) -> Status {
      auto created = rt.accounts().CreateUser(work, request);
      if (!created.ok()) return created.status();
      std::cout << "added user " << created->username << " (" << ecotown::tenancy::RoleName(created->role) << " @ "
                << user_org << ")\n";
      if (!request.password) std::cout << "set a password with: ecotown user passwd --username " << username << "\n";
      return Status::Ok();
    });
    return status.ok() ? 0 : Fail(status);
  }
  if (user_passwd->parsed()) {
    auto password = ReadPassword("New password: ");
    if (!password.ok()) return Fail(password.status());
    Status status = rt.transactor().Write(system, rt.CliInfo(), [&](UnitOfWork& work) {
      return rt.accounts().SetPassword(work, username, *password);
    });
    if (!status.ok()) return Fail(status);
    std::cout << "password set for " << username << "\n";
    return 0;
  }
  if (sensor_add->parsed()) {
    auto model = ecotown::sensors::ParseModel(sensor_model);
    if (!model.ok()) return Fail(model.status());
    new_sensor.model = *model;
    new_sensor.org_code = sensor_org;
    if (new_sensor.name.empty()) new_sensor.name = new_sensor.code;
    if (!sensor_key.empty()) new_sensor.device_key = sensor_key;
    if (sensor_interval > 0) new_sensor.sample_interval_seconds = sensor_interval;
    Status status = rt.transactor().Write(system, rt.CliInfo(), [&](UnitOfWork& work) -> Status {
      auto created = ecotown::sensors::SensorService().Create(work, new_sensor);
      if (!created.ok()) return created.status();
      std::cout << "added sensor " << created->code << " (id " << created->id << ")\n";
      return Status::Ok();
    });
    return status.ok() ? 0 : Fail(status);
  }
  if (token_create->parsed()) {
    auto role = ecotown::tenancy::ParseRole(token_role);
    if (!role.ok()) return Fail(role.status());
    Status status = rt.transactor().Write(system, rt.CliInfo(), [&](UnitOfWork& work) -> Status {
      auto created = rt.accounts().CreateToken(work, token_org, token_name, *role);
      if (!created.ok()) return created.status();
      std::cout << created->secret << "\n";
      std::cerr << "API token " << created->token.id << " for " << token_org
                << " created; it is shown only now. Send it as 'Authorization: Bearer <token>'.\n";
      return Status::Ok();
    });
    return status.ok() ? 0 : Fail(status);
  }
  return 0;
}
