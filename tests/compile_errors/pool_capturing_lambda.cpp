// Must not compile: a lambda that captures cannot be sent to a worker process. The test
// (Pool.ACapturingLambdaIsRefusedInWords) checks the compiler says so in words.
#include <vector>

#include "procpool/pool.hpp"

int main() {
  procpool::Pool pool(1);
  int factor = 3;
  pool.map([factor](int x) { return factor * x; }, std::vector<int>{1, 2});
}
