#include "discover/layout.hpp"

namespace mgate::discovery {

// golang-migrate sends each file to PostgreSQL as one multi-statement query, which the server
// runs as one implicit transaction: every golang-migrate migration is transactional.
void read_golang_migrate(Scan& scan) {
  read_up_down_files(scan, "golang-migrate", true);
}

}  // namespace mgate::discovery
