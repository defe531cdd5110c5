#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pg/provider.hpp"

namespace mgate::pg {

class Connection;

struct ServerSettings {
  bool superuser = false;               // run migrations as the superuser
  std::vector<std::string> extensions;  // created in the base database before any migration
  // Set on every connection as the migrations' role when it starts, over any default a
  // migration gave its role or database (ALTER ROLE ... SET statement_timeout = 0).
  std::chrono::milliseconds statement_timeout{5 * 60 * 1000};
};

// A server the dynamic gates may use, and the databases mgate made on it. On start it creates
// the role migrations run as (a non-superuser owner unless settings.superuser) and a base
// database with the configured extensions; every scenario is a clone of a database made here
// (CREATE DATABASE ... TEMPLATE). Everything is dropped at the end, on every exit path: the
// provider removes a private server whole; on a shared (external) server the scratch databases
// and the role are dropped one by one.
class EphemeralServer {
 public:
  // Throws EnvironmentError (cannot start or reach the server) or InputError (the server
  // refuses what mgate needs, e.g. the external role may not create databases).
  EphemeralServer(std::unique_ptr<Provider> provider, ServerSettings settings);
  ~EphemeralServer();
  EphemeralServer(const EphemeralServer&) = delete;
  EphemeralServer& operator=(const EphemeralServer&) = delete;

  std::string_view provider() const { return provider_->name(); }
  // Why the provider stopped the server during the run (Provider::stopped_early), if it did.
  std::optional<std::string> stopped_early() const { return provider_->stopped_early(); }
  const std::string& version() const { return version_; }  // e.g. 15.18
  int version_number() const { return version_number_; }   // e.g. 150018
  const ServerSettings& settings() const { return settings_; }

  // The database with the extensions and nothing else.
  const std::string& base() const { return base_; }
  // A new database copied from `source`, which must have no open connection. `label` goes into
  // its name for people reading the server's log. clone, drop and wait_for_backends may be
  // called from several threads at once (the rollback gate's workers).
  std::string clone(const std::string& source, std::string_view label);
  void drop(const std::string& database);
  // Waits until the backends of connections just closed have exited: cloning or dropping a
  // database waits for its other sessions, and PostgreSQL re-checks only every 100 ms.
  void wait_for_backends(const std::vector<int>& pids);

  // Where migrations run: the owner role (or the superuser when settings allow it), with
  // settings.statement_timeout.
  Endpoint owner(const std::string& database) const;
  // The administrative role: catalog snapshots, creating and dropping databases.
  Endpoint admin(const std::string& database) const;

 private:
  void check_admin_rights(bool is_superuser, bool can_create_databases,
                          bool can_create_roles) const;
  void create_owner_role(bool admin_is_superuser);
  // A database copied from `source`, owned by the migrations' role when `owned_by_owner`.
  std::string create_database(const std::string& source, std::string_view label,
                              bool owned_by_owner);
  void drop_scratch_objects();

  std::unique_ptr<Provider> provider_;
  ServerSettings settings_;
  Endpoint endpoint_;
  std::unique_ptr<Connection> admin_;
  std::mutex admin_mutex_;  // a connection runs one statement at a time, whichever thread asks
  std::atomic<int> admin_pid_{0};  // its backend, for the teardown to cancel what it runs
  std::string version_;
  int version_number_ = 0;
  std::string prefix_;  // of every database and role this run creates
  std::string base_;
  std::optional<Endpoint> owner_;  // nullopt: the admin endpoint's role
  std::string created_role_;

  std::mutex mutex_;
  std::vector<std::string> databases_;  // about to be created, or created and not yet dropped
  int counter_ = 0;
  bool stopping_ = false;  // the teardown began: no more databases
  std::optional<int> teardown_;
};

}  // namespace mgate::pg
