// The multiprocessing-style library: #include <procpool/procpool.hpp>, link procpool::procpool.
#pragma once

#include "procpool/errors.hpp"
#include "procpool/pool.hpp"
#include "procpool/process.hpp"
