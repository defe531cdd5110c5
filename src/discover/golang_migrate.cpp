#include "discover/layout.hpp"

namespace mgate::discovery {

// golang-migrate sends each file to PostgreSQL as one query string, which the server runs as one
// implicit transaction when it holds several statements (a lone statement runs outside one).
void read_golang_migrate(Scan& scan) {
  read_up_down_files(scan, "golang-migrate", true, true);
}

}  // namespace mgate::discovery
