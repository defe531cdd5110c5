// The docker provider against a stand-in `docker` executable (no Docker engine runs in the
// development container): the commands it runs, and that the container is removed on every
// path. With MGATE_TEST_DOCKER=1 (the docker-provider job of the GitHub workflow) also against
// the real engine.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <pqxx/pqxx>

#include <algorithm>
#include <cstdlib>

#include "core/config.hpp"
#include "pg/provider.hpp"
#include "support/run.hpp"

namespace mgate::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Logs every call; `inspect` says the container is not running, `port` names a closed port.
struct FakeDocker {
  TempDir dir;
  std::string program;
  FakeDocker(const std::string& run_exit = "0") {
    program = dir.write("docker",
                        "#!/bin/sh\n"
                        "echo \"$@\" >> " +
                            (dir.path() / "calls").string() +
                            "\n"
                            "echo \"env POSTGRES_PASSWORD=${POSTGRES_PASSWORD:+set}\" >> " +
                            (dir.path() / "calls").string() +
                            "\n"
                            "case \"$1\" in\n"
                            "  run) echo 0123456789abcdef; exit " +
                            run_exit +
                            " ;;\n"
                            "  port) echo 127.0.0.1:1 ;;\n"
                            "  inspect) echo false ;;\n"
                            "  logs) echo 'database system is shut down' ;;\n"
                            "esac\n")
                  .string();
    chmod(program.c_str(), 0755);
  }
  std::string calls() const { return read_file(dir.path() / "calls"); }
};

TEST(DockerProvider, RunsThePostgresImageOnLoopbackAndRemovesAFailedContainer) {
  FakeDocker docker;
  pg::DockerOptions options;
  options.image = "postgres:15-alpine";
  options.program = docker.program;
  options.max_disk = 512ULL << 20;
  auto provider = pg::make_docker_provider(options);
  try {
    provider->start();
    ADD_FAILURE() << "a container that is not running was accepted";
  } catch (const EnvironmentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("stopped during start-up"));
    EXPECT_THAT(e.what(), HasSubstr("database system is shut down"));
  }
  std::string calls = docker.calls();
  EXPECT_THAT(calls, HasSubstr("run --detach --rm --name mgate-"));
  EXPECT_THAT(calls, HasSubstr("--publish 127.0.0.1::5432"));
  // postgres.max_disk: the data directory is a tmpfs of that size.
  EXPECT_THAT(calls, HasSubstr("--tmpfs /var/lib/postgresql/data:rw,size=536870912"));
  EXPECT_THAT(calls, HasSubstr("postgres:15-alpine -c fsync=off"));
  // The password reaches docker through the environment, never on its command line.
  EXPECT_THAT(calls, HasSubstr("--env POSTGRES_PASSWORD --env"));
  EXPECT_THAT(calls, HasSubstr("env POSTGRES_PASSWORD=set"));
  EXPECT_THAT(calls, HasSubstr("port mgate-"));
  EXPECT_THAT(calls, HasSubstr("rm --force --volumes mgate-"));
  // Removed once: stop() after the failure has nothing left to do.
  provider->stop();
  std::string after = docker.calls();
  EXPECT_EQ(after.find("rm --force"), after.rfind("rm --force"));
}

TEST(DockerProvider, FailingDockerRunIsAnEnvironmentError) {
  FakeDocker docker("1");
  pg::DockerOptions options;
  options.program = docker.program;
  EXPECT_THROW(pg::make_docker_provider(options)->start(), EnvironmentError);
  EXPECT_THAT(docker.calls(), Not(HasSubstr("port ")));
}

TEST(DockerProvider, MissingDockerIsAnEnvironmentError) {
  pg::DockerOptions options;
  options.program = "/nonexistent/docker";
  EXPECT_THROW(pg::make_docker_provider(options)->start(), EnvironmentError);
}

int mgate_containers() {
  RunResult r = run({"docker", "ps", "--all", "--quiet", "--filter", "name=mgate-"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return static_cast<int>(std::count(r.out.begin(), r.out.end(), '\n'));
}

TEST(DockerProviderOnARealEngine, ServesQueriesAndLeavesNoContainer) {
  const char* wanted = std::getenv("MGATE_TEST_DOCKER");
  if (!wanted || std::string(wanted) != "1") {
    GTEST_SKIP() << "needs a Docker engine: set MGATE_TEST_DOCKER=1";
  }
  int before = mgate_containers();
  {
    auto provider = pg::make_docker_provider({});
    pg::Endpoint endpoint = provider->start();
    EXPECT_EQ(endpoint.host, "127.0.0.1");
    EXPECT_EQ(mgate_containers(), before + 1);
    pqxx::connection connection(endpoint.conninfo());
    pqxx::nontransaction tx(connection);
    EXPECT_EQ(tx.exec1("SELECT current_setting('fsync')")[0].as<std::string>(), "off");
  }
  EXPECT_EQ(mgate_containers(), before);
}

}  // namespace
}  // namespace mgate::testing
