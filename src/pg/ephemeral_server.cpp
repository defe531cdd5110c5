#include "pg/ephemeral_server.hpp"

#include <fmt/core.h>

#include <pqxx/pqxx>

#include <random>
#include <thread>

#include "core/config.hpp"
#include "pg/teardown.hpp"

namespace mgate::pg {
namespace {

std::string random_hex(int digits) {
  std::random_device rd;
  std::string out;
  while (static_cast<int>(out.size()) < digits) out += fmt::format("{:08x}", rd());
  return out.substr(0, digits);
}

std::string ident(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::unique_ptr<pqxx::connection> connect(const Endpoint& endpoint) {
  try {
    return std::make_unique<pqxx::connection>(endpoint.conninfo());
  } catch (const pqxx::broken_connection& e) {
    throw EnvironmentError(
        fmt::format("cannot connect to PostgreSQL as {}: {}", endpoint.redacted(), e.what()));
  }
}

}  // namespace

EphemeralServer::EphemeralServer(std::unique_ptr<Provider> provider, ServerSettings settings)
    : provider_(std::move(provider)), settings_(std::move(settings)) {
  endpoint_ = provider_->start();
  prefix_ = provider_->shared() ? fmt::format("mgate_{}_", random_hex(8)) : "mgate_";
  if (provider_->shared()) teardown_ = register_teardown([this] { drop_scratch_objects(); });
  try {
    admin_ = connect(endpoint_);
    pqxx::nontransaction tx(*admin_);
    std::string version = tx.exec1("SHOW server_version")[0].c_str();
    version_ = version.substr(0, version.find(' '));
    version_number_ = admin_->server_version();
    auto role = tx.exec1("SELECT rolsuper, rolcreatedb FROM pg_roles WHERE rolname = current_user");
    bool is_superuser = role[0].as<bool>();
    bool can_create_databases = role[1].as<bool>();
    tx.commit();
    if (!is_superuser && !can_create_databases) {
      throw InputError(fmt::format(
          "the role '{}' may not create databases: mgate works only in scratch databases it "
          "creates and drops, never in an existing one. Grant it CREATEDB (ALTER ROLE {} "
          "CREATEDB), or use another role",
          endpoint_.user, ident(endpoint_.user)));
    }
    create_owner_role(is_superuser, can_create_databases);
    base_ = create_database("template0", "base");
    if (!settings_.extensions.empty()) {
      auto base = connect(admin(base_));
      pqxx::nontransaction ext(*base);
      for (const std::string& name : settings_.extensions) {
        try {
          ext.exec0("CREATE EXTENSION IF NOT EXISTS " + ident(name) + " CASCADE");
        } catch (const pqxx::sql_error& e) {
          throw InputError(
              fmt::format("postgres.extensions: cannot create extension '{}': {}", name, e.what()));
        }
      }
    }
  } catch (...) {
    drop_scratch_objects();
    if (teardown_) unregister_teardown(*teardown_);
    teardown_.reset();
    admin_.reset();
    provider_->stop();
    throw;
  }
}

EphemeralServer::~EphemeralServer() {
  admin_.reset();
  drop_scratch_objects();
  if (teardown_) unregister_teardown(*teardown_);
  provider_->stop();
}

void EphemeralServer::create_owner_role(bool is_superuser, bool) {
  if (settings_.superuser || !is_superuser) return;
  std::string role = prefix_ + "owner";
  std::string password = random_hex(32);
  pqxx::nontransaction tx(*admin_);
  tx.exec0(fmt::format("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}",
                       ident(role), tx.quote(password)));
  created_role_ = role;
  Endpoint owner = endpoint_;
  owner.user = role;
  owner.password = password;
  owner_ = owner;
}

std::string EphemeralServer::create_database(const std::string& source, std::string_view label) {
  std::string name;
  {
    std::lock_guard lock(mutex_);
    name = fmt::format("{}{}_{}", prefix_, label, ++counter_);
  }
  std::string sql = fmt::format("CREATE DATABASE {} TEMPLATE {}", ident(name), ident(source));
  if (owner_) sql += " OWNER " + ident(owner_->user);
  // FILE_COPY copies the files; the default WAL_LOG writes every block to the WAL, which is
  // slower for the small databases migrations are checked in.
  if (version_number_ >= 150000 && source != "template0") sql += " STRATEGY FILE_COPY";
  try {
    std::lock_guard admin(admin_mutex_);
    pqxx::nontransaction tx(*admin_);
    tx.exec0(sql);
  } catch (const pqxx::insufficient_privilege& e) {
    throw InputError(fmt::format(
        "the role '{}' may not create databases ({}): mgate works only in scratch databases it "
        "creates and drops, never in an existing one",
        endpoint_.user, e.what()));
  } catch (const pqxx::broken_connection& e) {
    throw EnvironmentError(fmt::format("lost the connection to PostgreSQL: {}", e.what()));
  }
  std::lock_guard lock(mutex_);
  databases_.push_back(name);
  return name;
}

std::string EphemeralServer::clone(const std::string& source, std::string_view label) {
  return create_database(source, label);
}

void EphemeralServer::drop(const std::string& database) {
  std::string sql = "DROP DATABASE IF EXISTS " + ident(database);
  if (version_number_ >= 130000) sql += " WITH (FORCE)";
  try {
    std::lock_guard admin(admin_mutex_);
    pqxx::nontransaction tx(*admin_);
    tx.exec0(sql);
  } catch (const pqxx::broken_connection& e) {
    throw EnvironmentError(fmt::format("lost the connection to PostgreSQL: {}", e.what()));
  }
  std::lock_guard lock(mutex_);
  std::erase(databases_, database);
}

void EphemeralServer::wait_for_backends(const std::vector<int>& pids) {
  if (pids.empty()) return;
  std::string list;
  for (int pid : pids) list += (list.empty() ? "" : ", ") + std::to_string(pid);
  // pg_terminate_backend(pid, timeout) would also wait, but in steps of 100 ms; a backend
  // whose client said goodbye is gone in well under a millisecond.
  std::string query = fmt::format("SELECT count(*) FROM pg_stat_activity WHERE pid IN ({})", list);
  try {
    std::lock_guard admin(admin_mutex_);
    pqxx::nontransaction tx(*admin_);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (tx.exec1(query)[0].as<int>() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  } catch (const pqxx::broken_connection& e) {
    throw EnvironmentError(fmt::format("lost the connection to PostgreSQL: {}", e.what()));
  }
}

Endpoint EphemeralServer::owner(const std::string& database) const {
  Endpoint e = owner_ ? *owner_ : endpoint_;
  e.database = database;
  return e;
}

Endpoint EphemeralServer::admin(const std::string& database) const {
  Endpoint e = endpoint_;
  e.database = database;
  return e;
}

// Only a shared server needs this: a private one is removed whole by its provider. Runs on the
// signal thread too, so it uses its own connection.
void EphemeralServer::drop_scratch_objects() {
  if (!provider_->shared()) return;
  std::lock_guard lock(mutex_);
  if (databases_.empty() && created_role_.empty()) return;
  try {
    pqxx::connection connection(endpoint_.conninfo());
    pqxx::nontransaction tx(connection);
    for (const std::string& database : databases_) {
      std::string force = version_number_ >= 130000 ? " WITH (FORCE)" : "";
      tx.exec0("DROP DATABASE IF EXISTS " + ident(database) + force);
    }
    databases_.clear();
    if (!created_role_.empty()) tx.exec0("DROP ROLE IF EXISTS " + ident(created_role_));
    created_role_.clear();
  } catch (const std::exception&) {
    // Best effort on the way out; the names carry the run's random prefix.
  }
}

}  // namespace mgate::pg
