// `procpool gtest --find-order-dependence`: the finder (adapters/gtest/order_dependence.hpp) over
// each listed binary, a readable report, and `--json FILE` with {"order_dependence": [...]}.
#pragma once

#include <string>
#include <vector>

#include "procpool/adapters/gtest/listing.hpp"

namespace procpool::cli {

struct OrderFinderOptions {
  std::vector<std::string> extra_args;
  std::string filter;  // the gtest filter the tests were listed with ("": all)
  std::string temp_root;
  double timeout_s = 0;  // per process; 0: 60 s
  std::string json;      // --json FILE
  bool also_run_disabled = false;
};

// Exit status: 0 none found, 1 some found, 2 a report could not be written, 130 interrupted.
int find_order_dependence(const std::vector<gtest::Listing>& listings,
                          const OrderFinderOptions& options);

}  // namespace procpool::cli
