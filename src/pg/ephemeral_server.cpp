#include "pg/ephemeral_server.hpp"

#include <fmt/core.h>

#include <iostream>
#include <thread>

#include "core/config.hpp"
#include "pg/libpqxx.hpp"
#include "pg/random_hex.hpp"
#include "pg/teardown.hpp"

namespace mgate::pg {
namespace {

std::string ident(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

EphemeralServer::EphemeralServer(std::unique_ptr<Provider> provider, ServerSettings settings)
    : provider_(std::move(provider)), settings_(std::move(settings)) {
  endpoint_ = provider_->start();
  prefix_ = provider_->shared() ? fmt::format("mgate_{}_", random_hex(8)) : "mgate_";
  if (provider_->shared()) teardown_ = register_teardown([this] { drop_scratch_objects(); });
  try {
    admin_ = std::make_unique<Connection>(endpoint_);
    admin_pid_ = admin_->backend_pid();
    pqxx::nontransaction tx(libpqxx(*admin_));
    std::string version = tx.exec1("SHOW server_version")[0].c_str();
    version_ = version.substr(0, version.find(' '));
    version_number_ = libpqxx(*admin_).server_version();
    auto role = tx.exec1(
        "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user");
    tx.commit();
    check_admin_rights(role[0].as<bool>(), role[1].as<bool>(), role[2].as<bool>());
    if (!settings_.superuser) create_owner_role(role[0].as<bool>());
    // The base belongs to the administrative role: the migrations' role may not drop it.
    base_ = create_database("template0", "base", false);
    if (!settings_.extensions.empty()) {
      Connection base(admin(base_));
      pqxx::nontransaction ext(libpqxx(base));
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
    {
      std::lock_guard admin(admin_mutex_);
      admin_pid_ = 0;
      admin_.reset();
    }
    drop_scratch_objects();
    if (teardown_) unregister_teardown(*teardown_);
    teardown_.reset();
    provider_->stop();
    throw;
  }
}

EphemeralServer::~EphemeralServer() {
  {
    std::lock_guard admin(admin_mutex_);
    admin_pid_ = 0;
    admin_.reset();
  }
  drop_scratch_objects();
  if (teardown_) unregister_teardown(*teardown_);
  provider_->stop();
}

// What mgate needs of the role it is given: to create the scratch databases, and, unless the
// migrations may run as it (postgres.superuser), to create the role they run as, which may do
// neither: a migration must not reach beyond the databases mgate made.
void EphemeralServer::check_admin_rights(bool is_superuser, bool can_create_databases,
                                         bool can_create_roles) const {
  if (settings_.superuser && !is_superuser) {
    throw InputError(fmt::format(
        "postgres.superuser = true runs the migrations as the server's role '{}', which is no "
        "superuser: give a superuser's URL, or set postgres.superuser = false (the default) so "
        "that they run as a role mgate creates",
        endpoint_.user));
  }
  if (is_superuser) return;
  if (!can_create_databases) {
    throw InputError(fmt::format(
        "the role '{}' may not create databases: mgate works only in scratch databases it "
        "creates and drops, never in an existing one. Grant it CREATEDB (ALTER ROLE {} "
        "CREATEDB), or use another role",
        endpoint_.user, ident(endpoint_.user)));
  }
  if (!can_create_roles) {
    throw InputError(fmt::format(
        "the role '{}' may not create roles: mgate runs the migrations as a role of its own that "
        "may not create databases or roles, never as '{}', which may create databases (a "
        "migration could drop or create databases outside the check). Grant it CREATEROLE "
        "(ALTER ROLE {} CREATEROLE), or use a superuser",
        endpoint_.user, endpoint_.user, ident(endpoint_.user)));
  }
}

void EphemeralServer::create_owner_role(bool admin_is_superuser) {
  std::string role = prefix_ + "owner";
  std::string password = random_hex(32);
  {
    // Recorded first: a teardown that runs while CREATE ROLE does drops it too.
    std::lock_guard lock(mutex_);
    if (stopping_) throw EnvironmentError("interrupted");
    created_role_ = role;
  }
  std::lock_guard admin(admin_mutex_);
  pqxx::nontransaction tx(libpqxx(*admin_));
  tx.exec0(fmt::format(
      "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
      "PASSWORD {}",
      ident(role), tx.quote(password)));
  // A role that is no superuser must be a member of the owner of the databases it creates and
  // drops.
  if (!admin_is_superuser)
    tx.exec0(fmt::format("GRANT {} TO {}", ident(role), ident(endpoint_.user)));
  Endpoint owner = endpoint_;
  owner.user = role;
  owner.password = password;
  owner_ = owner;
}

std::string EphemeralServer::create_database(const std::string& source, std::string_view label,
                                             bool owned_by_owner) {
  std::string name;
  {
    // Recorded before it exists: a teardown that runs meanwhile drops it too (IF EXISTS).
    std::lock_guard lock(mutex_);
    if (stopping_) throw EnvironmentError("interrupted: the scratch databases are being dropped");
    name = fmt::format("{}{}_{}", prefix_, label, ++counter_);
    databases_.push_back(name);
  }
  std::string sql = fmt::format("CREATE DATABASE {} TEMPLATE {}", ident(name), ident(source));
  if (owned_by_owner && owner_) sql += " OWNER " + ident(owner_->user);
  // FILE_COPY copies the files; the default WAL_LOG writes every block to the WAL, which is
  // slower for the small databases migrations are checked in.
  if (version_number_ >= 150000 && source != "template0") sql += " STRATEGY FILE_COPY";
  try {
    std::lock_guard admin(admin_mutex_);
    if (!admin_) throw EnvironmentError("interrupted: the scratch databases are being dropped");
    pqxx::nontransaction tx(libpqxx(*admin_));
    tx.exec0(sql);
  } catch (const pqxx::insufficient_privilege& e) {
    throw InputError(fmt::format(
        "the role '{}' may not create databases ({}): mgate works only in scratch databases it "
        "creates and drops, never in an existing one",
        endpoint_.user, e.what()));
  } catch (const pqxx::broken_connection& e) {
    throw EnvironmentError(fmt::format("lost the connection to PostgreSQL: {}", e.what()));
  } catch (const pqxx::failure& e) {
    // A source a migration dropped (postgres.superuser = true lets it), a cancelled statement.
    throw EnvironmentError(fmt::format("cannot copy the database {}: {}", source, e.what()));
  }
  return name;
}

std::string EphemeralServer::clone(const std::string& source, std::string_view label) {
  return create_database(source, label, true);
}

void EphemeralServer::drop(const std::string& database) {
  std::string sql = "DROP DATABASE IF EXISTS " + ident(database);
  if (version_number_ >= 130000) sql += " WITH (FORCE)";
  try {
    std::lock_guard admin(admin_mutex_);
    if (!admin_) return;  // the teardown drops it
    pqxx::nontransaction tx(libpqxx(*admin_));
    tx.exec0(sql);
  } catch (const pqxx::broken_connection& e) {
    throw EnvironmentError(fmt::format("lost the connection to PostgreSQL: {}", e.what()));
  } catch (const pqxx::failure& e) {
    throw EnvironmentError(fmt::format("cannot drop the database {}: {}", database, e.what()));
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
    if (!admin_) return;
    pqxx::nontransaction tx(libpqxx(*admin_));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (tx.exec1(query)[0].as<int>() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  } catch (const pqxx::failure& e) {
    throw EnvironmentError(fmt::format("lost the connection to PostgreSQL: {}", e.what()));
  }
}

Endpoint EphemeralServer::owner(const std::string& database) const {
  Endpoint e = owner_ ? *owner_ : endpoint_;
  e.database = database;
  e.options["options"] =
      fmt::format("-c statement_timeout={}", settings_.statement_timeout.count());
  return e;
}

Endpoint EphemeralServer::admin(const std::string& database) const {
  Endpoint e = endpoint_;
  e.database = database;
  return e;
}

// Only a shared server needs this: a private one is removed whole by its provider. Runs on the
// signal thread too, while the main thread may still be at work, so it uses its own connection,
// and lets no clone start once it began.
void EphemeralServer::drop_scratch_objects() {
  if (!provider_->shared()) return;
  std::lock_guard lock(mutex_);
  stopping_ = true;
  if (databases_.empty() && created_role_.empty()) return;
  std::vector<std::string> left;
  try {
    pqxx::connection connection(endpoint_.conninfo());
    pqxx::nontransaction tx(connection);
    // A CREATE DATABASE under way on the administrative connection could complete after the
    // drops below: it is cancelled, and waited for.
    if (int pid = admin_pid_) {
      tx.exec(fmt::format("SELECT pg_catalog.pg_cancel_backend({})", pid));
    }
    std::lock_guard admin(admin_mutex_);
    auto drop_database = [&](const std::string& database) {
      try {
        if (version_number_ < 130000) {
          tx.exec(
              "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity "
              "WHERE datname = " +
              tx.quote(database));
        }
        std::string force = version_number_ >= 130000 ? " WITH (FORCE)" : "";
        tx.exec0("DROP DATABASE IF EXISTS " + ident(database) + force);
      } catch (const pqxx::sql_error& e) {
        left.push_back(fmt::format("database {} ({})", database, e.what()));
      }
    };
    for (const std::string& database : databases_) drop_database(database);
    databases_.clear();
    if (!created_role_.empty()) {
      // Whatever the role still owns goes first: objects and rights in this database, and any
      // database of its own that escaped the list.
      std::string role = ident(created_role_);
      if (!tx.exec("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = " + tx.quote(created_role_))
               .empty()) {
        for (const auto& row :
             tx.exec("SELECT datname FROM pg_catalog.pg_database d JOIN pg_catalog.pg_roles r "
                     "ON r.oid = d.datdba WHERE r.rolname = " +
                     tx.quote(created_role_))) {
          drop_database(row[0].c_str());
        }
        try {
          tx.exec0("DROP OWNED BY " + role);
          tx.exec0("DROP ROLE IF EXISTS " + role);
        } catch (const pqxx::sql_error& e) {
          left.push_back(fmt::format("role {} ({})", created_role_, e.what()));
        }
      }
      created_role_.clear();
    }
  } catch (const std::exception& e) {
    left.push_back(
        fmt::format("everything mgate created with the prefix {} ({})", prefix_, e.what()));
  }
  for (const std::string& what : left) {
    std::cerr << fmt::format("mgate: warning: could not drop the {} on {}: drop it by hand\n", what,
                             endpoint_.redacted());
  }
}

}  // namespace mgate::pg
